"""Request bodies to Articles, read as ``storytrace add`` reads a JSONL record or an HTML file
(readers.records, readers.html through ingest.read_inputs: the same fields, the same article-size
limit). A body that cannot give an article raises BadBody, which the API answers with 422."""

from __future__ import annotations

import json

from ..ingest import read_inputs
from ..model import Article
from ..readers.decode import decode


class BadBody(Exception):
    """The body is not what the endpoint takes; the message says what is wrong, in one line."""


def parse_json(body: bytes):
    try:
        return json.loads(body)
    except UnicodeDecodeError:
        raise BadBody("malformed JSON: the body is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise BadBody(f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None


def media_type(content_type: str | None) -> tuple[str, str | None]:
    """(media type, charset) of a Content-Type header."""
    if not content_type:
        return "application/json", None
    kind, *params = [p.strip() for p in content_type.split(";")]
    charset = next((p.split("=", 1)[1].strip('"') for p in params if p.lower().startswith("charset=")), None)
    return kind.lower(), charset


def traced_article(body: bytes, content_type: str | None) -> tuple[Article, list[str]]:
    """The article to trace: a JSON object {id?, title?, text (or html), url?, published?, outlet?,
    byline?}, an HTML page (text/html) or plain text (text/plain)."""
    kind, charset = media_type(content_type)
    if kind in ("text/html", "application/xhtml+xml", "text/plain"):
        errors: list[str] = []
        text = decode(body, "request body", errors, declared=charset, markup=kind != "text/plain", noun="body")
        if text is None:
            raise BadBody("; ".join(errors) or "empty body")
        record = {"id": "trace", "html" if kind != "text/plain" else "text": text}
    elif kind == "application/json" or kind.endswith("+json"):
        record = parse_json(body)
        if not isinstance(record, dict):
            raise BadBody("the body must be one article: a JSON object with a \"text\" field")
        record = {"id": "trace", **record}
    else:
        raise BadBody(f"unsupported Content-Type {kind!r}: send application/json, text/html or text/plain")
    [article], notes = _articles([record], "the article")
    return article, notes


def added_articles(body: bytes) -> tuple[list[Article], list[str]]:
    """The articles to add: one JSON object, a JSON list of them, or {"articles": [...]}; each needs
    an ``id`` (the store keeps versions by id) and a ``text`` (or ``html``)."""
    value = parse_json(body)
    if isinstance(value, dict) and isinstance(value.get("articles"), list):
        value = value["articles"]
    records = value if isinstance(value, list) else [value]
    if not records:
        raise BadBody("no article in the body")
    for n, record in enumerate(records, 1):
        if not isinstance(record, dict):
            raise BadBody(f"article {n}: not a JSON object")
        if not isinstance(record.get("id"), (str, int)) or isinstance(record.get("id"), bool) or record.get("id") == "":
            raise BadBody(f"article {n}: no \"id\" (text or number); the store keeps articles by id")
    ids = [str(r["id"]) for r in records]
    if len(set(ids)) != len(ids):
        raise BadBody(f"the same id twice in one batch: {sorted({i for i in ids if ids.count(i) > 1})[:5]}")
    return _articles(records, "article")


def _articles(records: list, what: str) -> tuple[list[Article], list[str]]:
    """The articles, and the notes on what was read with a change (a text cut to the size limit, a
    field ignored); a record that gives no article fails the whole body."""
    result = read_inputs(records)
    if len(result.articles) != len(records):
        raise BadBody(f"{what}: " + "; ".join(result.errors or ["could not be read"]))
    return result.articles, result.errors
