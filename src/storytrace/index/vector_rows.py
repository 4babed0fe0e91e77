"""The lead vectors an index holds in memory, kept as the store keeps them (``leads.pack``: 384
signed bytes and one float32 scale a row, 388 bytes where a float32 row takes 1,536), with their
owners and floors, in arrays that grow by doubling (appending one row does not copy them).

A trace scans every stored vector once: the cosines with one lead are integer dot products of the
8-bit rows (simsimd's int8 kernels: 2.1 against 14.7 ms for the float32 product at 100,000 rows,
BENCHMARKS.md "Trace's vector scan in 8 bits"), times the two scales. That is the float32 product
of the unpacked rows but for the last bits of rounding (each unpacked component is rounded to
float32 once; the integer sum is exact): ~1e-7 here, well inside vectors.TIE, which already covers
a matrix product and a matrix-vector one differing so. A block of leads against the rows (``add``'s
batches, vectors._Expected) is a float32 matrix product over rows unpacked a chunk at a time: BLAS
beats the int8 kernels 4x there. A row not in the 8-bit form (a vector not rounded by
``leads.round_leads``) is kept as float32 aside and its cosine taken in float32.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import simsimd

from ..encode import leads

# rows unpacked to float32 at once for a block product: 8,192 x 384 x 4 bytes = 12.6 MB
_UNPACK_ROWS = 8192

# threads of a trace's scan: the integer sums are exact, so any split gives the same cosines. Two
# threads scanned cache-cold rows 1.8x as fast as one at 2,000 to 300,000 rows on this 2-core
# machine (BENCHMARKS.md "A trace's scan on two threads"); more cores were not measured.
SCAN_THREADS = max(1, min(4, os.cpu_count() or 1))
_POOL: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    """The block products' threads (BLAS kept to one thread in each: engine/threads.py)."""
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(SCAN_THREADS, thread_name_prefix="storytrace-products")
    return _POOL


def _forget_pool() -> None:
    global _POOL
    _POOL = None  # a forked child has none of its parent's threads


os.register_at_fork(after_in_child=_forget_pool)


class VectorRows:
    def __init__(self, dimensions: int) -> None:
        self.dimensions = dimensions
        self._owners = np.zeros(0, np.int64)
        self._codes = np.zeros((0, dimensions), np.int8)
        self._scales = np.zeros(0, np.float32)
        self._floors = np.zeros(0, np.float32)
        self._plain: dict[int, np.ndarray] = {}  # row -> float32 vector, for rows not in 8-bit form
        self._row: dict[int, int] = {}
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def _reserve(self, rows: int) -> None:
        """Room for ``rows`` rows in all, the arrays doubled as needed."""
        if rows <= len(self._owners):
            return
        room = max(64, 2 * len(self._owners), rows)
        self._owners = np.resize(self._owners, room)
        self._floors = np.resize(self._floors, room)
        self._scales = np.resize(self._scales, room)
        grown = np.zeros((room, self.dimensions), np.int8)
        grown[:self.size] = self._codes[:self.size]
        self._codes = grown

    def extend(self, owners: list[int], packs: list[bytes], floors: list[float]) -> None:
        """``append`` of each row in turn, the rows in 8-bit form laid out in one numpy pass (a store
        opened for a trace reads all its vectors: 100,000 appends one by one took most of a cold
        trace's second)."""
        split = leads.split_packs(packs, self.dimensions)
        if split is None:  # a row kept in float32 among them: one at a time
            for owner, packed, floor in zip(owners, packs, floors):
                self.append(owner, packed, floor)
            return
        first, last = self.size, self.size + len(packs)
        self._reserve(last)
        self._codes[first:last], self._scales[first:last] = split
        self._owners[first:last], self._floors[first:last] = owners, floors
        self._row.update(zip(owners, range(first, last)))
        self.size = last

    def append(self, owner: int, packed: bytes, floor: float) -> None:
        """Add a row from ``leads.pack``'s bytes."""
        self._reserve(self.size + 1)
        row = self.size
        self._owners[row], self._floors[row] = owner, floor
        q, scale = leads.split_pack(packed, self.dimensions)
        if q is None:
            self._plain[row] = leads.unpack(packed, self.dimensions)
            self._codes[row], self._scales[row] = 0, 0.0
        else:
            self._codes[row], self._scales[row] = q, scale
        self._row[owner] = row
        self.size += 1

    def view(self) -> tuple[np.ndarray, "VectorRows", np.ndarray]:
        """Owners, these rows, floors (the owners' and floors' arrays as they are now)."""
        n = self.size
        return self._owners[:n], self, self._floors[:n]

    def vector_of(self, owner: int) -> np.ndarray | None:
        row = self._row.get(owner)
        return None if row is None else self.unpacked(row, row + 1)[0]

    def set_floor(self, owner: int, floor: float) -> None:
        self._floors[self._row[owner]] = floor

    def unpacked(self, first: int, last: int) -> np.ndarray:
        """Rows first..last-1 as float32 (``leads.unpack``'s values, bit for bit)."""
        out = self._codes[first:last].astype(np.float32) * self._scales[first:last, None]
        for row, vector in self._plain.items():
            if first <= row < last:
                out[row - first] = vector
        return out

    def cosines(self, packed: bytes) -> np.ndarray:
        """float32 dot products of a lead (``leads.pack``'s bytes, as Features and Prepared keep it)
        with every row (cosines: leads are unit vectors)."""
        n = self.size
        if not n:
            return np.zeros(0, np.float32)
        q, scale = leads.split_pack(packed, self.dimensions)
        lead = leads.unpack(packed, self.dimensions) if q is None or self._plain else None
        if q is None:  # a lead not in 8-bit form: the float32 product, a chunk of rows at a time
            return np.concatenate([self.unpacked(first, min(n, first + _UNPACK_ROWS)) @ lead
                                   for first in range(0, n, _UNPACK_ROWS)]).astype(np.float32, copy=False)
        dots = np.asarray(simsimd.cdist(q[None, :], self._codes[:n], metric="dot", threads=SCAN_THREADS))[0]  # exact, float64
        sims = (dots * (self._scales[:n].astype(np.float64) * float(scale))).astype(np.float32)
        for row, vector in self._plain.items():
            if row < n:
                sims[row] = vector @ lead
        return sims

    def products(self, block: np.ndarray, last: int) -> np.ndarray:
        """``block @ rows[:last].T`` in float32, the rows unpacked a chunk at a time, the chunks on
        SCAN_THREADS threads (numpy lets go of the GIL in both steps). Each chunk is the same
        one-threaded BLAS product it was on one thread, so the values are the same bit for bit."""
        out = np.empty((len(block), last), np.float32)

        def chunk(first: int) -> None:
            end = min(last, first + _UNPACK_ROWS)
            out[:, first:end] = block @ self.unpacked(first, end).T

        starts = range(0, last, _UNPACK_ROWS)
        if SCAN_THREADS > 1 and len(starts) > 1:
            list(_pool().map(chunk, starts))
        else:
            for first in starts:
                chunk(first)
        return out

