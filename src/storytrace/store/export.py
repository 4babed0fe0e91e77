"""``storytrace export``: the whole store as the ``storytrace/1`` document ``analyze`` writes, so
every reader of the batch output (the JSON, the JSONL parts, the HTML report) reads the store.

The same fields in the same order as ``Result.to_json``: articles by id, each with its stored
sources; pairs by (a, b) with the family's direction; stories ordered as ``group_stories`` orders
them (by their first article), under the store's own ids (``story-N``, as ``add`` and ``trace``
name them); storylines grouped from those stories and pairs; claims story by story. ``errors`` is empty (bad inputs were reported when added);
``stats`` says what the store holds.
"""

from __future__ import annotations

import json

from ..model import Article, Story
from ..output.result import SCHEMA, PairRecords, article_json
from ..provenance.storylines import group_storylines
from .records import PAIR_COLUMNS, article_from_row, pair_from_row, unpack_claims
from .store import Store


def export_result(store: Store, records: list | None = None, lazy_pairs: bool = False) -> dict:
    """The store as ``Result.to_json`` gives a batch run's result. ``records``: a list to fill with
    the Article records (texts included, from the same snapshot), as the HTML report needs them;
    ``lazy_pairs``: "pairs" a ``PairRecords`` (each pair's record made when read), not a list."""
    store.db.execute("BEGIN")  # one snapshot: an add committing meanwhile is not half-read
    try:
        return _export(store, records, lazy_pairs)
    finally:
        store.db.execute("ROLLBACK")


def _export(store: Store, records: list | None, lazy_pairs: bool) -> dict:
    sources = {a: json.loads(v) for a, v in store.db.execute("SELECT article, sources FROM sources")}
    articles, held = [], []
    for text, record in store.db.execute("SELECT text, record FROM articles ORDER BY id"):
        article = article_from_row(text, record)
        articles.append(article_json(article, sources.get(article.id, [])))
        # the storylines read an article's id and date only: its text is kept for the HTML report
        # alone (the texts of 200,000 synthetic articles are 0.75 GB)
        held.append(article if records is not None else Article(article.id, "", published=article.published))
    if records is not None:
        records.extend(held)
    pairs = [pair_from_row(row) for row in store.db.execute(f"SELECT {PAIR_COLUMNS} FROM pairs ORDER BY a, b")]
    stories, claims = [], []
    for no, origin, title, members, story_claims in sorted(
            store.db.execute("SELECT no, origin, title, articles, claims FROM stories"),
            key=lambda row: json.loads(row[3])[0]):
        stories.append(Story(f"story-{no}", json.loads(members), origin, title))
        claims += unpack_claims(story_claims)
    # storylines are computed here, from the stored stories and pairs, as analyze computes them
    # (they join stories across batches, so the store does not keep them between adds)
    storylines = group_storylines(held, stories, pairs)
    batches = store.db.execute("SELECT COUNT(*) FROM batches").fetchone()[0]
    return {"schema": SCHEMA, "articles": articles, "pairs": PairRecords(pairs) if lazy_pairs else [p.to_json() for p in pairs],
            "stories": [s.to_json() for s in stories], "storylines": [s.to_json() for s in storylines],
            "claims": claims, "errors": [],
            "stats": {"articles": len(articles), "reported_pairs": len(pairs), "stories": len(stories),
                      "storylines": len(storylines), "batches": batches, "store": str(store.path)}}
