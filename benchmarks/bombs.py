"""A gzip bomb for the hostile-input checks (benchmarks/robustness.py, tests/test_hostile.py): zeros
compressed at level 9, about 1 MB of file per GB expanded, written in 4 MB steps so that building it
needs no memory."""

from __future__ import annotations

import zlib
from pathlib import Path


def gzip_bomb(path: Path, expanded: int) -> None:
    """Write a gzip file at ``path`` that expands to ``expanded`` bytes of zeros (whole 4 MB steps)."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1 << 22)
    with open(path, "wb") as f:
        for _ in range(expanded // len(zeros)):
            f.write(deflate.compress(zeros))
        f.write(deflate.flush())
