"""Sentence vectors kept on disk between runs (SQLite in the user cache directory), so re-running
``analyze`` on a grown corpus, or ``compare`` on texts seen before, encodes only the new texts.

Keys are 16-byte digests of (encoder backend, model, word-piece limit, text); values are the exact
float32 vectors, so a run served from the store gives the same results as a fresh one. Set
``STORYTRACE_VECTOR_CACHE=off`` to neither read nor write it. A store that cannot be opened or
written (read-only disk, corrupt file) is reported once on stderr and then ignored.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import numpy as np

_CHUNK = 500  # keys per SELECT (SQLite caps bound parameters)


def enabled() -> bool:
    return os.environ.get("STORYTRACE_VECTOR_CACHE", "on").strip().lower() not in ("off", "0", "no", "false")


class VectorStore:
    def __init__(self, path: Path, dimensions: int) -> None:
        self.path = path
        self.dimensions = dimensions
        self._db: sqlite3.Connection | None = None
        self._failed = False

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and not self._failed:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")  # readers in other processes are not blocked
                db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")
                self._db = db
            except (sqlite3.Error, OSError) as error:
                self._give_up(error)
        return self._db

    def _give_up(self, error: Exception) -> None:
        self._failed, self._db = True, None
        print(f"storytrace: vector cache {self.path} unusable ({error}); encoding without it", file=sys.stderr)

    def get_many(self, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        db = self._connect()
        found: dict[bytes, np.ndarray] = {}
        if db is None:
            return found
        try:
            for first in range(0, len(keys), _CHUNK):
                chunk = keys[first:first + _CHUNK]
                rows = db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})",
                                  chunk).fetchall()
                for key, blob in rows:
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if vector.shape == (self.dimensions,):
                        found[bytes(key)] = vector.copy()
        except sqlite3.Error as error:
            self._give_up(error)
        return found

    def put_many(self, items: list[tuple[bytes, np.ndarray]]) -> None:
        db = self._connect()
        if db is None or not items:
            return
        try:
            with db:
                db.executemany("INSERT OR IGNORE INTO vectors (key, vector) VALUES (?, ?)",
                               [(k, np.ascontiguousarray(v, dtype=np.float32).tobytes()) for k, v in items])
        except sqlite3.Error as error:
            self._give_up(error)
