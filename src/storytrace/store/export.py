"""``storytrace export``: the whole store as the ``storytrace/1`` document ``analyze`` writes, so
every reader of the batch output (the JSON, the JSONL parts, the HTML report) reads the store.

The same fields in the same order as ``Result.to_json``: articles by id, each with its stored
sources; pairs by (a, b) with the family's direction; stories ordered as ``group_stories`` orders
them (by their first article), under the store's own ids (``story-N``, as ``add`` and ``trace``
name them); claims story by story. ``errors`` is empty (bad inputs were reported when added);
``stats`` says what the store holds.
"""

from __future__ import annotations

import json

from ..pipeline import SCHEMA
from .records import PAIR_COLUMNS, article_from_row, pair_from_row
from .store import Store
from .trace import _article_json


def export_result(store: Store, records: list | None = None) -> dict:
    """The store as ``Result.to_json`` gives a batch run's result. ``records``: a list to fill with
    the Article records (texts included, from the same snapshot), as the HTML report needs them."""
    store.db.execute("BEGIN")  # one snapshot: an add committing meanwhile is not half-read
    try:
        return _export(store, records)
    finally:
        store.db.execute("ROLLBACK")


def _export(store: Store, records: list | None) -> dict:
    sources = {a: json.loads(v) for a, v in store.db.execute("SELECT article, sources FROM sources")}
    articles = []
    for text, record in store.db.execute("SELECT text, record FROM articles ORDER BY id"):
        article = article_from_row(text, record)
        articles.append(_article_json(article, sources.get(article.id, [])))
        if records is not None:
            records.append(article)
    pairs = [pair_from_row(row).to_json()
             for row in store.db.execute(f"SELECT {PAIR_COLUMNS} FROM pairs ORDER BY a, b")]
    stories, claims = [], []
    for no, origin, title, members, story_claims in sorted(
            store.db.execute("SELECT no, origin, title, articles, claims FROM stories"),
            key=lambda row: json.loads(row[3])[0]):
        stories.append({"id": f"story-{no}", "articles": json.loads(members), "origin": origin, "title": title})
        claims += json.loads(story_claims)
    batches = store.db.execute("SELECT COUNT(*) FROM batches").fetchone()[0]
    return {"schema": SCHEMA, "articles": articles, "pairs": pairs, "stories": stories, "claims": claims,
            "errors": [],
            "stats": {"articles": len(articles), "reported_pairs": len(pairs), "stories": len(stories),
                      "batches": batches, "store": str(store.path)}}
