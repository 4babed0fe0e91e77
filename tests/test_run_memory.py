"""What a batch run lets go of (issue 13's memory): the encoder's copies of the leads once the
prepared articles hold them, without touching vectors cached before the run."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from storytrace import thresholds as T
from storytrace.encode import embed
from storytrace.engine.pipeline import analyze
from storytrace.engine.run import StageClock, begin_run, no_progress
from storytrace.ingest import read_inputs
from storytrace.text.prepared import lead_text
from storytrace.text.segment import segment

ROOT = Path(__file__).resolve().parents[1]


def test_forget_since_drops_only_the_newer_vectors():
    encoder = embed.Encoder("auto")
    for k in range(5):
        encoder._cache[bytes([k])] = np.full(embed.DIMENSIONS, k, dtype=np.float32)
    mark = encoder.cached
    for k in range(5, 9):
        encoder._cache[bytes([k])] = np.full(embed.DIMENSIONS, k, dtype=np.float32)
    encoder.forget_since(mark)
    assert list(encoder._cache) == [bytes([k]) for k in range(5)]
    encoder.forget_since(99)  # nothing newer: nothing dropped
    assert encoder.cached == 5


def test_a_run_keeps_no_lead_vector_but_what_was_cached_before():
    encoder = embed.get_encoder()
    articles = begin_run(read_inputs([ROOT / "examples" / "nato-kyiv"]).articles, StageClock(), no_progress)
    leads = {embed._key(lead_text(segment(a)), T.LEAD_WORD_PIECES) for a in articles}
    earlier = encoder.encode(["A sentence cached before the run, kept after it."], T.LEAD_WORD_PIECES)
    for key in leads:  # earlier tests in this process may have encoded the example's leads outside a run
        encoder._cache.pop(key, None)
    before = set(encoder._cache)
    assert leads - before
    result = analyze([ROOT / "examples" / "nato-kyiv"], processes=1)
    assert result.pairs  # the run read its leads
    assert not (leads - before) & set(encoder._cache)  # this run's leads let go of
    assert before <= set(encoder._cache)  # vectors cached before the run kept
    assert np.array_equal(encoder.encode(["A sentence cached before the run, kept after it."],
                                         T.LEAD_WORD_PIECES), earlier)


def test_pairs_name_articles_by_their_own_id_strings(monkeypatch):
    """Pairs judged in worker processes come back with copies of the ids: the run shares the
    articles' strings instead (equal values; one string an id to the end of the run)."""
    from storytrace.judge import batch

    monkeypatch.setattr(batch, "MIN_PAIRS", 0)  # workers even for the example's few pairs
    result = analyze([ROOT / "examples" / "nato-kyiv"], processes=2)
    by_id = {a.id: a for a in result.articles}
    assert result.pairs
    for p in result.pairs:
        assert p.a is by_id[p.a].id and p.b is by_id[p.b].id
        assert p.source is None or p.source is by_id[p.source].id


def test_claims_documents_let_go_of_after_claims():
    from storytrace.engine.run import finish_run

    articles = begin_run(read_inputs([ROOT / "examples" / "nato-kyiv"]).articles, StageClock(), no_progress)
    docs = {a.id: segment(a) for a in articles}
    result = finish_run(articles, [], None, StageClock(), no_progress, candidate_pairs=0, encoded_texts=0,
                        stored_vectors_used=0, encoder=None, engine={"name": "local"}, docs=docs)
    assert docs == {} and result.claims == []


def test_claims_let_go_of_each_storys_sentence_vectors_and_give_the_same_claims():
    """find_claims(forget_encoded=True), as a batch run calls it: the same claims as keeping every
    vector, and once it returns the encoder holds none of the sentence vectors it had to make."""
    from storytrace.claims import find_claims

    result = analyze([ROOT / "examples" / "nato-kyiv"], processes=1)
    encoder = embed.get_encoder()
    kept = find_claims(result.articles, result.pairs, result.stories)  # vectors cached as they are made
    assert kept and kept == result.claims
    encoder._cache.clear()
    asked = []
    real_encode = encoder.encode
    encoder.encode = lambda texts, *rest: asked.append(len(texts)) or real_encode(texts, *rest)
    try:
        claims = find_claims(result.articles, result.pairs, result.stories, forget_encoded=True)
    finally:
        del encoder.encode
    assert claims == kept
    assert sum(asked) > 0 and encoder.cached == 0


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def test_give_back_returns_freed_heap_pages():
    """Arrays freed between arrays still held leave holes in the C heap that glibc keeps resident;
    ``give_back`` returns them (Linux with glibc; elsewhere a no-op)."""
    import pytest

    from storytrace.engine import give_back

    if give_back._MALLOC_TRIM is None or not Path("/proc/self/status").exists():
        pytest.skip("no glibc malloc_trim here")
    arrays = [np.ones(2048 // 8) for _ in range(60_000)]  # ~120 MB in 2 KB buffers (below mmap's threshold)
    kept = arrays[::10]
    del arrays
    before = _rss_mb()
    give_back.give_back()
    assert before - _rss_mb() > 50
    assert len(kept) == 6000
