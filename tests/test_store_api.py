"""The store's Python API: storytrace.Store(path) with add, trace and export, used as a
long-running process would use it (caches bounded, another process's additions seen)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import storytrace
from storytrace.encode.embed import get_encoder
from storytrace.store import store as store_module

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "nato-kyiv"
FILES = sorted(EXAMPLE.glob("0*.txt"))


def test_store_from_the_package_root_adds_traces_and_exports(tmp_path):
    with storytrace.Store(tmp_path / "s.db") as store:
        report = store.add([FILES[0], FILES[1], FILES[3], FILES[4], tmp_path / "missing.txt"])
        assert len(report.added) == 4 and len(report.errors) == 1 and "missing.txt" in report.errors[0]
        traced = store.trace(FILES[2].read_text("utf-8"))  # a text: traced, not stored
        assert store.count() == 4
        best = traced["articles"][0]["sources"][0]
        assert best["id"] == FILES[0].stem and best["relation"] == "rewrite" and best["credited"] is False
        added = store.trace({"id": FILES[2].stem, "text": FILES[2].read_text("utf-8")}, add=True)
        assert store.count() == 5 and added["pairs"] == store.trace(id=FILES[2].stem)["pairs"]
        assert {p["relation"] for p in store.trace(id=FILES[3].stem)["pairs"]} == {"related"}
        document = store.export(json=tmp_path / "e.json", html=tmp_path / "e.html")
        assert json.loads((tmp_path / "e.json").read_text("utf-8")) == document
        assert len(document["articles"]) == 5 and (tmp_path / "e.html").stat().st_size > 10_000
        assert store.export() == document
        again = store.add([FILES[0]])
        assert again.added == [] and again.unchanged == [FILES[0].stem]
        with pytest.raises(KeyError, match="no such article"):
            store.trace(id="absent")
        with pytest.raises(ValueError):
            store.trace("text", id=FILES[0].stem)


def test_the_stage_functions_the_readme_names_are_in_storytrace_store(tmp_path):
    """README, "The store from Python": add_articles, trace_article, trace_stored and
    export_result, from storytrace.store, are what the Store's methods wrap."""
    from storytrace.ingest import read_inputs
    from storytrace.store import add_articles, export_result, trace_article, trace_stored

    articles = read_inputs([str(f) for f in FILES]).articles
    with storytrace.Store(tmp_path / "s.db") as store:
        add_articles(store, [a for a in articles if a.id != FILES[2].stem], processes=1)
        traced = trace_article(store, next(a for a in articles if a.id == FILES[2].stem))
        assert traced["articles"][0]["sources"][0]["id"] == FILES[0].stem
        assert trace_stored(store, FILES[0].stem)["articles"][0]["id"] == FILES[0].stem
        assert trace_stored(store, "absent") is None
        assert export_result(store) == store.export()


def test_a_long_running_store_keeps_its_caches_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "PREPARED_CACHE", 2)
    monkeypatch.setattr(store_module, "ENCODER_CACHE", 10)
    with storytrace.Store(tmp_path / "s.db") as store:
        for f in FILES:  # one batch at a time, each compared with the stored ones
            store.add([f])
            assert len(store._prepared) <= 2 and len(store._sketches) <= 2
            assert len(get_encoder()._cache) <= 10
        store.trace(FILES[2].read_text("utf-8"))
        assert len(store._prepared) <= 2 and len(get_encoder()._cache) <= 10


def test_a_long_running_store_sees_what_another_process_added(tmp_path):
    """The lead vectors are held in memory once read; when another connection (process) adds,
    the next trace or batch reads them again, so the newcomers are candidates."""
    with storytrace.Store(tmp_path / "s.db") as service, storytrace.Store(tmp_path / "s.db") as writer:
        writer.add(FILES[:2])
        service.trace(FILES[2].read_text("utf-8"))
        assert len(service.storage.vectors()[0]) == 2
        writer.add(FILES[2:])
        traced = service.trace(id=FILES[2].stem)
        assert len(service.storage.vectors()[0]) == 5
        assert {p["a"] for p in traced["pairs"]} | {p["b"] for p in traced["pairs"]} >= {FILES[0].stem, FILES[4].stem}


def test_an_empty_or_unreadable_article_to_trace_is_a_clear_error_and_stores_nothing(tmp_path, capsys):
    """A dict without a usable text stopped Store.trace with an IndexError, and an empty text was
    traced (and with --add stored) as an article; now each is one clear error, nothing stored."""
    from storytrace.cli import main

    db = tmp_path / "s.db"
    with storytrace.Store(db) as store:
        store.add([FILES[0]])
        for value, message in (("", "empty text"), ({"id": "e", "text": " \n"}, "empty text"),
                               ({"id": "e"}, 'no "text"'), ({"id": "e", "text": 7}, 'no "text"')):
            for add in (False, True):
                with pytest.raises(ValueError, match=message):
                    store.trace(value, add=add)
        assert store.count() == 1
    capsys.readouterr()
    for extra in ([], ["--add"]):
        assert main(["trace", "--text", "  ", "--db", str(db), *extra]) == 2
        assert capsys.readouterr().err == "storytrace: --text: empty text, nothing to trace\n"
    with storytrace.Store(db) as store:
        assert store.count() == 1
