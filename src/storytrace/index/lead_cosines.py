"""Cosines of 8-bit lead vectors for the nearest-vector search: fast approximate ones for a block
of rows against all (``keys``), exact ones for chosen pairs (``exact``).

A rounded lead is ``q * scale`` (``encode/leads.py``), q 384 integers in [-127, 127]; the cosine of
two is ``scale_i * scale_j * (q_i . q_j)``, and ``q_i . q_j``, an integer below 2**23 in size, is
exact in integer arithmetic. ``exact`` computes it so (the two products in float64: exact, then
rounded once): the same on every machine, whatever the order of the sums, so equal cosines are
equal and the nearest vectors found from them do not depend on the CPU, the BLAS or the threads.

``keys`` gives ``scale_j * (q_i . q_j)`` within a relative error ``relative`` of each: row i's
order of its cosines, but for the columns that close. On a CPU with bfloat16 instructions (AMX or
AVX512-BF16) torch multiplies the codes in bfloat16, where integers up to 256 are exact, summing
in float32 (exact: integers below 2**24) and rounding each result to bfloat16, 8 significant
bits: a relative error of 2**-8, and about 6x faster than numpy's float32 product (BENCHMARKS.md
"Nearest lead vectors in bfloat16"). Elsewhere numpy's float32 product over the same integers,
exact, leaves only the scale's float32 rounding. The search ranks exactly the few columns that
the error could reorder (``candidate_pairs.nearest_with_ties``'s slack).
"""

from __future__ import annotations

import threading
import numpy as np

BFLOAT16_RELATIVE = 2.0 ** -8 + 2.0 ** -23  # the result's rounding to bfloat16, then the scale's in float32
FLOAT32_RELATIVE = 2.0 ** -23  # the scale's product rounded to float32 (2**-24), with room
# Below this many distinct leads the float32 product is used: importing torch (~1.5 s) would cost
# more than the bfloat16 product saves (~1 s of wall time at 20,000 on two cores; the saving grows
# with the square of the rows). Either kernel gives the same pairs.
BFLOAT16_FROM_ROWS = 40_000

_bfloat16 = None
_bfloat16_lock = threading.Lock()


def kernel(rows: int) -> str:
    """"bfloat16" for ``rows`` distinct leads or more where this CPU has bfloat16 instructions and
    torch's product keeps within BFLOAT16_RELATIVE on a probe of extreme and random codes (decided
    once); else "float32"."""
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
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        return False
    rng = np.random.default_rng(0)
    rows = np.concatenate([np.full((2, 384), 127, np.int8), np.full((1, 384), -127, np.int8),
                           rng.integers(-127, 128, (509, 384), dtype=np.int8)])
    block = rows[::8]
    got = torch.mm(torch.from_numpy(block).to(torch.bfloat16),
                   torch.from_numpy(rows).to(torch.bfloat16).T).float().numpy().astype(np.float64)
    exact = block.astype(np.int64) @ rows.astype(np.int64).T
    return bool((np.abs(got - exact) <= 2.0 ** -8 * np.abs(exact)).all())


class LeadCosines:
    """The cosines of ``m`` distinct 8-bit leads: ``codes`` (m x d int8) and ``scales`` (m float32).
    A context: torch's thread count, which ``keys`` sets to one in each thread calling it (the
    search runs its blocks on threads of its own), is given back on leaving."""

    def __init__(self, codes: np.ndarray, scales: np.ndarray) -> None:
        self.codes = np.ascontiguousarray(codes, dtype=np.int8)
        self.scales = np.ascontiguousarray(scales, dtype=np.float32)
        self._scales64 = self.scales.astype(np.float64)
        self.kernel = kernel(len(self.codes))
        self._threads_before = None
        if self.kernel == "bfloat16":
            import torch

            self._torch = torch
            self.relative = BFLOAT16_RELATIVE
            self._codes16 = torch.from_numpy(self.codes).to(torch.bfloat16)  # 2 bytes a component
            self._scales_t = torch.from_numpy(self.scales)
        else:
            self.relative = FLOAT32_RELATIVE
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

    def keys(self, start: int, stop: int) -> np.ndarray:
        """float32 ``scale_j * (q_i . q_j)`` for rows start..stop-1 against every row, each within
        ``relative`` of its exact value (relatively)."""
        if self.kernel == "bfloat16":
            self._torch.set_num_threads(1)  # this thread's (OpenMP's thread count is per thread)
            dots = self._torch.mm(self._codes16[start:stop], self._codes16.T)
            return dots.float().mul_(self._scales_t).numpy()
        keys = self._codes32[start:stop] @ self._codes32.T  # integers, exact
        np.multiply(keys, self.scales, out=keys)
        return keys

    def values(self, r: np.ndarray, c: np.ndarray, keys: np.ndarray, start: int) -> np.ndarray:
        """The exact cosines of rows r (start and after) and c, float64: ``scale_r * (scale_c * dot)``.
        The float32 kernel's keys give each dot back (``keys / scale_c`` is within 0.4 of it:
        |dot| < 2**23); the bfloat16 kernel's cannot, and the dots are taken again, exactly."""
        if self.kernel == "float32":
            s = self._scales64[c]
            dots = np.rint(np.divide(keys[r - start, c], s, out=np.zeros(len(c)), where=s != 0))
        else:
            dots = self._dots(r, c)
        return self._scales64[r] * (self._scales64[c] * dots)

    def exact(self, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        """The cosines of any rows r and c, from their integer dot products."""
        return self._scales64[r] * (self._scales64[c] * self._dots(r, c))

    def _dots(self, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        """q_r . q_c, exact (float32 sums of integers below 2**24): each row's columns laid side by
        side and multiplied by the row in one batched product, a bounded number of cells at a time."""
        out = np.empty(len(r), np.float64)
        if not len(r):
            return out
        order = np.argsort(r, kind="stable")
        r_sorted, c_sorted = r[order], c[order]
        rows, first = np.unique(r_sorted, return_index=True)
        counts = np.diff(np.r_[first, len(r_sorted)])
        at_once = max(1, _DOT_CELLS // int(counts.max()))
        done = np.empty(len(r), np.float64)
        for g in range(0, len(rows), at_once):
            lo, hi = first[g], first[g + at_once] if g + at_once < len(rows) else len(r_sorted)
            group_counts = counts[g:g + at_once]
            width = int(group_counts.max())
            place = np.arange(hi - lo) - np.repeat(np.cumsum(group_counts) - group_counts, group_counts)
            which = np.repeat(np.arange(len(group_counts)), group_counts)
            cols = np.zeros((len(group_counts), width), np.int64)
            cols[which, place] = c_sorted[lo:hi]
            laid = self.codes[cols].astype(np.float32)  # (rows, width, d)
            own = self.codes[rows[g:g + at_once]].astype(np.float32)[:, :, None]
            done[lo:hi] = np.matmul(laid, own)[:, :, 0][which, place]
        out[order] = done
        return out


_DOT_CELLS = 16_384  # (row, column) dots laid out at a time: 16,384 x 384 x 4 bytes, 25 MB
