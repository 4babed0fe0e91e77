"""The batched event judgement gives what one-by-one comparison gives, on a synthetic corpus with
many same-beat pairs that share no text."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from storytrace.text.clean import mark_furniture
from storytrace.ingest import read_inputs
from storytrace.judge import compare_many, compare_prepared, needs_alignment
from storytrace.engine.pipeline import candidate_pairs
from storytrace.text.prepared import prepare
from storytrace.text.tfidf import corpus_tfidf

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def corpus():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synthetic
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    articles, _ = synthetic.make_corpus(120, 3)
    # two sentence-sized texts: judged by their vectors, so aligning them needs the encoder
    articles += [{"id": "short-1", "text": "The company said on Monday that profits rose 5% in March."},
                 {"id": "short-2", "text": "Profits rose 5% in March, the company said on Monday."}]
    ingested = sorted(read_inputs(articles).articles, key=lambda a: a.id)
    mark_furniture(ingested)
    prepared = prepare(ingested)
    tfidf = corpus_tfidf([p.doc for p in prepared])
    return prepared, tfidf, *candidate_pairs(prepared, tfidf.matrix)


def test_event_only_pairs_judged_as_one_by_one(corpus):
    prepared, tfidf, pairs, cosines, shares_text = corpus
    aligned = needs_alignment(prepared, prepared, pairs, cosines, shares_text)
    assert (~aligned).sum() > 50 and aligned.sum() > 5  # both paths are exercised
    batched = compare_many(prepared, prepared, pairs, cosines, shares_text, tfidf.weight)
    relations = set()
    for (i, j), cos, text, got in zip(pairs.tolist(), cosines.tolist(), shares_text.tolist(), batched):
        want = compare_prepared(prepared[i], prepared[j], cos, tfidf.weight, shares_text=text)
        assert (got is None) == (want is None)
        if want is None:
            continue
        relations.add(want.relation)
        assert (got.a, got.b, got.relation, got.source, got.derived) == (want.a, want.b, want.relation, want.source,
                                                                       want.derived)
        assert got.similarity == pytest.approx(want.similarity, abs=1e-5)
        assert [p.to_json() for p in got.passages] == [p.to_json() for p in want.passages]
        assert got.coverage_a == want.coverage_a and got.coverage_b == want.coverage_b
        assert got.evidence.keys() == want.evidence.keys()
        for key, value in want.evidence.items():
            assert got.evidence[key] == (pytest.approx(value, abs=1e-5) if isinstance(value, float) else value)
    assert "related" in relations and relations & {"duplicate", "version", "partial"}


def test_pairs_across_two_lists(corpus):
    """The dask engine compares pairs whose articles sit in two different partitions."""
    prepared, tfidf, pairs, cosines, shares_text = corpus
    half = len(prepared) // 2
    across = (pairs[:, 0] < half) & (pairs[:, 1] >= half)
    local = pairs[across] - np.array([0, half])
    split = compare_many(prepared[:half], prepared[half:], local, cosines[across], shares_text[across], tfidf.weight)
    whole = compare_many(prepared, prepared, pairs[across], cosines[across], shares_text[across], tfidf.weight)
    assert len(split) > 10
    assert [p and p.to_json() for p in split] == [p and p.to_json() for p in whole]


def test_worker_processes_give_the_same_pairs(corpus, monkeypatch):
    import storytrace.judge.batch as batch
    import storytrace.engine.processes as processes
    from storytrace.engine.processes import can_fork

    if not can_fork():
        pytest.skip("forked workers are used on Linux only")
    prepared, tfidf, pairs, cosines, shares_text = corpus
    monkeypatch.setattr(batch, "MIN_PAIRS", 1)  # the corpus is small: use the workers anyway ...
    monkeypatch.setattr(processes, "_CHUNK", 8)  # ... in many chunks, so both take some
    seen = []
    forked = compare_many(prepared, prepared, pairs, cosines, shares_text, tfidf.weight,
                          lambda stage, done, total: seen.append(done), processes=2)
    alone = compare_many(prepared, prepared, pairs, cosines, shares_text, tfidf.weight, processes=1)
    assert [p and p.to_json() for p in forked] == [p and p.to_json() for p in alone]
    assert seen[-1] == len(pairs) and seen == sorted(seen)
    # some pairs needed sentence vectors: the workers handed those back to this process
    context = (prepared, prepared, pairs, cosines, shares_text, tfidf.weight)
    handed_back = batch._compare_chunk(context, np.arange(len(pairs)), can_encode=False)
    assert batch.NEEDS_ENCODER in handed_back


def test_a_worker_that_dies_leaves_its_pairs_to_this_process(corpus, monkeypatch, capsys):
    import os

    import storytrace.judge.batch as batch
    import storytrace.engine.processes as processes

    if not processes.can_fork():
        pytest.skip("forked workers are used on Linux only")
    prepared, tfidf, pairs, cosines, shares_text = corpus
    monkeypatch.setattr(batch, "MIN_PAIRS", 1)
    monkeypatch.setattr(processes, "_CHUNK", 8)
    parent = os.getpid()
    real = batch._compare_chunk
    third = batch.chunked(np.flatnonzero(batch.needs_alignment(prepared, prepared, pairs, cosines,
                                                                shares_text)))[2]

    def dies_on_third_chunk(context, chunk, can_encode):
        if os.getpid() != parent and np.array_equal(chunk, third):
            os._exit(9)  # as the kernel's out-of-memory killer would end it
        return real(context, chunk, can_encode)

    monkeypatch.setattr(batch, "_compare_chunk", dies_on_third_chunk)
    survived = compare_many(prepared, prepared, pairs, cosines, shares_text, tfidf.weight, processes=2)
    alone = compare_many(prepared, prepared, pairs, cosines, shares_text, tfidf.weight, processes=1)
    assert [p and p.to_json() for p in survived] == [p and p.to_json() for p in alone]
    assert "worker process ended abruptly" in capsys.readouterr().err
