"""Memory a stage let go of, returned to the system (glibc's ``malloc_trim``).

Freed numpy buffers stay in the C heap as free chunks; Python's small objects live in their own
arenas and never reuse them. So after compare, when the prepared articles' arrays are freed, the RSS
did not fall, and the end of the run (the pairs, the claims, the JSON document, built mostly of
small objects) grew on top of it. Returning the free pages lowers the run's last peak. A no-op where
the C library has no ``malloc_trim`` (not glibc)."""

from __future__ import annotations

import ctypes
import ctypes.util


def _trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _trim()


def give_back() -> None:
    """Return the C heap's free pages to the system (the RSS falls by them; nothing else changes)."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
