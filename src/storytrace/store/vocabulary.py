"""The store's word ids (table ``vocabulary``, schema 6): a stored bag of words keeps its words as
these, so that reading one back is an array lookup, not a text to split and a word to look up
each (stats.make_bag's cost, about a tenth of an ``add`` batch at 200,000 articles).

A word's id never changes once committed (rows are only ever added). This process's word id of
each store id (text/vocab.py) is kept in an array as bags are read; a batch rolled back may have
added ids that another batch will reuse for other words, so ``Store.transaction`` forgets them.
"""

from __future__ import annotations

import sqlite3

import numpy as np

from ..index.sqlite_storage import _chunks, _marks
from ..text.vocab import word_ids

VOCABULARY_TABLE = "CREATE TABLE vocabulary (id INTEGER PRIMARY KEY, word TEXT NOT NULL UNIQUE)"


class Vocabulary:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.forget()

    def forget(self) -> None:
        self._process = np.full(0, -1, dtype=np.int64)  # store id -> this process's word id (-1: not read)

    def ids(self, words) -> dict[str, int]:
        """The store ids of ``words``, those not in the vocabulary added (inside the caller's transaction)."""
        words = sorted(set(words))
        found = self._select(words)
        new = [w for w in words if w not in found]
        if new:
            self.db.executemany("INSERT INTO vocabulary (word) VALUES (?)", [(w,) for w in new])
            found.update(self._select(new))
        return found

    def _select(self, words: list[str]) -> dict[str, int]:
        found = {}
        for chunk in _chunks(words):
            found.update(self.db.execute(f"SELECT word, id FROM vocabulary WHERE word IN ({_marks(chunk)})", chunk))
        return found

    def process_ids(self, ids: np.ndarray) -> np.ndarray:
        """This process's word ids (text/vocab.py) of store ids."""
        if not len(ids):
            return np.zeros(0, dtype=np.int64)
        top = int(ids.max()) + 1
        if top > len(self._process):
            grown = np.full(max(top, 2 * len(self._process)), -1, dtype=np.int64)
            grown[:len(self._process)] = self._process
            self._process = grown
        out = self._process[ids]
        unknown = out < 0
        if unknown.any():
            asked = np.unique(ids[unknown]).tolist()
            words = {}
            for chunk in _chunks(asked):
                words.update(self.db.execute(f"SELECT id, word FROM vocabulary WHERE id IN ({_marks(chunk)})", chunk))
            missing = [i for i in asked if i not in words]
            if missing:
                raise ValueError(f"bag of words names word ids the store's vocabulary does not hold: {missing[:5]}")
            self._process[asked] = word_ids([words[i] for i in asked])
            out = self._process[ids]
        return out
