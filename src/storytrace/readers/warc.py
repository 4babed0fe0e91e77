"""WARC (a crawl such as CC-News): every HTML response is an article, id = the record's URL.

Other records (warcinfo, requests, metadata, images, feeds, redirects) are counted and skipped: one
line per file says how many. A damaged or truncated file keeps the articles read before the damage.
"""

from __future__ import annotations

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
    number = 0
    try:
        stream = path.open("rb")
    except OSError as exc:
        errors.append(f"{path}: cannot read ({exc.strerror or exc})")
        return [], 0
    with stream:
        records = iter(ArchiveIterator(stream, no_record_parse=False, arc2warc=True))
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except Exception as exc:  # warcio on a damaged or truncated file: keep what was read
                errors.append(f"{path}: record {number + 1}: unreadable ({_why(exc)}), the rest of the file skipped")
                break
            number += 1
            try:
                article = _article(record, path, number, errors, skipped)
            except Exception as exc:  # a record whose body cannot be read
                errors.append(f"{path}: record {number}: unreadable body ({_why(exc)}), skipped")
                continue
            if article is not None:
                articles.append(article)
    if number == 0 and not articles:
        errors.append(f"{path}: no WARC records, skipped")
    elif skipped:
        detail = ", ".join(f"{n} {kind}" for kind, n in sorted(skipped.items(), key=lambda kv: (-kv[1], kv[0])))
        errors.append(f"{path}: {len(articles)} HTML pages read, {sum(skipped.values())} non-HTML records skipped ({detail})")
    return articles, sum(skipped.values())


def _why(exc: Exception) -> str:
    return f"{type(exc).__name__}: {str(exc)[:80]}" if str(exc) else type(exc).__name__


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
    if not body.strip():
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
