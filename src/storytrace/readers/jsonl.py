"""JSONL: one JSON object a line (fields in ``records``); id defaults to ``<stem>:<line>``.

A plain UTF-8 file is read line by line (``stream_jsonl``): the file's bytes, its decoded text and
its list of lines were each held whole beside the articles (16 KB an article at the reading peak
of 20,000 to 50,000 synthetic articles, the articles themselves ~9). Anything else (UTF-16, a
legacy encoding, NUL bytes, gzip) is decoded whole by ``decode`` and given to ``read_jsonl``; both
ways give the same articles and the same messages.
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


# A line longer than this is not an article: the longest article kept (limits.ARTICLE_CHARS, 2M
# characters) is at most 12 MB as JSON even with every character escaped as \uXXXX; the same bound
# as a WARC record (readers/warc.py). Reading a line stops here, so one line without an end cannot
# take the process's memory.
MAX_LINE_BYTES = 32 << 20


def stream_jsonl(path: Path, errors: list[str], max_line_bytes: int = MAX_LINE_BYTES) -> list[Article]:
    """The articles of a plain UTF-8 JSONL file, read a line at a time: what ``read_jsonl`` gives
    for ``decode``'s text of the whole file, lines and their numbers as it counts them (a lone "\\r"
    ends a line too, "\\r\\n" is one end). No file-size limit applies (the file is never held whole,
    as a WARC file is not); a line over ``max_line_bytes`` is skipped with a note. Raises
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
    while raw := stream.readline(max_line_bytes + 1):
        if number == 0 and raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in raw:
            raise NotPlainUtf8  # before the line's length: a file of zeros is refused, not read through
        if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
            number += 1
            errors.append(f"{path}:{number}: a line over {human(max_line_bytes)}, skipped")
            _skip_rest_of_line(stream, max_line_bytes)
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


def _skip_rest_of_line(stream, chunk_bytes: int) -> None:
    """Read past the end of an overlong line, a bounded chunk at a time."""
    while chunk := stream.readline(chunk_bytes):
        if chunk.endswith(b"\n"):
            return
