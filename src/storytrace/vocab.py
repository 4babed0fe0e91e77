"""Process-wide integer ids for normalised words, so word arithmetic over a pair of documents (bags,
overlaps) runs in numpy instead of dictionaries. Ids are only compared inside one process."""

from __future__ import annotations

import numpy as np

_IDS: dict[str, int] = {}
WORDS: list[str] = []  # the word of each id


def word_ids(words: list[str]) -> np.ndarray:
    ids = list(map(_IDS.get, words))
    if None in ids:
        for k, (word, i) in enumerate(zip(words, ids)):
            if i is None:
                i = _IDS.get(word)
                if i is None:
                    i = _IDS[word] = len(WORDS)
                    WORDS.append(word)
                ids[k] = i
    return np.array(ids, dtype=np.int64)


def weights_of(ids: np.ndarray, weight: dict[str, float], default: float = 1.0) -> np.ndarray:
    """``weight`` (word -> weight) looked up for each id."""
    get = weight.get
    return np.array([get(WORDS[i], default) for i in ids.tolist()], dtype=np.float64)
