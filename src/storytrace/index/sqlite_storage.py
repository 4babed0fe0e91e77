"""The indexes' storage as SQLite tables, inside the store's database and its transactions.

A posting table keeps the high KEY_BITS of each 64-bit key (schema 3): two keys whose high bits
collide share owners, which can add a candidate (which the judge then compares like any other) or,
more rarely, push a key's count of owners over its cap so that it is ignored. Schema 4 packs the
postings into buckets (``index_<kind> (bucket INTEGER PRIMARY KEY, entries BLOB)``): a short key's
high BUCKET_BITS name its bucket, and the bucket's BLOB lists its (rest of the key, owner) entries
in order, a few bytes each (``_pack``), where a (key, owner) row cost about 13 bytes with its
SQLite cell. The same keys and owners, so the same answers; adding an owner rewrites the buckets of
its keys, which a transaction holds in memory and writes once, before its commit (``holding``).

Lead vectors are kept as ``encode/leads.pack`` gives them (schema 4: 388 bytes of 8-bit levels and a
scale; float32 for a vector that was not rounded so), their top cosines as float32; all of them are
also held in memory once read, in the same 8-bit form (``VectorRows``: an exact int8 dot-product
scan per query; an ANN index was measured and not adopted, README), and dropped by ``forget`` when
a transaction rolls back.
"""

from __future__ import annotations

import sqlite3
import sys
from bisect import bisect_left, bisect_right
from contextlib import contextmanager

import numpy as np

from ..encode import leads
from .vector_rows import VectorRows

KINDS = ("ngrams", "bands", "terms")
_CHUNK = 500  # keys per statement (SQLite caps bound parameters)
# Inside a transaction (``holding``) the posting buckets read or written stay in memory, decoded,
# and those written go to the database once, before the commit: a batch of 1,000 articles touches
# an n-gram bucket about twice (150 keys an article over 2^16 buckets), and each article's query
# then insert read the same buckets twice. Held buckets are dropped, written first, past this many
# bytes (the n-gram buckets of a 1M-article store would be about 700 MB).
HELD_BYTES = 64 << 20
# the high bits of each kind's keys a table keeps. n-grams and terms: an owner is a candidate
# only after MIN_SHARED_SAMPLED_NGRAMS / MIN_SHARED_KEY_TERMS shared keys, and 32 bits keep stray
# collisions rare (measured at 2,000 and 5,000 articles as expected from 2^32; projected: about 0.9
# stray (key, owner) hits among a query's ~150 n-grams at 200,000 articles, 4.6 at 1M; BENCHMARKS.md,
# "Store size, schema 3"); bands: one shared band is a candidate, so they keep 48 bits (16 naming
# the bucket, 4 bytes in its entry), a collision then being ~1e-6 a query at 200,000 articles. Changing a width changes what stored keys
# mean: bump store/schema.SCHEMA_VERSION and migrate.
KEY_BITS = {"ngrams": 32, "bands": 48, "terms": 32}
# the high bits of a short key that name its bucket (schema 4), leaving 16 bits of an n-gram or
# term key and 32 of a band key in the entry. About 150 n-gram, 40 term and 30 band postings an
# article: 2^16 n-gram buckets hold ~11 entries each at 5,000 articles and ~460 (2.3 KB) at
# 200,000. Fewer buckets leave less per-row overhead (about 10 bytes a bucket), more keep a
# bucket's rewrite and read small. Changing one changes where stored postings are: bump
# store/schema.SCHEMA_VERSION and migrate. Measured: BENCHMARKS.md, "Store size, schema 4".
BUCKET_BITS = {"ngrams": 16, "bands": 16, "terms": 16}

SCHEMA = [
    *(f"CREATE TABLE IF NOT EXISTS index_{kind} (bucket INTEGER PRIMARY KEY, entries BLOB NOT NULL)"
      for kind in KINDS),
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
        self._held: _HeldBuckets | None = None

    def forget(self) -> None:
        """Drop what is held in memory (after a rollback it may hold rows the database lost)."""
        self._matrix = None
        self._held = None

    @contextmanager
    def holding(self):
        """Within one transaction: posting buckets read once and written once (HELD_BYTES). The
        buckets written are in the database when the block ends normally; on an error they are
        dropped with the transaction that rolls back."""
        self._held = _HeldBuckets()
        try:
            yield
            self._write_held()
        finally:
            self._held = None

    def _write_held(self) -> None:
        held = self._held
        for kind in KINDS:
            rows = [(bucket, held.blobs[(k, bucket)]) for k, bucket in sorted(held.dirty) if k == kind]
            self.db.executemany(f"INSERT OR REPLACE INTO index_{kind} (bucket, entries) VALUES (?, ?)", rows)
        held.clear()

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
    def add_postings(self, kind: str, owner: int, keys: np.ndarray, most: int | None = None) -> None:
        """``owner`` holds these keys; given ``most``, a key with ``most`` owners already takes no
        more (its query ignores it from then on: MemoryStorage.add_postings)."""
        owner = int(owner)  # a numpy integer has no to_bytes
        by_bucket: dict[int, set[int]] = {}
        bits = _rest_bits(kind)
        for short in set(short_keys(kind, keys.tolist())):
            unsigned = short & ((1 << KEY_BITS[kind]) - 1)
            by_bucket.setdefault(unsigned >> bits, set()).add(unsigned & ((1 << bits) - 1))
        found = self._blobs(kind, list(by_bucket))
        rows = []
        for bucket, rests in by_bucket.items():
            blob = found.get(bucket)
            if len(rests) == 1 and FAST_INSERT:  # nearly always: one key of the article in this bucket
                entries = _insert_one(kind, blob, next(iter(rests)), owner, most)
                if entries is not None:
                    if entries:
                        rows.append((bucket, entries))
                    continue
            old_rests, old_owners = _unpack(kind, blob) if blob is not None else _EMPTY
            have = set(old_rests[old_owners == owner].tolist())
            if most is not None:  # and the keys full already
                held, counts = np.unique(old_rests, return_counts=True)
                have.update(held[counts >= most].tolist())
            new = sorted(rests - have)
            if new:
                rows.append((bucket, _pack(kind, np.concatenate((old_rests, np.array(new, np.uint64))),
                                           np.concatenate((old_owners, np.full(len(new), owner, np.int64))))))
        if self._held is None:
            self.db.executemany(f"INSERT OR REPLACE INTO index_{kind} (bucket, entries) VALUES (?, ?)", rows)
            return
        for bucket, entries in rows:
            self._held.write(kind, bucket, entries)
        if self._held.size > HELD_BYTES:
            self._write_held()

    def postings(self, kind: str, keys: np.ndarray, most: int | None = None) -> dict[int, np.ndarray]:
        """key -> its owners for the keys that have any, from one read of their buckets (a query
        needs their count and who they are); given ``most``, only keys with at most ``most`` owners
        (a query ignores commoner keys: a number or a name held by thousands of stored articles is
        skipped without decoding them)."""
        keys = list(dict.fromkeys(keys.tolist()))
        bits = _rest_bits(kind)
        places = []
        for short in short_keys(kind, keys):
            unsigned = short & ((1 << KEY_BITS[kind]) - 1)
            places.append((unsigned >> bits, unsigned & ((1 << bits) - 1)))
        blobs = self._blobs(kind, sorted({b for b, _ in places}))
        out = {}
        for key, (bucket, rest) in zip(keys, places):
            blob = blobs.get(bucket)
            owners = None if blob is None else _owners_of(kind, blob, rest, most)
            if owners is not None:
                out[key] = owners
        return out

    def _blobs(self, kind: str, buckets: list[int]) -> dict[int, bytes]:
        held = self._held
        if held is not None:
            out = {b: held.blobs[(kind, b)] for b in buckets if (kind, b) in held.blobs}
            missing = [b for b in buckets if (kind, b) not in held.blobs]
        else:
            out, missing = {}, buckets
        for chunk in _chunks(missing):
            found = dict(self.db.execute(
                f"SELECT bucket, entries FROM index_{_kind(kind)} WHERE bucket IN ({_marks(chunk)})", chunk))
            out.update(found)
            if held is not None:
                for b in chunk:
                    held.read(kind, b, found.get(b))
        return {b: blob for b, blob in out.items() if blob is not None}

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
    def add_vector(self, owner: int, packed: bytes, top: np.ndarray, floor: float) -> None:
        self.db.execute("INSERT INTO index_vectors (owner, vector, top, floor) VALUES (?, ?, ?, ?)",
                        (owner, packed, _blob(top), float(floor)))
        if self._matrix is not None:
            self._matrix.append(owner, packed, floor)

    def vectors(self) -> tuple[np.ndarray, VectorRows, np.ndarray]:
        if self._matrix is None:
            rows = VectorRows(self.dimensions)
            read = self.db.execute("SELECT owner, vector, floor FROM index_vectors ORDER BY owner")
            while chunk := read.fetchmany(_VECTORS_READ):
                owners, packs, floors = zip(*chunk)
                rows.extend(list(owners), list(packs), list(floors))
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


_VECTORS_READ = 50_000  # rows read and laid out at a time when the vectors are loaded (~20 MB of blobs)


class _HeldBuckets:
    """Posting buckets of one transaction: their bytes (None: no such bucket yet) and which were
    written."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.blobs: dict[tuple[str, int], bytes | None] = {}
        self.dirty: set[tuple[str, int]] = set()
        self.size = 0

    def read(self, kind: str, bucket: int, blob: bytes | None) -> None:
        self.blobs[(kind, bucket)] = blob
        self.size += len(blob) if blob else 0

    def write(self, kind: str, bucket: int, blob: bytes) -> None:
        old = self.blobs.get((kind, bucket))
        self.size += len(blob) - (len(old) if old else 0)
        self.blobs[(kind, bucket)] = blob
        self.dirty.add((kind, bucket))


def short_keys(kind: str, keys: list[int]) -> list[int]:
    """Signed 64-bit keys as the table keeps them: their high KEY_BITS[kind] bits, signed."""
    shift = 64 - KEY_BITS[_kind(kind)]
    return [k >> shift for k in keys]


_EMPTY = (np.zeros(0, np.uint64), np.zeros(0, np.int64))


def bucket_rows(kind: str, keys: np.ndarray, owners: np.ndarray) -> list[tuple[int, bytes]]:
    """(bucket, entries) rows holding these (short key, owner) postings: every posting of a bucket
    must be among them (store/schema.py's migration from the (key, owner) rows of schema 3)."""
    bits = _rest_bits(kind)
    unsigned = np.asarray(keys, np.int64).view(np.uint64) & np.uint64((1 << KEY_BITS[kind]) - 1)
    buckets = (unsigned >> np.uint64(bits)).astype(np.int64)
    rests = unsigned & np.uint64((1 << bits) - 1)
    owners = np.asarray(owners, np.int64)
    order = np.argsort(buckets, kind="stable")
    buckets, rests, owners = buckets[order], rests[order], owners[order]
    starts = np.flatnonzero(np.r_[True, buckets[1:] != buckets[:-1]]) if len(buckets) else np.zeros(0, np.int64)
    ends = np.r_[starts[1:], len(buckets)]
    return [(int(buckets[a]), _pack(kind, rests[a:b], owners[a:b])) for a, b in zip(starts.tolist(), ends.tolist())]


def _rest_bits(kind: str) -> int:
    """Bits of a short key left after its bucket: they are kept in the bucket's entries."""
    return KEY_BITS[_kind(kind)] - BUCKET_BITS[kind]


def _rest_size(kind: str) -> int:
    """The bytes of an entry's rest, without making a numpy dtype: this runs for each bucket a query
    reads and an insert writes (about 450,000 times a batch of 1,000 into 20,000 articles)."""
    bits = _rest_bits(kind)
    return 2 if bits <= 16 else 4 if bits <= 32 else 8


def _rest_type(kind: str) -> np.dtype:
    return np.dtype(f"<u{_rest_size(kind)}")


def _pack(kind: str, rests: np.ndarray, owners: np.ndarray) -> bytes:
    """A bucket's entries, in (rest, owner) order: one byte giving the owners' width (3 bytes while
    the owners are below 2^24, else 4 or 8), the rests (2, 4 or 8 bytes each), the owners."""
    order = np.lexsort((owners, rests))
    rests, owners = rests[order], owners[order].astype("<u8")
    top = int(owners.max()) if len(owners) else 0
    width = 3 if top < 1 << 24 else 4 if top < 1 << 32 else 8
    return (bytes([width]) + rests.astype(_rest_type(kind)).tobytes()
            + owners.view(np.uint8).reshape(-1, 8)[:, :width].tobytes())


# add_postings inserts one entry into a bucket's bytes directly (_insert_one) instead of unpacking
# and packing it: the same bytes (tests/test_index.py checks it), in about half the time on a 5,000
# store (BENCHMARKS.md, "Store size, schema 4")
FAST_INSERT = sys.byteorder == "little"
_FORMATS = {2: "H", 4: "I", 8: "Q"}


def _owner_width(owner: int) -> int:
    return 3 if owner < 1 << 24 else 4 if owner < 1 << 32 else 8


def _insert_one(kind: str, blob: bytes | None, rest: int, owner: int, most: int | None = None) -> bytes | None:
    """``blob`` with the entry (rest, owner) in its place, as _pack would give it; b"" when it is
    already there, or when ``most`` entries have this rest already; None when this cannot be done
    in place (the owners would need wider bytes)."""
    size = _rest_size(kind)
    if blob is None:
        width = _owner_width(owner)
        return bytes([width]) + rest.to_bytes(size, "little") + owner.to_bytes(width, "little")
    width = blob[0]
    if _owner_width(owner) > width:
        return None
    n = (len(blob) - 1) // (size + width)
    rests = memoryview(blob)[1:1 + n * size].cast(_FORMATS[size])
    low, high = bisect_left(rests, rest), bisect_right(rests, rest)
    if most is not None and high - low >= most:
        return b""
    start = 1 + n * size  # the owners

    def held(i: int) -> int:
        return int.from_bytes(blob[start + i * width:start + (i + 1) * width], "little")

    place = high  # entries of an equal rest are in owner order: binary search (a new owner is most often the last)
    if low < high and held(high - 1) >= owner:
        while low < high:
            middle = (low + high) // 2
            if held(middle) < owner:
                low = middle + 1
            else:
                high = middle
        if low < n and held(low) == owner and rests[low] == rest:
            return b""
        place = low
    return (blob[:1 + place * size] + rest.to_bytes(size, "little") + blob[1 + place * size:start + place * width]
            + owner.to_bytes(width, "little") + blob[start + place * width:])


# A query looks each key up in its bucket's bytes (a binary search of the sorted rests, then the
# owners of the equal ones) instead of decoding the whole bucket into arrays: a key has 0 or 1
# owners nearly always, and a batch's articles each write the buckets the next ones read, so decoded
# buckets were rarely used twice. The same owners in the same order (tests/test_index.py); in a batch
# of 1,000 into 20,000 articles, about 220,000 lookups (BENCHMARKS.md, "add throughput").
# up to this many owners of one key are read one by one, more in one numpy pass (the same array
# either way; 16 is not tuned: a numpy pass costs a few µs, about as much as 16 int.from_bytes)
_FEW_OWNERS = 16


def _owners_of(kind: str, blob: bytes, rest: int, most: int | None = None) -> np.ndarray | None:
    """The owners (int64, in the bucket's order) of the entries of ``blob`` with this rest; None
    when there are none, or more than ``most``."""
    if not FAST_INSERT:  # the memoryview below reads the rests in this machine's byte order
        rests, owners = _unpack(kind, blob)
        found = owners[rests == rest]
        return found if len(found) and (most is None or len(found) <= most) else None
    size = _rest_size(kind)
    width = blob[0]
    n = (len(blob) - 1) // (size + width)
    rests = memoryview(blob)[1:1 + n * size].cast(_FORMATS[size])
    low = bisect_left(rests, rest)
    if low == n or rests[low] != rest:
        return None
    high = bisect_right(rests, rest, low)
    if most is not None and high - low > most:
        return None
    start = 1 + n * size + low * width
    if high - low <= _FEW_OWNERS:
        return np.array([int.from_bytes(blob[at:at + width], "little")
                         for at in range(start, start + (high - low) * width, width)], np.int64)
    wide = np.zeros((high - low, 8), np.uint8)
    wide[:, :width] = np.frombuffer(blob, np.uint8, (high - low) * width, start).reshape(-1, width)
    return wide.view("<u8").ravel().astype(np.int64)


def _unpack(kind: str, blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(rests as uint64, owners as int64) of a bucket's BLOB."""
    width, rest_type = blob[0], _rest_type(kind)
    n = (len(blob) - 1) // (rest_type.itemsize + width)
    rests = np.frombuffer(blob, rest_type, n, 1).astype(np.uint64)
    wide = np.zeros((n, 8), np.uint8)
    wide[:, :width] = np.frombuffer(blob, np.uint8, n * width, 1 + n * rest_type.itemsize).reshape(n, width)
    return rests, wide.view("<u8").ravel().astype(np.int64)


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
