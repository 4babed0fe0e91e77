"""Metadata a plain-text capture states at its top: a title line, a byline, a date line, a dateline.

Only what the text says is taken, and only for fields the input left empty: a capture without a
date line gets no date. The head of the article is read (furniture lines skipped): captures put
the headline, standfirst, byline and date above the first paragraph.

    NATO's secretary-general meets with Zelenskyy ...      <- title: short, no final stop
    NATO Secretary-General Jens Stoltenberg has met ...    (standfirst)
    Hanna Arhirova                                         <- byline: a name line before the date
    Thursday 28 September 2023 13:26 BST                   <- date line
    KYIV, Ukraine — NATO's secretary-general met ...       <- dateline opening the first paragraph
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import date_from_text
from ..model import Article, Span

HEAD_LINES = 8  # non-furniture lines read for title, byline and date
MAX_TITLE_WORDS = 25

_BY = re.compile(r"by\s+(?P<names>[^\d.!?]{2,120})", re.I)
_NAME_WORD = re.compile(r"[A-Z][\w'’.-]*|(?:de|da|van|von|der|den|del|la|le|bin|al|and|&)", re.U)
_DATE_PREFIX = re.compile(r"(?:(?:first\s+)?(?:published|updated|posted|last\s+updated|modified)(?:\s+on)?"
                          r"\s*[:|-]?\s*|on\s+)", re.I)
# "KYIV, Ukraine —", "LONDON (Reuters) -", "WASHINGTON (AP) —": a place in capitals, an optional
# region, an optional agency, then a dash.
_DATELINE = re.compile(r"(?P<place>[A-Z][A-Z'’.-]+(?: [A-Z][A-Z'’.-]+)*(?:, [A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)*)?)"
                       r"(?: \((?:AP|Reuters|AFP|UPI|CNN|dpa)\))? ?[—–-]{1,2} ")


@dataclass
class TextMetadata:
    title: str | None = None
    byline: str | None = None
    published: str | None = None
    dateline: str | None = None


def fill_from_text(article: Article) -> None:
    """Set the fields the input left empty from what the text states, in place."""
    found = read_metadata(article.text, article.furniture)
    for name in ("title", "byline", "published", "dateline"):
        if getattr(article, name, None) is None and getattr(found, name) is not None:
            setattr(article, name, getattr(found, name))


def read_metadata(text: str, furniture: list[Span] = ()) -> TextMetadata:
    lines = _head(text, furniture)
    meta = TextMetadata()
    date_at = None
    for i, line in enumerate(lines):
        date = date_from_text(_DATE_PREFIX.sub("", line, count=1) if _DATE_PREFIX.match(line) else line)
        if date:
            meta.published, date_at = date, i
            break
    for i, line in enumerate(lines):
        m = _BY.fullmatch(line)
        if m and _names(m.group("names")):
            meta.byline = m.group("names").strip(" ,")
            break
    if meta.byline is None and date_at is not None and date_at >= 2 and _names(lines[date_at - 1]):
        meta.byline = lines[date_at - 1]  # a lone name line right above the date (not the first line)
    if lines and _is_title(lines[0]) and len(lines) > 1 and lines[0] != meta.byline:
        meta.title = lines[0]
    for line in lines:
        m = _DATELINE.match(line)
        if m and len(line) > m.end() + 20:  # the dateline opens a paragraph, it is not one
            meta.dateline = m.group("place")
            break
    return meta


def _head(text: str, furniture: list[Span]) -> list[str]:
    """The first non-blank, non-furniture lines, whitespace collapsed."""
    out, pos = [], 0
    spans = sorted(furniture)
    for raw in text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        line = " ".join(raw.split())
        if not line or any(s <= start and end <= e for s, e in spans):
            continue
        out.append(line)
        if len(out) >= HEAD_LINES:
            break
    return out


def _names(text: str) -> bool:
    """One to four capitalised names ("Hanna Arhirova", "Jane Doe and John Roe"), nothing else."""
    words = text.replace(",", " ").split()
    if not 2 <= len(words) <= 10 or not words[0][:1].isupper():
        return False
    return all(_NAME_WORD.fullmatch(w) for w in words) and sum(w[:1].isupper() for w in words) >= 2


def _is_title(line: str) -> bool:
    words = line.split()
    if not 3 <= len(words) <= MAX_TITLE_WORDS:
        return False
    if not (line[0].isupper() or line[0].isdigit() or line[0] in "'\"‘“"):
        return False
    if _DATELINE.match(line) or _BY.fullmatch(line) or date_from_text(line):
        return False
    return not re.search(r"[.:;,]$", line) and not re.search(r"[.!?][”\"’']?\s+[A-Z]", line)
