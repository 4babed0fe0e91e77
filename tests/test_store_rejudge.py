"""Re-judging (store/rejudge.py) writes what it always wrote: the pairs' bytes with the three
evidence values it changes replaced in place (codec.with_evidence) are the bytes of packing each
changed pair whole, and pairs stored by schema 2's codec (evidence keys written out, no layout)
are packed whole, as before. Checked on a store grown in batches that each re-judge
(STORE_REJUDGE_GROWTH 1.0), table for table against re-judging that packs every pair whole."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storytrace import thresholds as T
from storytrace.ingest import read_inputs
from storytrace.store import Store, add_articles, codec, rejudge
from test_store_equivalence import _synthetic  # the benchmark's synthetic corpus, seeded

ARTICLES = _synthetic(48, 7)


def _pack_whole(blob: bytes, spans: dict, values: dict) -> bytes:
    data = codec.unpack_pair_data(blob)
    data["evidence"].update(values)
    return codec.pack_pair_data(data)


def _schema_2_bytes(db: sqlite3.Connection) -> None:
    """Rewrite every stored pair's data as schema 2's codec wrote it: evidence keys item by item."""
    monkey = pytest.MonkeyPatch()
    monkey.setattr(codec, "_LAYOUT_INDEX", {})
    try:
        rows = [(codec.pack_pair_data(codec.unpack_pair_data(blob)), a, b)
                for a, b, blob in db.execute("SELECT a, b, data FROM pair_rows")]
    finally:
        monkey.undo()
    db.executemany("UPDATE pair_rows SET data = ? WHERE a = ? AND b = ?", rows)


def _tables(folder: Path, whole: bool, schema_2: bool) -> list:
    articles = read_inputs(ARTICLES).articles
    calls = []

    def counted(*args):
        calls.append(1)
        return (_pack_whole if whole else codec.with_evidence)(*args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(T, "STORE_REJUDGE_GROWTH", 1.0)
        patch.setattr(rejudge, "with_evidence", counted)
        with Store(folder / f"s-{whole}-{schema_2}.db") as store:
            for first in range(0, len(articles), 12):
                if schema_2 and first:
                    _schema_2_bytes(store.db)
                add_articles(store, articles[first:first + 12])
            return [len(calls), *(store.db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
                                for table in ("pair_rows", "stories", "story_of", "sources"))]


@pytest.mark.parametrize("schema_2", [False, True])
def test_rejudged_pairs_are_the_bytes_of_packing_them_whole(tmp_path, schema_2):
    replaced, whole = _tables(tmp_path, False, schema_2), _tables(tmp_path, True, schema_2)
    assert replaced == whole
    # pairs were re-judged in place (the test had teeth), or, from schema 2's bytes, none was
    assert (replaced[0] == 0) if schema_2 else (replaced[0] > 50)
