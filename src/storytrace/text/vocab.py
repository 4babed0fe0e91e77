"""Process-wide integer ids for normalised words, so word arithmetic over a pair of documents (bags,
overlaps) runs in numpy instead of dictionaries. Ids are only compared inside one process. A lock
guards every growth: dask workers may run several tasks on threads of one process."""

from __future__ import annotations

import threading

import numpy as np

_IDS: dict[str, int] = {}
WORDS: list[str] = []  # the word of each id
_LOCK = threading.RLock()


def word_ids(words: list[str]) -> np.ndarray:
    try:  # every word known already (most calls once a process is warm): no list, no None test
        return np.fromiter(map(_IDS.__getitem__, words), dtype=np.int64, count=len(words))
    except KeyError:
        pass
    ids = list(map(_IDS.get, words))
    if None in ids:
        with _LOCK:
            for k, (word, i) in enumerate(zip(words, ids)):
                if i is None:
                    i = _IDS.get(word)
                    if i is None:
                        i = _IDS[word] = len(WORDS)
                        WORDS.append(word)
                    ids[k] = i
    return np.array(ids, dtype=np.int64)


class _PerWord:
    """A value per word id, computed once per word and kept in a growing array."""

    def __init__(self, compute, dtype) -> None:
        self._compute, self._values = compute, np.zeros(0, dtype=dtype)

    def __getitem__(self, ids: np.ndarray) -> np.ndarray:
        values = self._values
        if len(values) < len(WORDS):
            with _LOCK:
                values = self._values
                new = [self._compute(w) for w in WORDS[len(values):]]
                values = self._values = np.r_[values, np.array(new, dtype=values.dtype)]
        return values[ids]


def is_counted(word: str) -> bool:
    """What bags of words count: words of two letters or more."""
    return len(word) > 1 and word.isalpha()


ALPHABETIC = _PerWord(is_counted, bool)
ALPHANUMERIC = _PerWord(str.isalnum, bool)

_weights: tuple[dict | None, np.ndarray] = (None, np.zeros(0))


def weights_of(ids: np.ndarray, weight: dict[str, float], default: float = 1.0) -> np.ndarray:
    """``weight`` (word -> weight, a corpus's) looked up for each id; the lookups are kept while the
    same dictionary is asked about. Only the ids asked for are looked up (NaN marks the others): a
    new dictionary, one per store trace, costs its own words, not the whole vocabulary's."""
    global _weights
    known, values = _weights
    if known is not weight or len(values) < len(WORDS):
        with _LOCK:
            known, values = _weights
            if known is not weight:
                values = np.zeros(0)
            values = np.r_[values, np.full(len(WORDS) - len(values), np.nan)]
            _weights = (weight, values)
    out = values[ids]
    unknown = np.isnan(out)
    if unknown.any():
        get = weight.get
        asked = ids[unknown]
        out[unknown] = values[asked] = np.array([get(WORDS[i], default) for i in asked.tolist()], dtype=np.float64)
    return out
