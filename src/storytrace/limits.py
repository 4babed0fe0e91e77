"""How much storytrace reads: bytes per input file, bytes a compressed stream may expand to, and
characters per article. Bounds memory and time on hostile or broken input (a gzip bomb, a symlink
to /dev/zero, a 50 MB "article"); what goes over a limit is refused or cut with one line saying so.

Defaults suit news: a CSV file of a few hundred thousand articles stays under the file limit (a
UTF-8 JSONL file is read a line at a time and the limit bounds each line, not the file; a WARC
file is read record by record, each under 32 MB), and the longest real articles of the shared data
sets are under 100,000 characters, twenty times below the article limit. Set them with the options of `analyze` / `compare` or with
the environment variables below (the option wins).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

FILE_BYTES = 1 << 30           # STORYTRACE_MAX_FILE_BYTES: one input file, as stored (compressed or not)
DECOMPRESSED_BYTES = 256 << 20  # STORYTRACE_MAX_DECOMPRESSED_BYTES: what one gzip file may expand to
ARTICLE_CHARS = 2_000_000      # STORYTRACE_MAX_ARTICLE_CHARS: one article's text; longer ones are cut

_ENV = {"file_bytes": "STORYTRACE_MAX_FILE_BYTES", "decompressed_bytes": "STORYTRACE_MAX_DECOMPRESSED_BYTES",
        "article_chars": "STORYTRACE_MAX_ARTICLE_CHARS"}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*", re.I)


@dataclass(frozen=True)
class Limits:
    file_bytes: int = FILE_BYTES
    decompressed_bytes: int = DECOMPRESSED_BYTES
    article_chars: int = ARTICLE_CHARS


def parse_size(value: str) -> int:
    """``"512M"``, ``"2G"``, ``"1000000"`` → a positive number (K, M, G, T are powers of 1024)."""
    m = _SIZE.fullmatch(str(value))
    if not m:
        raise ValueError(f"not a size: {value!r} (write e.g. 500000, 64M or 2G)")
    number = float(m.group(1)) * (1024 ** " kmgt".index(m.group(2).lower() or " "))
    if number < 1:
        raise ValueError(f"a limit must be at least 1, not {value!r}")
    return int(number)


def from_environment() -> Limits:
    """The defaults, overridden by the STORYTRACE_MAX_* variables that are set."""
    values = {}
    for field, variable in _ENV.items():
        raw = os.environ.get(variable)
        if raw:
            try:
                values[field] = parse_size(raw)
            except ValueError as exc:
                raise ValueError(f"${variable}: {exc}") from None
    return Limits(**values)


_CURRENT: Limits | None = None


def current() -> Limits:
    global _CURRENT
    if _CURRENT is None:
        _CURRENT = from_environment()
    return _CURRENT


def use(limits: Limits) -> None:
    """Set this process's limits (the CLI does, from its options)."""
    global _CURRENT
    _CURRENT = limits


def human(size: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} bytes"
