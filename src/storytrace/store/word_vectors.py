"""The pair scorer's word vectors kept in the store (table ``word_vectors``): every word ``add``
encodes is kept with its batch, so that later batches and traces read it instead of running the
model for it again (judge/word_vectors.py). A trace reads them and keeps nothing.

The table is optional (a store made before it had none; it is created when the store is next opened
where it can be written) and carries no schema version of its own: a storytrace that does not know
it leaves it alone. Meta key ``word_vectors_encoder`` names the encoder that made its vectors
(``Encoder.identity``); a batch encoded by another starts the table again, and a trace by another
reads nothing from it. Vectors are the encoder's float32 values, byte for byte.
"""

from __future__ import annotations

import os
import sqlite3

import numpy as np

from ..encode.embed import DIMENSIONS, get_encoder
from ..index.sqlite_storage import _chunks, _marks

WORD_VECTORS_TABLE = ("CREATE TABLE IF NOT EXISTS word_vectors (word TEXT PRIMARY KEY, vector BLOB NOT NULL) "
                      "WITHOUT ROWID")
_ENCODER_KEY = "word_vectors_encoder"


def ensure_table(db: sqlite3.Connection) -> None:
    """The table in a store made before it; left for later (the next batch makes it) where the store
    cannot be written now. Never waits: opening a store for a trace while another process adds must
    not wait for that batch for an optional table."""
    if _has_table(db):
        return
    timeout = db.execute("PRAGMA busy_timeout").fetchone()[0]
    db.execute("PRAGMA busy_timeout = 0")
    try:
        db.execute(WORD_VECTORS_TABLE)
    except sqlite3.OperationalError:  # read-only, or another process holding the write lock
        pass
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(timeout)}")


def _has_table(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = 'word_vectors'").fetchone() is not None


class StoredWordVectors:
    """A WordVectorSource over one store's connection, inside its batch (``writable``) or trace."""

    def __init__(self, db: sqlite3.Connection, writable: bool) -> None:
        self.db = db
        self.writable = writable
        self._pid = os.getpid()  # a forked worker must not use its parent's connection
        self._usable: bool | None = None
        if writable:  # a batch: vectors of another encoder go now, whether or not it encodes a word
            self._ready()

    def _ready(self) -> bool:
        if os.getpid() != self._pid:
            return False
        if self._usable is None:
            if not _has_table(self.db):
                if not self.writable:
                    self._usable = False
                    return False
                self.db.execute(WORD_VECTORS_TABLE)  # inside the batch's write transaction
            identity = get_encoder().identity()
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (_ENCODER_KEY,)).fetchone()
            if row is not None and row[0] == identity:
                self._usable = True
            elif self.writable:  # vectors of another encoder (or none yet): this batch starts the table
                self.db.execute("DELETE FROM word_vectors")
                self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (_ENCODER_KEY, identity))
                self._usable = True
            else:
                self._usable = False
        return self._usable

    def vectors(self, words: list[str]) -> dict[str, np.ndarray]:
        if not self._ready():
            return {}
        found = {}
        for chunk in _chunks(words):
            for word, blob in self.db.execute(f"SELECT word, vector FROM word_vectors WHERE word IN ({_marks(chunk)})",
                                              chunk):
                vector = np.frombuffer(blob, dtype=np.float32)
                if len(vector) == DIMENSIONS:
                    found[word] = vector.copy()
        return found

    def encoded(self, vectors: dict[str, np.ndarray]) -> None:
        if self.writable and self._ready():
            self.db.executemany("INSERT OR IGNORE INTO word_vectors (word, vector) VALUES (?, ?)",
                                [(w, np.asarray(v, dtype=np.float32).tobytes()) for w, v in vectors.items()])
