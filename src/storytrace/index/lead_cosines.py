"""Cosines of 8-bit lead vectors for the nearest-vector search: a block of rows against all at
once (``block``: each row's nearest columns, ``values`` of chosen pairs), exact in the end.

A rounded lead is ``q * scale`` (``encode/leads.py``), q 384 integers in [-127, 127]; the cosine of
two is ``scale_i * scale_j * (q_i . q_j)``, and ``q_i . q_j``, an integer below 2**23 in size, is
exact in integer arithmetic. ``values`` are so (the two products in float64: exact, then rounded
once): the same on every machine, whatever the order of the sums, so equal cosines are equal and
the nearest vectors found from them do not depend on the CPU, the BLAS or the threads.

Two kernels find each row's nearest, with the same result:

* ``float32``: numpy's float32 product of the codes (integers: exact), times each column's
  scale: keys that order the row as its cosines do, up to the float32 rounding of that product.
* ``bfloat16``, on a CPU with bfloat16 instructions (AMX or AVX512-BF16) and from
  ``BFLOAT16_FROM_ROWS`` distinct leads: torch multiplies the codes (exact in bfloat16) by the
  leads rounded to bfloat16, summing in float32, and rounds each result to bfloat16; the rows'
  nearest are chosen on those 16-bit results as they are, without turning them into float32 (a
  pass over every cell that cost as much as the product). Their error is bounded (``_Bfloat16``),
  every column the error could reorder is kept, and those are ranked by exact dot products.
  BENCHMARKS.md "Nearest lead vectors: a sampled bar, exact cosines, bfloat16".
"""

from __future__ import annotations

import importlib.util
import threading

import numpy as np
import simsimd

from .row_selection import at_least_kth, margin, nearest_with_ties, sample_bar, sample_step, without_self

FLOAT32_RELATIVE = 2.0 ** -23  # a key is the exact dot times a scale, rounded to float32 (2**-24), with room
# The bfloat16 kernel's error (``_Bfloat16``): each lead component rounded to bfloat16 (2**-8) after
# its float32 rounding (2**-24); 384 float32 sums (383 * 2**-24, with room); the result's rounding.
_BF16_INPUT = 2.0 ** -8 + 2.0 ** -23
_BF16_SUMS = 2.3e-5
_BF16_OUTPUT = 2.0 ** -8 / (1 - 2.0 ** -8)
# Below this many distinct leads the float32 kernel is used: importing torch (~1.5 s) would cost
# more than the bfloat16 product saves (~1 s of wall time at 20,000 on two cores; the saving grows
# with the square of the rows). Either kernel gives the same pairs.
BFLOAT16_FROM_ROWS = 40_000

_bfloat16 = None
_bfloat16_lock = threading.Lock()


def kernel(rows: int) -> str:
    """"bfloat16" for ``rows`` distinct leads or more where this CPU has bfloat16 instructions and
    torch's product keeps within its bound on a probe of extreme and random codes (decided once);
    else "float32"."""
    global _bfloat16
    if rows < BFLOAT16_FROM_ROWS:
        return "float32"
    with _bfloat16_lock:
        if _bfloat16 is None:
            _bfloat16 = _bfloat16_instructions() and _bfloat16_probe()
    return "bfloat16" if _bfloat16 else "float32"


def _bfloat16_instructions() -> bool:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            flags = next((line for line in f if line.startswith("flags")), "").split()
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


def _bfloat16_probe() -> bool:
    """torch's bfloat16 product within the bound ``_Bfloat16`` assumes, on rows at the extremes
    (every component 127 or -127) and random ones, under random scales."""
    if importlib.util.find_spec("torch") is None:  # pragma: no cover - torch is a dependency
        return False
    rng = np.random.default_rng(0)
    codes = np.concatenate([np.full((2, 384), 127, np.int8), np.full((1, 384), -127, np.int8),
                            rng.integers(-127, 128, (509, 384), dtype=np.int8)])
    scales = rng.uniform(1e-4, 1e-2, len(codes)).astype(np.float32)
    try:
        with LeadCosines(codes, scales, kernel_name="bfloat16") as cosines:
            block = cosines.block(0, 128)
    except Exception:  # noqa: BLE001 - a torch that cannot run this: the float32 kernel, the same pairs
        return False
    got = _bfloat16_floats(block.bits).astype(np.float64)
    exact = scales.astype(np.float64)[None, :] * (codes[:128].astype(np.int64) @ codes.astype(np.int64).T)
    bound = _BF16_OUTPUT * np.abs(got) + block.absolute[:, None]
    return bool((np.abs(got - exact) <= bound).all())


def _bfloat16_floats(bits: np.ndarray) -> np.ndarray:
    """bfloat16 values (their 16 bits as int16) as float32: the bits are float32's upper half."""
    wide = bits.astype(np.int32)
    np.left_shift(wide, 16, out=wide)
    return wide.view(np.float32)


def _bfloat16_bits_below(values: np.ndarray) -> np.ndarray:
    """The int16 bits of the largest bfloat16 at or below each positive float32 value."""
    return (np.asarray(values, np.float32).view(np.uint32) >> 16).astype(np.uint16).view(np.int16)


class LeadCosines:
    """The cosines of ``m`` distinct 8-bit leads: ``codes`` (m x d int8) and ``scales`` (m float32).
    A context: torch's thread count, which the bfloat16 kernel sets to one in each thread taking a
    block (the search runs its blocks on threads of its own), is given back on leaving."""

    def __init__(self, codes: np.ndarray, scales: np.ndarray, kernel_name: str | None = None) -> None:
        self.codes = np.ascontiguousarray(codes, dtype=np.int8)
        self.scales = np.ascontiguousarray(scales, dtype=np.float32)
        self._scales64 = self.scales.astype(np.float64)
        self.kernel = kernel_name or kernel(len(self.codes))
        self._threads_before = None
        if self.kernel == "bfloat16":
            import torch

            self._torch = torch
            self._rows16 = torch.from_numpy(self.codes).to(torch.bfloat16)  # exact: integers up to 256
            self._columns16 = torch.empty(self.codes.shape, dtype=torch.bfloat16)
            norms = np.empty(len(self.codes), np.float64)
            for at in range(0, len(self.codes), _ROWS_AT_ONCE):  # no float copy of every row at once
                chunk = self.codes[at:at + _ROWS_AT_ONCE].astype(np.float32)
                norms[at:at + _ROWS_AT_ONCE] = np.sqrt(np.einsum("ij,ij->i", chunk, chunk).astype(np.float64))  # exact sums
                chunk *= self.scales[at:at + _ROWS_AT_ONCE, None]  # leads.unpack's values
                self._columns16[at:at + _ROWS_AT_ONCE] = torch.from_numpy(chunk).to(torch.bfloat16)
            biggest_lead = float((norms * self._scales64).max()) * (1 + 1e-9) if len(norms) else 0.0
            self._absolute = (_BF16_INPUT + _BF16_SUMS) * norms * biggest_lead  # Cauchy-Schwarz, a row
        else:
            self._codes32 = self.codes.astype(np.float32)  # 4 bytes a component, as a float32 matrix

    def __len__(self) -> int:
        return len(self.codes)

    def __enter__(self) -> "LeadCosines":
        if self.kernel == "bfloat16":
            self._threads_before = self._torch.get_num_threads()
        return self

    def __exit__(self, *_exc) -> None:
        if self._threads_before is not None:
            self._torch.set_num_threads(self._threads_before)

    def block(self, start: int, stop: int) -> "_Float32 | _Bfloat16":
        """Rows start..stop-1 against every row."""
        return (_Bfloat16 if self.kernel == "bfloat16" else _Float32)(self, start, min(stop, len(self)))

    def exact(self, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        """The cosines of rows r and c (float64), from their integer dot products."""
        return self._scales64[r] * (self._scales64[c] * self._dots(r, c))

    def _dots(self, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        """q_r . q_c for each pair, exact: simsimd's int8 dot products of the pairs' rows (int32 sums)."""
        out = np.empty(len(r), np.float64)
        for at in range(0, len(r), _PAIRS_AT_ONCE):
            pair_rows = self.codes[r[at:at + _PAIRS_AT_ONCE]], self.codes[c[at:at + _PAIRS_AT_ONCE]]
            out[at:at + _PAIRS_AT_ONCE] = np.asarray(simsimd.dot(*pair_rows), dtype=np.float64)
        return out


_ROWS_AT_ONCE = 8192  # rows turned into float32 at a time when a kernel is laid out: 12.6 MB
_PAIRS_AT_ONCE = 65_536  # pairs whose rows are gathered at a time: 2 x 65,536 x 384 bytes, 50 MB


class _Float32:
    """A block's keys: ``scale_j * (q_i . q_j)`` in float32, the dot exact (integers) and the
    product rounded once, so a key gives its dot back (``values``)."""

    def __init__(self, owner: LeadCosines, start: int, stop: int) -> None:
        self.owner, self.start, self.size = owner, start, stop - start
        self.keys = owner._codes32[start:stop] @ owner._codes32.T
        np.multiply(self.keys, owner.scales, out=self.keys)

    def _without_self(self) -> np.ndarray:
        return without_self(self.keys, self.start, -np.inf)

    def nearest(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Every column (not the row itself) whose cosine can be at its row's k-th or above."""
        return nearest_with_ties(self._without_self(), k, FLOAT32_RELATIVE)

    def others(self) -> tuple[np.ndarray, np.ndarray]:
        return np.nonzero(self._without_self() > -np.inf)

    def values(self, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        """Exact cosines of the block's rows r (0 = its first) and columns c, from the keys:
        ``keys / scale_c`` is within 0.4 of the dot (|dot| < 2**23, float32's rounding 2**-24)."""
        owner, s = self.owner, self.owner._scales64[c]
        dots = np.rint(np.divide(self.keys[r, c], s, out=np.zeros(len(c)), where=s != 0))
        own = c == self.start + r  # a row with itself: its key is -inf once _without_self ran
        dots[own] = owner._dots(self.start + r[own], c[own])
        return owner._scales64[self.start + r] * (s * dots)


class _Bfloat16:
    """A block's keys as torch's bfloat16 product gives them, kept as their 16 bits (int16). A key
    a of row i stands for ``scale_j * (q_i . q_j)`` within ``_BF16_OUTPUT * |a| + absolute[i]``:
    the result's rounding, and the leads' rounding to bfloat16 and the float32 sums, at most
    ``(_BF16_INPUT + _BF16_SUMS) * |q_i| * max_j |lead_j|`` (Cauchy-Schwarz)."""

    _MINUS_INFINITY = np.int16(-128)  # 0xFF80: bfloat16's -inf; as int16, below every positive value

    def __init__(self, owner: LeadCosines, start: int, stop: int) -> None:
        torch = owner._torch
        torch.set_num_threads(1)  # this thread's (OpenMP's thread count is per thread)
        self.owner, self.start, self.size = owner, start, stop - start
        self.bits = torch.mm(owner._rows16[start:stop], owner._columns16.T).view(torch.int16).numpy()
        self.absolute = owner._absolute[start:stop]

    def _without_self(self) -> None:
        without_self(self.bits, self.start, self._MINUS_INFINITY)

    def nearest(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Every column (not the row itself) whose cosine can be at its row's k-th or above: those
        at a bar below it, found on the 16 bits themselves (for a positive bar, the order of the
        bits as int16 is the order of the values: every negative value is below it), then ranked
        within the error. A row whose bar is not positive takes every column (rare: its 20th
        nearest lead is at a cosine near 0 or below)."""
        self._without_self()
        sample = _bfloat16_floats(self.bits[:, ::sample_step(self.bits.shape[1], k)])
        bar = sample_bar(self.bits, k, sample)
        bar = (bar - margin(bar, _BF16_OUTPUT, self.absolute)).astype(np.float32)
        bar_bits = np.where(bar > 0, _bfloat16_bits_below(np.maximum(bar, 0)), np.iinfo(np.int16).min)
        flat = np.flatnonzero(self.bits >= bar_bits[:, None])
        rows, cols = np.divmod(flat, self.bits.shape[1])
        keys = _bfloat16_floats(self.bits.ravel()[flat])
        keep = at_least_kth(rows, keys, self.size, k, _BF16_OUTPUT, self.absolute[rows])
        return rows[keep], cols[keep]

    def others(self) -> tuple[np.ndarray, np.ndarray]:
        self._without_self()
        return np.nonzero(_bfloat16_floats(self.bits) > -np.inf)

    def values(self, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        """Exact cosines of the block's rows r (0 = its first) and columns c, taken again."""
        return self.owner.exact(self.start + r, c)
