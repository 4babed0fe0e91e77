"""Sentence vectors kept on disk between runs (SQLite in the user cache directory), so re-running
``analyze`` on a grown corpus, or ``compare`` on texts seen before, encodes only the new texts.

Keys are 16-byte digests of (encoder backend, model, word-piece limit, text); values are the exact
float32 vectors, so a run served from the store gives the same results as a fresh one. Set
``STORYTRACE_VECTOR_CACHE=off`` to neither read nor write it. A store that cannot be opened or
written (read-only disk, corrupt file) is reported once on stderr and then ignored.

The store is bounded: past ``STORYTRACE_VECTOR_CACHE_MAX`` (default 4 GB) of pages in use, the
vectors written longest ago are deleted down to 90% of it. A process that adds to a storytrace store
batch after batch writes about 10 KB of vectors an article (README), so unbounded the file would grow
with everything ever read. First in, first out, by row number: a vector deleted and asked for again
is encoded again, to the same values, and written anew. Not least recently used: recording the
first read of a vector in an hour made that read 0.18 times as fast (the use time in the vector's
row, indexed) or 0.37 (in a table of its own, scanned to trim) and every write 0.59 times
(``benchmarks/vector_cache.py``); and deleting in the order rows were written empties whole pages,
which SQLite reuses, where deleting by use left half-empty ones. The file keeps its size once
reached: about the bound, plus the write-ahead log.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import numpy as np

from ..limits import human, parse_size

FILE_NAME = "vectors.sqlite3"  # in the cache directory (onnx_encoder.cache_dir)
_CHUNK = 500  # keys per SELECT (SQLite caps bound parameters)
DEFAULT_MAX_BYTES = 4 << 30  # about 2 million vectors (2.1 KB each with the keys): ~400,000 added articles' worth
KEEP_AFTER_TRIM = 0.9  # a trim deletes down to this share of the bound, so trims are rare
_SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)"


def enabled() -> bool:
    return os.environ.get("STORYTRACE_VECTOR_CACHE", "on").strip().lower() not in ("off", "0", "no", "false")


def max_bytes() -> int:
    """``STORYTRACE_VECTOR_CACHE_MAX`` ("4G", "500M", bytes), else DEFAULT_MAX_BYTES; a value that is
    not a size is reported on stderr and the default used (the cache only saves time)."""
    raw = os.environ.get("STORYTRACE_VECTOR_CACHE_MAX", "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    try:
        return parse_size(raw)
    except ValueError as error:
        print(f"storytrace: $STORYTRACE_VECTOR_CACHE_MAX: {error}; the vector cache keeps at most "
              f"{human(DEFAULT_MAX_BYTES)}", file=sys.stderr)
        return DEFAULT_MAX_BYTES


class VectorStore:
    def __init__(self, path: Path, dimensions: int, limit: int | None = None) -> None:
        self.path = path
        self.dimensions = dimensions
        self.limit = max_bytes() if limit is None else limit
        self.trims = 0  # trims this process made (for tests and benchmarks)
        self._db: sqlite3.Connection | None = None
        self._failed = False

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and not self._failed:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")  # readers in other processes are not blocked
                db.execute(_SCHEMA)
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
                self._trim(db)  # in the same transaction: two processes never trim the same rows
        except sqlite3.Error as error:
            self._give_up(error)

    def live_bytes(self, db: sqlite3.Connection | None = None) -> int:
        """Bytes of the file's pages in use (the file less its free pages; the WAL not counted)."""
        db = db or self._connect()
        if db is None:
            return 0
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        pages = db.execute("PRAGMA page_count").fetchone()[0] - db.execute("PRAGMA freelist_count").fetchone()[0]
        return pages * page_size

    def _trim(self, db: sqlite3.Connection) -> None:
        """Past the bound, delete the vectors written longest ago down to KEEP_AFTER_TRIM of it, how
        many by the mean bytes a vector takes now."""
        live = self.live_bytes(db)
        if live <= self.limit:
            return
        rows = db.execute("SELECT count(*) FROM vectors").fetchone()[0]
        if not rows:
            return
        excess = live - KEEP_AFTER_TRIM * self.limit
        doomed = min(rows, int(-(-excess * rows // live)))  # ceil: at least the excess, by the mean row
        db.execute("DELETE FROM vectors WHERE rowid IN (SELECT rowid FROM vectors ORDER BY rowid LIMIT ?)", (doomed,))
        self.trims += 1
