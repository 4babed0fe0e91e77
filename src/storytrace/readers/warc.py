"""WARC (a crawl such as CC-News): every HTML response is an article, id = the record's URL.

Other records (warcinfo, requests, metadata, images, feeds, redirects) are counted and skipped: one
line per file says how many. A damaged or truncated file keeps the articles read before the damage.
"""

from __future__ import annotations

import zlib
from collections import Counter
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from ..model import Article
from .decode import decode
from .html import article_from_html

_HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_RECORD_BYTES = 32 << 20  # a page larger than this is not an article


def read_warc(path: Path, errors: list[str]) -> tuple[list[Article], int]:
    """The articles of a WARC file and the number of records skipped as not HTML pages."""
    articles: list[Article] = []
    skipped: Counter[str] = Counter()
    number, last, broken = 0, None, False
    try:
        # Gzip is undone here, not by warcio: a whole-file gzip (not one member a record) is then read
        # too, and a truncated file ends in an error naming the record instead of a silent stop.
        stream = path.open("rb")
        if path.name.lower().endswith(".gz"):
            stream = _Gunzip(stream)
    except OSError as exc:
        errors.append(f"{path}: cannot read ({exc.strerror or exc})")
        return [], 0
    with stream:
        try:
            head = _peek(stream, 5)
        except (OSError, zlib.error, EOFError) as exc:
            errors.append(f"{path}: cannot read ({_why(exc)}), skipped")
            return [], 0
        if head and not head.startswith(b"WARC/"):
            errors.append(f"{path}: not a WARC file (it does not start with 'WARC/'), skipped")
            return [], 0
        records = ArchiveIterator(stream)
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except Exception as exc:  # warcio on a damaged or truncated file: keep what was read
                errors.append(f"{path}: record {number + 1}: unreadable ({_why(exc)}), the rest of the file skipped")
                broken = True
                break
            number += 1
            last = record
            try:
                article = _article(record, path, number, errors, skipped)
            except Exception as exc:  # a record whose body cannot be read
                errors.append(f"{path}: record {number}: unreadable body ({_why(exc)}), skipped")
                continue
            if article is not None:
                articles.append(article)
    cut = getattr(stream, "truncated", False) or (last is not None and getattr(last.raw_stream, "limit", 0) > 0)
    if cut or (not broken and _unread_tail(records, path)):
        errors.append(f"{path}: truncated after record {number}, the records before the cut were read"
                      if number else f"{path}: truncated before the end of its first record")
    if number == 0 and not articles:
        errors.append(f"{path}: no WARC records, skipped")
    elif skipped:
        detail = ", ".join(f"{n} {kind}" for kind, n in sorted(skipped.items(), key=lambda kv: (-kv[1], kv[0])))
        errors.append(f"{path}: {len(articles)} HTML pages read, {sum(skipped.values())} non-HTML records skipped ({detail})")
    return articles, sum(skipped.values())


def _peek(stream, size: int) -> bytes:
    if isinstance(stream, _Gunzip):
        head = stream.read(size)
        stream.buffer[:0] = head
        return head
    head = stream.read(size)
    stream.seek(0)
    return head


def _unread_tail(records, path: Path) -> bool:
    """Did an uncompressed file end inside a record warcio then dropped without a word? True when
    more than blank bytes lie past the end of the last record read."""
    if path.name.lower().endswith(".gz"):
        return False
    try:
        end, size = getattr(records, "offset", None), path.stat().st_size
    except OSError:
        return False
    return end is not None and size - end > 4


def _why(exc: Exception) -> str:
    message = " ".join(str(exc).split())[:100]  # one line, whatever the library put in its message
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _article(record, path: Path, number: int, errors: list[str], skipped: Counter) -> Article | None:
    kind = record.rec_type
    if kind not in ("response", "resource"):
        skipped[kind or "untyped"] += 1
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or None
    where = f"{path}: record {number}" + (f" ({url})" if url else "")
    if kind == "response" and record.http_headers is not None:
        status = record.http_headers.get_statuscode() or ""
        content_type = record.http_headers.get_header("Content-Type") or ""
        if not status.startswith("2"):
            skipped[f"HTTP {status or '?'}"] += 1
            return None
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    media = content_type.split(";")[0].strip().lower()
    if media not in _HTML_TYPES:
        skipped[media or "untyped"] += 1
        return None
    body = record.content_stream().read(MAX_RECORD_BYTES + 1)
    if len(body) > MAX_RECORD_BYTES:
        errors.append(f"{where}: larger than {MAX_RECORD_BYTES >> 20} MB, skipped")
        return None
    if getattr(record.raw_stream, "limit", 0) > 0:  # the file ends inside this record
        if not body.strip():
            errors.append(f"{where}: truncated, no body, skipped")
            return None
        errors.append(f"{where}: truncated, read the {len(body)} bytes of its body that are there")
    elif not body.strip():
        errors.append(f"{where}: no body, skipped")
        return None
    html = decode(body, where, errors, declared=_charset(content_type), markup=True, noun="body")
    if html is None:
        return None
    date = record.rec_headers.get_header("WARC-Date") or None
    return article_from_html(html, url or f"{path.name}:{number}", where, errors, url=url, published=date)


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


class _Gunzip:
    """A gzip file read as a stream, member after member; at a cut it stops and sets ``truncated``
    (gzip.GzipFile raises there, and warcio takes that for a clean end)."""

    def __init__(self, raw) -> None:
        self.raw, self.buffer, self.truncated = raw, bytearray(), False  # bytearray: cheap to cut from the front
        self.inflater, self.started, self.done = zlib.decompressobj(16 + zlib.MAX_WBITS), False, False

    def read(self, size: int = -1) -> bytes:
        while not self.done and (size < 0 or len(self.buffer) < size):
            chunk = self.raw.read(1 << 16)
            if not chunk:
                self.done = True
                self.truncated = self.started and not self.inflater.eof
                break
            while chunk:
                self.started = True
                self.buffer += self.inflater.decompress(chunk)
                chunk = b""
                if self.inflater.eof:  # the next member, if any, starts in the unused input
                    chunk = self.inflater.unused_data
                    self.inflater, self.started = zlib.decompressobj(16 + zlib.MAX_WBITS), False
        size = len(self.buffer) if size < 0 else size
        out = bytes(self.buffer[:size])
        del self.buffer[:size]
        return out

    def close(self) -> None:
        self.raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
