"""The self-contained HTML report (``storytrace analyze ... --html FILE``).

``render_report(result, texts)`` takes the result as the JSON contract gives it (schema
storytrace/1) and the article texts by id, and returns one HTML page: inline CSS and JS, the data
as JSON inside the page, no request to any other host. The page renders lazily from that JSON
(paged lists, one pair at a time), so it stays quick at tens of thousands of articles. A later web
app can serve the same string, or reuse ``page_data`` and the static files.

Modules, one job each: worddiff.py (word-level diff of two wordings), data.py (the page's data
from the result), embed.py (JSON safe inside a script element; CSP hashes), page.py (the page
around them); static/ holds the page's CSS and JS, inlined at render time.
"""

from __future__ import annotations

import os
from typing import Iterable, Mapping

from .data import page_data
from .embed import script_json
from .page import render_page
from .worddiff import word_diff

__all__ = ["render_report", "write_report", "page_data", "script_json", "word_diff"]


def render_report(result: dict, texts: Mapping[str, str], title: str = "storytrace report") -> str:
    """The whole report page as a string. ``texts`` maps article id to its text as read (the offsets
    in ``result`` point into it); an article without a text is shown without one."""
    data, article_texts = page_data(result, texts)
    return render_page(data, article_texts, title)


def write_report(path: str | os.PathLike, result: dict, articles: Iterable, title: str = "storytrace report") -> None:
    """Write the report for a result and its Article records (anything with ``id`` and ``text``)."""
    html = render_report(result, {a.id: a.text for a in articles}, title)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(html)
