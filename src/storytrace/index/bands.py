"""Near-duplicate candidates from sketch bands: all at once for a batch (``self_join``:
text/neardup.band_pairs), or one new article at a time (``insert`` / ``query``).
In a bucket of more than NEARDUP_MAX_BUCKET articles (the new one counted) the newcomer is paired
with the bucket's first (smallest) owner only, as the batch links a large bucket to its first."""

from __future__ import annotations

from .. import thresholds as T
import numpy as np

from ..text.neardup import band_pairs
from .features import Features, as_keys, sketches_of


class BandIndex:
    def __init__(self, storage) -> None:
        self.storage = storage

    @staticmethod
    def self_join(features: list[Features]) -> np.ndarray:
        """Pairs (i < j) of a batch sharing a band: one vectorised pass."""
        return band_pairs(sketches_of(features), T.NEARDUP_BANDS, T.NEARDUP_ROWS, T.NEARDUP_MAX_BUCKET).reshape(-1, 2)

    def insert(self, owner: int, features: Features) -> None:
        if features.shingles > 0:  # a text too short for a shingle has no sketch to band
            self.storage.add_postings("bands", owner, as_keys(features.bands))

    def query(self, features: Features) -> list[int]:
        if features.shingles == 0:
            return []
        postings = self.storage.postings("bands", as_keys(features.bands))
        found = {int(owners.min()) for owners in postings.values() if len(owners) + 1 > T.NEARDUP_MAX_BUCKET}
        found.update(owner for owners in postings.values() if len(owners) + 1 <= T.NEARDUP_MAX_BUCKET
                     for owner in owners.tolist())
        return sorted(found)
