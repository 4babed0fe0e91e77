"""Process-wide integer ids for normalised words, so word arithmetic over a pair of documents (bags,
overlaps) runs in numpy instead of dictionaries, and a document keeps its words as 4-byte ids
(``model.Doc.words``, taken when it is segmented). Ids are only compared inside one process. A lock
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


class PerWord:
    """A value per word id, computed once per word and kept in an array grown by doubling (words
    arrive a few at a time, article by article: copying the whole array for each would be quadratic)."""

    def __init__(self, compute, dtype) -> None:
        self._compute, self._values, self._count = compute, np.zeros(0, dtype=dtype), 0

    def __getitem__(self, ids: np.ndarray) -> np.ndarray:
        if self._count < len(WORDS):
            with _LOCK:
                count, values = self._count, self._values
                new = np.array([self._compute(w) for w in WORDS[count:]], dtype=values.dtype)
                if count + len(new) > len(values):
                    grown = np.zeros(max(2 * len(values), count + len(new), 1024), dtype=values.dtype)
                    grown[:count] = values[:count]
                    values = self._values = grown
                values[count:count + len(new)] = new
                self._count = count + len(new)  # last: a reader outside the lock sees only filled values
        return self._values[ids]


def is_counted(word: str) -> bool:
    """What bags of words count: words of two letters or more."""
    return len(word) > 1 and word.isalpha()


ALPHABETIC = PerWord(is_counted, bool)
ALPHANUMERIC = PerWord(str.isalnum, bool)

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
