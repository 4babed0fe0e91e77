"""The dask engine gives the local engine's result: the same pairs, relations, passages, stories (storylines) and
errors, whatever the partitioning. One LocalCluster of two worker processes serves the tests; each
engine run computes its own vectors (no shared cache, none from disk), so the comparisons also
check that a text's vector does not depend on the texts encoded with it.
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

import pytest

from storytrace.cli import main
from storytrace.encode import embed
from storytrace.engine import distributed
from storytrace.ingest import read_inputs
from storytrace.output.parts import read_parts, write_parts
from storytrace.engine.pipeline import analyze_articles

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "nato-kyiv"
FLOAT_TOLERANCE = 1e-3  # results are rounded to 4 places; rounding can tip the last one


@pytest.fixture(scope="module")
def client():
    # each engine run gets an encoder of its own, and no vectors stored on disk by an earlier run:
    # both engines compute every vector (worker processes inherit the environment)
    previous, stored = embed._ENCODER, os.environ.get("STORYTRACE_VECTOR_CACHE")
    os.environ["STORYTRACE_VECTOR_CACHE"] = "off"
    try:
        with distributed.dask_client(workers=2) as c:
            yield c
    finally:
        embed._ENCODER = previous
        if stored is None:
            os.environ.pop("STORYTRACE_VECTOR_CACHE", None)
        else:
            os.environ["STORYTRACE_VECTOR_CACHE"] = stored


def _both(client, inputs, partition_size=None, encoder=None) -> tuple[dict, dict]:
    """The local engine's result and the dask engine's, each with a fresh encoder when one is named."""
    if encoder:
        embed._ENCODER = embed.Encoder(encoder)
    ingested = read_inputs(inputs)
    local = analyze_articles(ingested.articles, ingested.errors).to_json()
    if encoder:
        embed._ENCODER = embed.Encoder(encoder)
    spread = distributed.read_partitioned(client, inputs, workers=2)
    dask = distributed.analyze_articles(client, spread.articles, spread.errors,
                                        partition_size=partition_size).to_json()
    return local, dask


def _assert_same(local, dask, path="result"):
    """Equal JSON, floats to FLOAT_TOLERANCE; stats (timings) left out."""
    if path == "result":
        local, dask = dict(local), dict(dask)
        local_stats, dask_stats = local.pop("stats"), dask.pop("stats")
        # one stats block for both engines (run.finish_run): the same fields, stages and counts
        assert local_stats.keys() == dask_stats.keys(), path
        assert local_stats["seconds"].keys() == dask_stats["seconds"].keys(), path
        for key in ("articles", "candidate_pairs", "reported_pairs"):
            assert local_stats[key] == dask_stats[key], key
    if isinstance(local, float) or isinstance(dask, float):
        assert math.isclose(local, dask, abs_tol=FLOAT_TOLERANCE), path
    elif isinstance(local, dict):
        assert isinstance(dask, dict) and local.keys() == dask.keys(), path
        for k in local:
            _assert_same(local[k], dask[k], f"{path}.{k}")
    elif isinstance(local, list):
        assert isinstance(dask, list) and len(local) == len(dask), path
        for i, (x, y) in enumerate(zip(local, dask)):
            _assert_same(x, y, f"{path}[{i}]")
    else:
        assert local == dask, path


def _relations(result: dict) -> tuple:
    return ([(p["a"], p["b"], p["relation"], p["source"], p["derived"]) for p in result["pairs"]],
            [s["articles"] for s in result["stories"]], [s["origin"] for s in result["stories"]])


def test_example_corpus_same_as_local(client):
    local, dask = _both(client, [CORPUS], encoder="auto")
    assert {p["relation"] for p in local["pairs"]} >= {"version", "rewrite", "same_event"}
    # claims too (compared field by field below): quotes of every grade the corpus has, and a hedge
    assert {(c["kind"], c["grade"]) for c in local["claims"]} >= {("quote", "same"), ("quote", "variant"),
                                                                   ("quote", "altered"), ("hedge", "dropped")}
    # storylines too: every story in one of them
    assert sorted(s for line in local["storylines"] for s in line["stories"]) == [s["id"] for s in local["stories"]]
    _assert_same(local, dask)


def test_example_corpus_relations_and_stories_whatever_the_partitioning(client):
    local, dask = _both(client, [CORPUS], partition_size=2, encoder="auto")
    assert _relations(local) == _relations(dask)
    _assert_same(local, dask)


def test_synthetic_corpus_same_as_local_whatever_the_partitioning(client, tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synthetic
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    articles, planted = synthetic.make_corpus_detailed(48, 5)
    synthetic.write_jsonl(articles[:20], tmp_path / "a.jsonl")
    synthetic.write_jsonl(articles[20:], tmp_path / "b.jsonl")
    local, dask = _both(client, [tmp_path], partition_size=7, encoder="auto")  # 7 partitions
    reuse = {(p["a"], p["b"]) for p in local["pairs"] if p["relation"] in ("duplicate", "version", "partial")}
    assert planted and set(planted) <= reuse
    _assert_same(local, dask)
    again = distributed.analyze_articles(client, read_inputs([tmp_path]).articles, partition_size=30).to_json()
    _assert_same(local, {**again, "errors": local["errors"]})


def test_bad_input_reported_as_by_the_local_engine(client, tmp_path):
    (tmp_path / "good.txt").write_text("A harbour reopened on Monday after the storm, officials said.\n", "utf-8")
    (tmp_path / "empty.txt").write_text("", "utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\xff\xfe\x00garbage")
    (tmp_path / "feed.jsonl").write_text('{"id": "ok", "text": "A note."}\nnot json\n{"id": "x"}\n'
                                         '{"id": "ok", "text": "Again."}\n', "utf-8")
    inputs = [tmp_path, tmp_path / "good.txt", tmp_path / "missing.txt"]
    local, dask = read_inputs(inputs), distributed.read_partitioned(client, inputs, workers=2)
    assert dask.errors == local.errors and len(local.errors) >= 6
    assert [(a.id, a.text, a.origin) for a in dask.articles] == [(a.id, a.text, a.origin) for a in local.articles]
    # an id repeated across files is numbered over all files, as the local engine does
    (tmp_path / "more.jsonl").write_text('{"id": "ok", "text": "Third."}\n', "utf-8")
    local, dask = read_inputs([tmp_path]), distributed.read_partitioned(client, [tmp_path], workers=2)
    assert dask.errors == local.errors and [a.id for a in dask.articles] == [a.id for a in local.articles]


def test_cli_on_a_running_scheduler_and_jsonl_parts(client, tmp_path, capsys):
    out = tmp_path / "result.json"
    status = main(["analyze", str(CORPUS), str(tmp_path / "missing"), "--engine", "dask",
                   "--scheduler", client.scheduler.address, "--json", str(out), "--quiet",
                   "--jsonl-parts", str(tmp_path / "parts")])
    assert status == 0
    assert "missing: no such file or folder" in " ".join(capsys.readouterr().err.split())
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["stats"]["engine"]["name"] == "dask" and result["stats"]["articles"] == 5
    assert set(result["stats"]["seconds"]) >= {"read", "clean", "prepare", "candidates", "compare", "stories"}
    assert read_parts(tmp_path / "parts") == result
    write_parts(result, tmp_path / "small", lines_per_part=3)  # 10 pairs: four files
    assert len(list((tmp_path / "small").glob("pairs-*.jsonl"))) == 4
    assert read_parts(tmp_path / "small") == result
    assert main(["analyze", str(tmp_path / "missing"), "--engine", "dask", "--scheduler",
                 client.scheduler.address, "--quiet"]) == 1


def test_cli_scheduler_needs_the_dask_engine(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["analyze", str(CORPUS), "--scheduler", "tcp://127.0.0.1:8786"])
    assert exit_.value.code == 2
