"""The indexes' storage as SQLite tables, inside the store's database and its transactions.

Postings are WITHOUT ROWID tables keyed (key, owner): a key's owners are one range of the
primary key, counted or listed without touching another page. A table keeps the high KEY_BITS of
each 64-bit key (schema 3): SQLite stores an integer in the fewest of 1, 2, 3, 4, 6 or 8 bytes, so
a 32-bit key takes 4 bytes where the hash took 8 (a row's payload 9 bytes instead of 13). Keys
whose high bits collide share owners: that can add a candidate (which the judge then compares like
any other) or, more rarely, push a key's count of owners over its cap so that it is ignored.

Lead vectors are kept as ``encode/leads.pack`` gives them (schema 4: 388 bytes of 8-bit levels and a
scale; float32 for a vector that was not rounded so), their top cosines as float32; the whole matrix is also held in memory once read (an exact
dot-product scan per query: an ANN index can replace it later, measured), and dropped by
``forget`` when a transaction rolls back.
"""

from __future__ import annotations

import sqlite3

import numpy as np

from ..encode import leads
from .storage import VectorRows

KINDS = ("ngrams", "bands", "terms")
_CHUNK = 500  # keys per statement (SQLite caps bound parameters)
# the high bits of each kind's keys a table keeps. n-grams and terms: an owner is a candidate
# only after MIN_SHARED_SAMPLED_NGRAMS / MIN_SHARED_KEY_TERMS shared keys, and 32 bits keep stray
# collisions rare (measured at 2,000 and 5,000 articles as expected from 2^32; projected: about 0.9
# stray (key, owner) hits among a query's ~150 n-grams at 200,000 articles, 4.6 at 1M; BENCHMARKS.md,
# "Store size, schema 3"); bands: one shared band is a candidate, so they keep 48 bits (6 bytes), a
# collision then being ~1e-6 a query at 200,000 articles. Changing a width changes what stored keys
# mean: bump store/schema.SCHEMA_VERSION and migrate.
KEY_BITS = {"ngrams": 32, "bands": 48, "terms": 32}

SCHEMA = [
    *(f"CREATE TABLE IF NOT EXISTS index_{kind} (key INTEGER NOT NULL, owner INTEGER NOT NULL, "
      f"PRIMARY KEY (key, owner)) WITHOUT ROWID" for kind in KINDS),
    "CREATE TABLE IF NOT EXISTS index_values (kind TEXT NOT NULL, owner INTEGER NOT NULL, value, "
    "PRIMARY KEY (kind, owner)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS index_vectors (owner INTEGER PRIMARY KEY, vector BLOB NOT NULL, "
    "top BLOB NOT NULL, floor REAL NOT NULL)",
]


class SqliteStorage:
    def __init__(self, db: sqlite3.Connection, dimensions: int = 384) -> None:
        self.db = db
        self.dimensions = dimensions
        for statement in SCHEMA:
            db.execute(statement)
        self._matrix: VectorRows | None = None

    def forget(self) -> None:
        """Drop what is held in memory (after a rollback it may hold rows the database lost)."""
        self._matrix = None

    def refresh(self) -> None:
        """Drop the vectors held in memory when another process has added to the database since
        they were read (articles are numbered in order and never deleted: a larger last number is
        the sign). Called at the start of each transaction or read snapshot."""
        if self._matrix is not None:
            owners = self._matrix.view()[0]
            last = self.db.execute("SELECT MAX(owner) FROM index_vectors").fetchone()[0]
            if last != (int(owners[-1]) if len(owners) else None):
                self._matrix = None

    # ---- postings
    def add_postings(self, kind: str, owner: int, keys: np.ndarray) -> None:
        self.db.executemany(f"INSERT OR IGNORE INTO index_{_kind(kind)} (key, owner) VALUES (?, ?)",
                            [(k, owner) for k in short_keys(kind, keys.tolist())])

    def posting_stats(self, kind: str, keys: np.ndarray) -> dict[int, tuple[int, int]]:
        full = _by_short(kind, keys.tolist())
        out = {}
        for chunk in _chunks(list(full)):
            for short, n, first in self.db.execute(
                    f"SELECT key, COUNT(*), MIN(owner) FROM index_{_kind(kind)} WHERE key IN ({_marks(chunk)}) "
                    f"GROUP BY key", chunk):
                out.update((k, (n, first)) for k in full[short])
        return out

    def posting_owners(self, kind: str, keys: list[int]) -> list[tuple[int, int]]:
        full = _by_short(kind, keys)
        out = []
        for chunk in _chunks(list(full)):
            for short, owner in self.db.execute(
                    f"SELECT key, owner FROM index_{_kind(kind)} WHERE key IN ({_marks(chunk)})", chunk):
                out += [(k, owner) for k in full[short]]
        return out

    # ---- values
    def set_value(self, kind: str, owner: int, value) -> None:
        self.db.execute("INSERT OR REPLACE INTO index_values (kind, owner, value) VALUES (?, ?, ?)",
                        (kind, owner, value))

    def values(self, kind: str, owners: list[int]) -> list:
        found = {}
        for chunk in _chunks(owners):
            found.update(self.db.execute(f"SELECT owner, value FROM index_values WHERE kind = ? AND owner IN "
                                         f"({_marks(chunk)})", [kind, *chunk]))
        return [found.get(o) for o in owners]

    # ---- vectors
    def add_vector(self, owner: int, vector: np.ndarray, top: np.ndarray, floor: float) -> None:
        self.db.execute("INSERT INTO index_vectors (owner, vector, top, floor) VALUES (?, ?, ?, ?)",
                        (owner, leads.pack(vector), _blob(top), float(floor)))
        if self._matrix is not None:
            self._matrix.append(owner, vector, floor)

    def vectors(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._matrix is None:
            rows = VectorRows(self.dimensions)
            for owner, vector, floor in self.db.execute("SELECT owner, vector, floor FROM index_vectors ORDER BY owner"):
                rows.append(owner, leads.unpack(vector, self.dimensions), floor)
            self._matrix = rows
        return self._matrix.view()

    def vector_of(self, owner: int) -> np.ndarray | None:
        if self._matrix is not None:
            return self._matrix.vector_of(owner)
        row = self.db.execute("SELECT vector FROM index_vectors WHERE owner = ?", (owner,)).fetchone()
        return None if row is None else leads.unpack(row[0], self.dimensions)

    def tops(self, owners: list[int]) -> list[np.ndarray]:
        found = {}
        for chunk in _chunks(owners):
            found.update(self.db.execute(f"SELECT owner, top FROM index_vectors WHERE owner IN ({_marks(chunk)})",
                                         chunk))
        return [np.frombuffer(found[o], np.float32).copy() for o in owners]

    def set_tops(self, updates: dict[int, tuple[np.ndarray, float]]) -> None:
        self.db.executemany("UPDATE index_vectors SET top = ?, floor = ? WHERE owner = ?",
                            [(_blob(top), float(floor), owner) for owner, (top, floor) in updates.items()])
        if self._matrix is not None:
            for owner, (_, floor) in updates.items():
                self._matrix.set_floor(owner, floor)


def short_keys(kind: str, keys: list[int]) -> list[int]:
    """Signed 64-bit keys as the table keeps them: their high KEY_BITS[kind] bits, signed."""
    shift = 64 - KEY_BITS[_kind(kind)]
    return [k >> shift for k in keys]


def _by_short(kind: str, keys: list[int]) -> dict[int, list[int]]:
    """Short key -> the given keys that have it (more than one only when their high bits collide)."""
    out: dict[int, list[int]] = {}
    keys = list(dict.fromkeys(keys))
    for key, short in zip(keys, short_keys(kind, keys)):
        out.setdefault(short, []).append(key)
    return out


def _kind(kind: str) -> str:
    if kind not in KINDS:  # table names cannot be bound parameters
        raise ValueError(f"unknown posting kind {kind!r}")
    return kind


def _chunks(items: list) -> list[list]:
    return [items[i:i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def _marks(chunk: list) -> str:
    return ",".join("?" * len(chunk))


def _blob(values: np.ndarray) -> bytes:
    return np.ascontiguousarray(values, dtype=np.float32).tobytes()
