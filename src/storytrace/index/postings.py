"""What a one-article query makes of its keys' owners (``storage.postings``' answer): each owner
with the number of the article's keys it holds, counting only keys held by few enough articles."""

from __future__ import annotations

import numpy as np

_NONE = (np.zeros(0, np.int64), np.zeros(0, np.int64))


def shared_counts(postings: dict[int, np.ndarray], most_owners: int) -> tuple[np.ndarray, np.ndarray]:
    """(owners ascending, how many of the keys each holds) over the keys whose owners, the querying
    article counted, are at most ``most_owners`` (a commoner key is boilerplate or a common name).
    A key lists an owner once, so counting the owners of the kept keys counts shared keys; one
    numpy pass, where a Counter over every owner took ~4 s a batch of 1,000 against 100,000 names."""
    kept = [owners for owners in postings.values() if len(owners) + 1 <= most_owners]
    if not kept:
        return _NONE
    return np.unique(np.concatenate(kept), return_counts=True)
