"""JSONL: one JSON object a line (fields in ``records``); id defaults to ``<stem>:<line>``.

A plain UTF-8 file is read line by line (``stream_jsonl``): the file's bytes, its decoded text and
its list of lines were each held whole beside the articles (16 KB an article at the reading peak
of 20,000 to 50,000 synthetic articles, the articles themselves ~9). Anything else (UTF-16, a
legacy encoding, NUL bytes, gzip) is decoded whole by ``decode`` and given to ``read_jsonl``; both
ways give the same articles and the same messages for a file within ``--max-file-bytes`` (a larger
one only the line-by-line way reads: there the limit bounds each line).
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..limits import human
from ..model import Article
from .records import from_record


def read_jsonl(text: str, path: Path, errors: list[str]) -> list[Article]:
    return _read_lines(enumerate(text.split("\n"), 1), path, errors)


def _read_lines(lines: Iterable[tuple[int, str]], path: Path, errors: list[str]) -> list[Article]:
    articles = []
    errors_before = len(errors)
    for number, line in lines:
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            errors.append(f"{where}: not valid JSON ({getattr(exc, 'msg', 'nested too deeply')})")
            continue
        article = from_record(record, f"{path.stem}:{number}", where, errors)
        if article:
            articles.append(article)
    if not articles and len(errors) == errors_before:  # only blank lines
        errors.append(f"{path}: empty file, skipped")
    return articles


class NotPlainUtf8(Exception):
    """The file needs ``decode``'s whole-file reading (a BOM of UTF-16, NUL bytes, not UTF-8)."""


def stream_jsonl(path: Path, errors: list[str], max_line_bytes: int) -> list[Article]:
    """The articles of a plain UTF-8 JSONL file, read a line at a time: what ``read_jsonl`` gives
    for ``decode``'s text of the whole file, lines and their numbers as it counts them (a lone "\\r"
    ends a line too, "\\r\\n" is one end). The file is never held whole, so no limit applies to it
    (as to a WARC file); a line over ``max_line_bytes`` (the file-size limit: any line a whole-file
    read would have taken is taken) is skipped with a note, read past in bounded pieces. Raises
    ``NotPlainUtf8`` (nothing added to ``errors``) for a file ``decode`` would not read as UTF-8,
    OSError."""
    found: list[str] = []
    with path.open("rb") as stream:
        articles = _read_lines(_numbered_lines(stream, max_line_bytes, path, found), path, found)
    errors.extend(found)
    return articles


def _numbered_lines(stream, max_line_bytes: int, path: Path, errors: list[str]) -> Iterator[tuple[int, str]]:
    number = 0
    # split at b"\n" only: UTF-8 never has that byte inside a character
    while raw := _read_line(stream, max_line_bytes):
        if number == 0 and raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in raw:
            raise NotPlainUtf8  # before the line's length: a file of zeros is refused, not read through
        if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
            number += 1
            errors.append(f"{path}:{number}: a line over the file-size limit of {human(max_line_bytes)} "
                          "(--max-file-bytes), skipped")
            _skip_rest_of_line(stream)
            continue
        if raw.endswith(b"\n"):
            raw = raw[:-2] if raw.endswith(b"\r\n") else raw[:-1]
        try:
            line = raw.decode("utf-8-sig" if number == 0 else "utf-8")
        except UnicodeDecodeError:
            raise NotPlainUtf8 from None
        for piece in line.split("\r") if "\r" in line else (line,):
            number += 1
            yield number, piece


# a line is read a megabyte at a time, so a NUL byte stops it early: a file of zeros is found out in
# its first megabyte, not after the limit's worth of memory (a line of text is held up to the limit)
_PIECE = 1 << 20


def _read_line(stream, max_bytes: int) -> bytes:
    """The next line with its b"\\n" (b"" at the end of the file). A line over ``max_bytes`` comes
    back as its first ``max_bytes`` + 1 bytes, without an end; the reading also stops after a piece
    holding a NUL byte (the caller refuses those)."""
    parts, size = [], 0
    while True:
        piece = stream.readline(min(_PIECE, max_bytes + 1 - size))
        parts.append(piece)
        size += len(piece)
        if not piece or piece.endswith(b"\n") or size > max_bytes or b"\x00" in piece:
            return parts[0] if len(parts) == 1 else b"".join(parts)


def _skip_rest_of_line(stream) -> None:
    """Read past the end of an overlong line, a bounded piece at a time."""
    while piece := stream.readline(_PIECE):
        if piece.endswith(b"\n"):
            return
