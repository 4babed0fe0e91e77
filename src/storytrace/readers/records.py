"""One record (a JSON object, a CSV row, a dict given to the API) to an Article.

``text`` is the article's text; ``html`` is the alternative (a page or a fragment, extracted like
an HTML file). The optional fields name metadata and win over what the page's markup says.
"""

from __future__ import annotations

from ..model import Article, has_surrogates, without_surrogates
from .decode import newlines

OPTIONAL_FIELDS = ("title", "url", "outlet", "published", "byline")
FIELDS = ("id", "text", "html") + OPTIONAL_FIELDS


def from_record(record: object, default_id: str, where: str, errors: list[str],
                what: str = "a JSON object") -> Article | None:
    """An Article from a mapping: ``text`` or ``html`` required, the other fields optional scalars."""
    if not isinstance(record, dict):
        errors.append(f"{where}: not {what}, skipped")
        return None

    def scalar(name: str) -> str | None:
        value = record.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        errors.append(f"{where}: field {name!r} is not text, ignored")
        return None

    for name in FIELDS:  # Article replaces them; the record's reader is told
        value = record.get(name)
        if isinstance(value, str) and has_surrogates(value):
            errors.append(f"{where}: field {name!r} holds unpaired surrogate escapes (not text), "
                          f"each replaced by U+FFFD")
            record = {**record, name: without_surrogates(value)}
    text, html = record.get("text"), record.get("html")
    fields = {name: scalar(name) for name in OPTIONAL_FIELDS}
    article_id = scalar("id") or default_id
    if isinstance(text, str) and text.strip():
        return Article(id=article_id, text=newlines(text), origin=where, **fields)
    if isinstance(html, str) and html.strip():
        from .html import article_from_html  # on first use: plain-text records need no HTML parser

        article = article_from_html(html, article_id, where, errors, url=fields["url"])
        if article is not None:
            for name, value in fields.items():
                if value is not None:
                    setattr(article, name, value)
        return article
    if isinstance(text, str) or isinstance(html, str):
        errors.append(f"{where}: empty text, skipped")
    else:
        errors.append(f"{where}: no \"text\" (or \"html\") string, skipped")
    return None
