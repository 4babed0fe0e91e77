"""`storytrace export`: the store written as analyze writes its result, read back by the readers
of the batch output (JSON, JSONL parts, HTML report)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storytrace.cli import main
from storytrace.output.parts import read_parts
from storytrace.engine.pipeline import analyze

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "nato-kyiv"
HOSTILE_TITLE = "</script><script>alert(1)</script> & <b>bold</b>"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The example corpus added in two batches, exported three ways, and analyze's result."""
    tmp = tmp_path_factory.mktemp("export")
    files = sorted(EXAMPLE.glob("0*.txt"))
    db = tmp / "s.db"
    assert main(["add", *map(str, files[:2]), "--db", str(db), "-q"]) == 0
    assert main(["add", *map(str, files[2:]), "--db", str(db), "-q"]) == 0
    assert main(["export", "--db", str(db), "--json", str(tmp / "e.json")]) == 0
    assert main(["export", "--db", str(db), "--jsonl-parts", str(tmp / "parts")]) == 0
    assert main(["export", "--db", str(db), "--html", str(tmp / "e.html")]) == 0
    return tmp, analyze([str(EXAMPLE)], processes=1).to_json()


def _storylines_by_articles(doc):
    members = {s["id"]: s["articles"] for s in doc["stories"]}
    return [(sorted(a for story in line["stories"] for a in members[story]), line["title"])
            for line in doc["storylines"]]


def _without_story_ids(claims):
    return [{k: v for k, v in c.items() if k != "story"} for c in claims]


def test_export_is_what_analyze_writes(exported):
    tmp, batch = exported
    doc = json.loads((tmp / "e.json").read_text("utf-8"))
    assert doc["schema"] == "storytrace/1" and list(doc) == list(batch)
    assert doc["articles"] == batch["articles"]  # metadata, furniture and best sources, best first
    assert doc["pairs"] == batch["pairs"]  # relations, similarities, directions, passages, evidence
    assert [(s["articles"], s["origin"], s["title"]) for s in doc["stories"]] == \
           [(s["articles"], s["origin"], s["title"]) for s in batch["stories"]]
    assert _without_story_ids(doc["claims"]) == _without_story_ids(batch["claims"])
    assert _storylines_by_articles(doc) == _storylines_by_articles(batch)  # grouped from the stored stories
    story_ids = {s["id"] for s in doc["stories"]}
    assert {c["story"] for c in doc["claims"]} <= story_ids  # claims name the exported stories
    assert doc["stats"]["articles"] == 5 and doc["stats"]["batches"] == 2 and doc["errors"] == []


def test_export_jsonl_parts_read_back_as_the_json(exported):
    tmp, _ = exported
    assert read_parts(tmp / "parts") == json.loads((tmp / "e.json").read_text("utf-8"))


def test_stored_pairs_read_as_the_list_they_stand_for(exported, tmp_path):
    """The CLI's document reads its articles and pairs from the store as they are written: every way
    a writer reads a sequence gives the list's records, and parts of a few lines each cut it right."""
    from storytrace.output.parts import write_parts
    from storytrace.store import Store
    from storytrace.store.export import StoredRows, exported as exported_document

    tmp, _ = exported
    whole = json.loads((tmp / "e.json").read_text("utf-8"))
    listed = whole["pairs"]
    with Store(tmp / "s.db", create=False) as store, exported_document(store) as document:
        pairs = document["pairs"]
        assert isinstance(pairs, StoredRows) and len(pairs) == len(listed) == 10
        assert isinstance(document["articles"], StoredRows) and list(document["articles"]) == whole["articles"]
        assert list(pairs) == listed and pairs[2:7] == listed[2:7] and pairs[::3] == listed[::3]
        assert pairs[0] == listed[0] and pairs[-1] == listed[-1] and pairs[8:100] == listed[8:]
        with pytest.raises(IndexError):
            pairs[10]
        write_parts(document, tmp_path / "parts", lines_per_part=3)
    assert len(list((tmp_path / "parts").glob("pairs-*.jsonl"))) == 4
    assert read_parts(tmp_path / "parts") == whole


def test_export_html_renders_the_store(exported):
    from test_report_html import _Scripts

    tmp, _ = exported
    html = (tmp / "e.html").read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    page = _Scripts()
    page.feed(html)
    data, texts = (json.loads(body) for _, body in page.scripts[:2])
    assert len(data["articles"]) == 5 and len(data["pairs"]) == 10 and len(data["stories"]) == 2
    assert all(t and len(t) > 500 for t in texts)  # the stored texts, for the pairs side by side


def test_export_escapes_stored_text_and_refuses_what_is_not_a_store(tmp_path, capsys):
    db = tmp_path / "s.db"
    hostile = tmp_path / "h.jsonl"
    hostile.write_text(json.dumps({"id": "h", "title": HOSTILE_TITLE,
                                   "text": "A plain sentence about the harbour reopening on Monday. " * 5}) + "\n",
                       "utf-8")
    assert main(["add", str(hostile), "--db", str(db), "-q"]) == 0
    assert main(["export", "--db", str(db), "--html", str(tmp_path / "h.html"), "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["articles"][0]["title"] == HOSTILE_TITLE
    assert "<script>alert(1)" not in (tmp_path / "h.html").read_text("utf-8")
    assert main(["export", "--db", str(db)]) == 2
    assert "--json FILE, --jsonl-parts DIR or --html FILE" in capsys.readouterr().err
    assert main(["export", "--db", str(tmp_path / "absent.db"), "--json", "-"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "no storytrace store" in err
    assert not (tmp_path / "absent.db").exists()
