"""``storytrace export``: the whole store as the ``storytrace/1`` document ``analyze`` writes, so
every reader of the batch output (the JSON, the JSONL parts, the HTML report) reads the store.

The same fields in the same order as ``Result.to_json``: articles by id, each with its stored
sources; pairs by (a, b) with the family's direction; stories ordered as ``group_stories`` orders
them (by their first article), under the store's own ids (``story-N``, as ``add`` and ``trace``
name them); storylines grouped from those stories and pairs; claims story by story. ``errors`` is empty (bad inputs were reported when added);
``stats`` says what the store holds.

The articles and pairs are never all held: the storylines read the pairs once as rows go by, and
``exported``'s document reads both from the database as they are written (``StoredRows``). At
200,000 synthetic articles they were most of the export's memory (1,009,298 pairs).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from ..model import Article, Story
from ..output.result import SCHEMA, article_json
from ..provenance.storylines import group_storylines
from .records import PAIR_COLUMNS, article_from_record, article_from_row, pair_from_row, unpack_claims
from .store import Store

_PAIRS_IN_ORDER = f"SELECT {PAIR_COLUMNS} FROM pairs ORDER BY a, b"
# an article's record holds every field but the text, which the document leaves out
_ARTICLES_IN_ORDER = ("SELECT a.record, s.sources FROM articles AS a LEFT JOIN sources AS s ON s.article = a.id "
                      "ORDER BY a.id")


class StoredRows(Sequence):
    """Records of the document read from the database when iterated or sliced, one made at a time
    (``make(row)``) from the rows of ``query`` (ordered), ``count`` giving how many: valid while the
    snapshot that made it is open (``exported``)."""

    def __init__(self, db, query: str, count: str, make) -> None:
        self.db, self.query, self.count, self.make = db, query, count, make
        self._length: int | None = None

    def __len__(self) -> int:
        if self._length is None:
            self._length = self.db.execute(self.count).fetchone()[0]
        return self._length

    def __iter__(self) -> Iterator[dict]:
        return map(self.make, self.db.execute(self.query))

    def __getitem__(self, k):
        if isinstance(k, slice):
            start, stop, step = k.indices(len(self))
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            return list(map(self.make, self.db.execute(self.query + " LIMIT ? OFFSET ?", (max(0, stop - start), start))))
        k = k + len(self) if k < 0 else k
        if not 0 <= k < len(self):
            raise IndexError("record index out of range")
        return self[k:k + 1][0]


def stored_pairs(db) -> StoredRows:
    """The pairs as ``Pair.to_json`` gives them, by (a, b)."""
    return StoredRows(db, _PAIRS_IN_ORDER, "SELECT count(*) FROM pair_rows", lambda row: pair_from_row(row).to_json())


def stored_articles(db) -> StoredRows:
    """The articles as ``article_json`` gives them, by id, each with its stored sources."""
    def make(row) -> dict:
        record, sources = row
        return article_json(article_from_record(record), json.loads(sources) if sources else [])
    return StoredRows(db, _ARTICLES_IN_ORDER, "SELECT count(*) FROM articles", make)


@contextmanager
def exported(store: Store, records: list | None = None):
    """The store as ``Result.to_json`` gives a batch run's result, from one snapshot (an add
    committing meanwhile is not half-read), its "articles" and "pairs" ``StoredRows`` read from the
    database: write it inside the ``with`` block. ``records``: a list to fill with the Article
    records (texts included), as the HTML report needs them."""
    store.db.execute("BEGIN")
    try:
        yield _export(store, records)
    finally:
        store.db.execute("ROLLBACK")


def export_result(store: Store, records: list | None = None) -> dict:
    """The store as ``Result.to_json`` gives a batch run's result (every record in a list)."""
    with exported(store, records) as document:
        document["articles"], document["pairs"] = list(document["articles"]), list(document["pairs"])
        return document


def _export(store: Store, records: list | None) -> dict:
    # the storylines read an article's id and date only; the texts are read for the HTML report alone
    # (those of 200,000 synthetic articles are 0.75 GB)
    if records is not None:
        records.extend(article_from_row(text, record) for text, record in
                       store.db.execute("SELECT text, record FROM articles ORDER BY id"))
        read = records
    else:
        read = (article_from_record(record) for (record,) in store.db.execute("SELECT record FROM articles ORDER BY id"))
    dated = [Article(a.id, "", published=a.published) for a in read]
    stories, claims = [], []
    for no, origin, title, members, story_claims in sorted(
            store.db.execute("SELECT no, origin, title, articles, claims FROM stories"),
            key=lambda row: json.loads(row[3])[0]):
        stories.append(Story(f"story-{no}", json.loads(members), origin, title))
        claims += unpack_claims(story_claims)
    # storylines are computed here, from the stored stories and pairs, as analyze computes them
    # (they join stories across batches, so the store does not keep them between adds)
    storylines = group_storylines(dated, stories, (pair_from_row(row) for row in store.db.execute(
        f"SELECT {PAIR_COLUMNS} FROM pairs")))
    batches = store.db.execute("SELECT COUNT(*) FROM batches").fetchone()[0]
    articles, pairs = stored_articles(store.db), stored_pairs(store.db)
    return {"schema": SCHEMA, "articles": articles, "pairs": pairs,
            "stories": [s.to_json() for s in stories], "storylines": [s.to_json() for s in storylines],
            "claims": claims, "errors": [],
            "stats": {"articles": len(articles), "reported_pairs": len(pairs), "stories": len(stories),
                      "storylines": len(storylines), "batches": batches, "store": str(store.path)}}
