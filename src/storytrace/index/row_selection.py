"""Each row's k largest values of a block of cosines, ties included, without sorting or fully
partitioning the rows; and, when the values are known only within an error, every column that
can be among them.

An error is given as ``relative`` (a fraction of the value) and ``absolute`` (per row): a key a
stands for a value within ``relative * |a| + absolute[row]`` of it. If A is a row's k-th largest
key, every value at the row's k-th value or above has a key of at least A - 2 (relative |A| +
absolute) / (1 - relative): ``_SLACK`` times the error at A covers it with room.
"""

from __future__ import annotations

import numpy as np

_SAMPLE_STEP = 8  # every 8th column gives each row a bar below its k-th largest: ~8 k columns pass it
_SLACK = 3  # errors allowed for at a row's k-th key: 2 / (1 - relative) at most, with room


def margin(keys: np.ndarray, relative: float, absolute: np.ndarray | None) -> np.ndarray:
    """What is taken off a row's k-th key (``keys``, one a row) so that no column is lost to the
    error: 0 for exact keys."""
    out = np.zeros(len(keys), np.float64)
    if relative:
        out += relative * np.abs(keys.astype(np.float64))
    if absolute is not None:
        out += absolute
    return _SLACK * out


def without_self(block: np.ndarray, start: int, lowest) -> np.ndarray:
    """A block of rows start, start + 1, ... against every row, each row's own column set to
    ``lowest`` (a row is not among its own nearest)."""
    rows = np.arange(len(block))
    block[rows, start + rows] = lowest
    return block


def sample_step(columns: int, k: int) -> int:
    """Every how many columns ``sample_bar`` reads: ``_SAMPLE_STEP``, or fewer, so that it reads k + 1."""
    return max(1, min(_SAMPLE_STEP, (columns - 1) // (k + 1)))


def sample_bar(keys: np.ndarray, k: int, sample: np.ndarray | None = None) -> np.ndarray:
    """Each row's k-th largest among every ``sample_step``-th column (k + 1 columns at least, one of
    which may be -inf: the row itself): at most the row's own k-th largest, and finite. ``sample``:
    those columns already taken (``keys[:, ::sample_step(...)]``, in another form)."""
    if sample is None:
        sample = np.ascontiguousarray(keys[:, ::sample_step(keys.shape[1], k)])
    return np.partition(sample, sample.shape[1] - k, axis=1)[:, sample.shape[1] - k]


def nearest_with_ties(keys: np.ndarray, k: int, relative: float = 0.0,
                      absolute: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns), rows ascending, of each row's ``k`` largest keys and of every key equal to
    its k-th (a row ties across the k-th place only when the next is as large, and then all are
    taken). Needs ``k + 1`` columns or more, one of which may be -inf (the row itself). With an
    error (module docstring), every column whose value can be at its row's k-th or above.

    A full partition of every row (np.argpartition: 1.8 s of a 20,000-row self-join's 4 on one
    core) is not needed: the columns at a row's ``sample_bar`` or above hold the answer; they are
    found by one comparison and np.flatnonzero (~8 k a row), and only they are ranked. The result
    does not depend on the sample, only the work does."""
    bar = sample_bar(keys, k)
    bar = bar - margin(bar, relative, absolute)
    flat = np.flatnonzero(keys >= bar[:, None])  # in row order: each row's columns at the bar, k or more
    rows, cols = np.divmod(flat, keys.shape[1])
    keep = at_least_kth(rows, keys.ravel()[flat], keys.shape[0], k, relative,
                        None if absolute is None else absolute[rows])
    return rows[keep], cols[keep]


def at_least_kth(rows: np.ndarray, values: np.ndarray, b: int, k: int, relative: float = 0.0,
                 absolute: np.ndarray | None = None) -> np.ndarray:
    """Mask of the entries (``rows`` ascending in 0..b-1, k entries a row or more) at their row's
    k-th largest value or above (less ``margin`` of it; ``absolute`` one an entry): the rows'
    values laid out side by side, padded, and partitioned."""
    counts = np.bincount(rows, minlength=b)
    width = max(int(counts.max()) if len(rows) else 0, k)
    laid = np.full((b, width), -np.inf, dtype=values.dtype)
    laid[rows, np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)] = values
    kth = np.partition(laid, width - k, axis=1)[:, width - k][rows]
    if relative or absolute is not None:
        kth = kth - margin(kth, relative, absolute)
    return values >= kth
