"""What a Store keeps between traces and batches (stats.WordCache: rarities, document
frequencies, weights, stored bags of words) gives exactly what weighing from scratch gives, is
dropped when the store grows, and stays bounded; the helpers the trace path uses instead of slower
equivalents give the same numbers."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import storytrace
from storytrace import thresholds as T
from storytrace.store import stats
from storytrace.text.vocab import WORDS, weights_of, word_ids

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def articles():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synthetic
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    made, _ = synthetic.make_corpus(40, 5)
    return made


def _fresh_weights(store, documents, plus=frozenset()):
    """Weights of the store as it is, with nothing kept from earlier calls."""
    return stats.Weights(store.db, documents, plus)


def _bags(store):
    numbers = [n for n, in store.db.execute("SELECT no FROM articles ORDER BY no")]
    return store.bag_rows(numbers)


def test_kept_weights_and_rows_equal_fresh_ones_and_follow_the_store_as_it_grows(tmp_path, articles):
    with storytrace.Store(tmp_path / "s.db") as store:
        store.add(articles[:25])
        assert store.count() >= T.MIN_DOCUMENTS_FOR_CORPUS_IDF  # the corpus IDF caps the weights
        plus = {"harbour", "ministry", "zzyzx"}
        for round_ in range(3):  # later rounds answer from what earlier ones kept
            count = store.count()
            kept = store.weights(count + 1, count, plus)
            fresh = _fresh_weights(store, count + 1, plus)
            for bag in _bags(store).values():
                assert kept.row(bag)[0].tolist() == fresh.row(bag)[0].tolist()
                assert kept.row(bag)[1].tolist() == fresh.row(bag)[1].tolist()
            assert kept.weight == fresh.weight
            if round_ == 1:
                before = dict(kept.weight)
                store.add(articles[25:])  # more articles: other document frequencies
        # the test means something: weights did move as the store grew
        assert any(kept.weight[w] != before[w] for w in before)


def test_traces_in_a_long_running_store_equal_traces_in_a_new_one(tmp_path, articles):
    path = tmp_path / "s.db"
    queries = [articles[30], articles[33]]
    with storytrace.Store(path) as service:
        service.add(articles[:20])
        service.trace(queries[0])  # fills the caches with the store of 20
        service.add(articles[20:30])  # the store grows: the kept counts are stale
        warm = [service.trace(q) for q in queries]
    with storytrace.Store(path) as fresh:
        cold = [fresh.trace(q) for q in queries]
    assert warm == cold
    assert any(r["pairs"] for r in warm)


def test_a_rolled_back_batch_leaves_nothing_kept(tmp_path, articles):
    with storytrace.Store(tmp_path / "s.db") as store:
        store.add(articles[:22])
        count = store.count()
        store.weights(count, count).of_words({"harbour"})
        assert store.words.articles == count
        with pytest.raises(RuntimeError):
            with store.transaction():
                store.words.at(count + 5)
                store.words.weights_in(count + 5)["harbour"] = 123.0
                raise RuntimeError("the batch fails")
        assert store.words.articles is None and not store.words.df and not store.words.bags


def test_the_word_cache_is_bounded(tmp_path, articles, monkeypatch):
    monkeypatch.setattr(stats, "WORD_CACHE", 50)
    monkeypatch.setattr(stats, "BAG_CACHE", 3)
    with storytrace.Store(tmp_path / "s.db") as store:
        store.add(articles[:24])
        store.trace(articles[30])
        store.add(articles[24:28])
        store.trace(articles[31])
        kept = store.words
        assert len(kept.bags) <= 3
        count = store.count()
        store.weights(count, count)  # each call starts by trimming what grew past the bound
        assert all(len(d) <= 50 for d in (kept.rarity, kept.df, *kept.weights.values()))


def test_cosine_sums_the_shared_words_in_id_order_as_intersect1d_does():
    rng = np.random.default_rng(7)
    for _ in range(2000):
        n, m = rng.integers(0, 60, 2)
        u = (np.sort(rng.choice(120, n, replace=False)), rng.random(n))
        v = (np.sort(rng.choice(120, m, replace=False)), rng.random(m))
        _, in_u, in_v = np.intersect1d(u[0], v[0], assume_unique=True, return_indices=True)
        assert stats.cosine(u, v) == float(u[1][in_u] @ v[1][in_v])


def test_weights_of_a_new_dictionary_looks_up_what_is_asked_with_the_default_for_the_rest():
    ids = word_ids(["storytrace-alpha", "storytrace-beta", "storytrace-gamma"])
    first = {"storytrace-alpha": 2.5, "storytrace-beta": 0.75}
    assert weights_of(ids, first).tolist() == [2.5, 0.75, 1.0]
    assert weights_of(ids[:1], first).tolist() == [2.5]
    second = {"storytrace-gamma": 4.0}  # another dictionary: nothing of the first kept
    assert weights_of(ids, second, default=0.5).tolist() == [0.5, 0.5, 4.0]
    more = word_ids(["storytrace-delta"])  # the vocabulary grew since
    assert weights_of(np.r_[more, ids], second, default=0.5).tolist() == [0.5, 0.5, 0.5, 4.0]
    assert WORDS[int(more[0])] == "storytrace-delta"


def _counting_segments(monkeypatch):
    from collections import Counter

    from storytrace.store import profiles

    segmented = Counter()
    real = profiles.segment

    def counting(article):
        segmented[article.id] += 1
        return real(article)

    monkeypatch.setattr(profiles, "segment", counting)  # where a stored article is segmented, when read
    return segmented


def test_a_batch_segments_each_stored_candidate_once_however_small_the_cache(tmp_path, articles, monkeypatch):
    from storytrace.store import store as store_module

    with storytrace.Store(tmp_path / "s.db") as store:
        store.add(articles[:20])
        monkeypatch.setattr(store_module, "PREPARED_CACHE", 1)
        segmented = _counting_segments(monkeypatch)
        report = store.add(articles[20:32])
        assert report.pairs and segmented  # stored candidates were compared
        assert max(segmented.values()) == 1


def test_stored_candidates_judged_by_the_event_model_alone_are_not_segmented(tmp_path, articles, monkeypatch):
    """They are read from their profiles (store/profiles.py); the pairs are those of a store that
    segments every candidate (the equivalence tests)."""
    with storytrace.Store(tmp_path / "s.db") as store:
        store.add(articles[:20])
        stored = {a["id"] for a in articles[:20]}
        segmented = _counting_segments(monkeypatch)
        report = store.add(articles[20:32])
        partners = {x for p in report.pairs for x in (p.a, p.b)} & stored
        event_only = {x for p in report.pairs for x in (p.a, p.b)
                      if p.relation == "related" and not p.passages} & stored
        assert event_only - set(segmented)  # compared, never segmented
        assert set(segmented) & stored <= partners  # nothing segmented that was not compared


def test_trace_prepares_and_queries_the_index_as_prepare_and_query_do(tmp_path, articles):
    """trace encodes the traced article's lead on a thread while it reads the text and term indexes
    and then what those found (trace._prepare_and_query's ``meanwhile``): the same Prepared,
    Features and candidates as prepare, features_of and CandidateIndex.query one after the other."""
    from storytrace.index import features_of
    from storytrace.ingest import read_inputs
    from storytrace.store.trace import _prepare_and_query
    from storytrace.text.prepared import prepare
    from storytrace.text.segment import segment

    with storytrace.Store(tmp_path / "s.db") as store:
        store.add(articles[:30])
        found = 0
        for article in read_inputs(articles[30:]).articles:
            before_lead = []
            p, f, candidates = _prepare_and_query(store, segment(article),
                                                  lambda text, named: before_lead.append((text, named)))
            [q] = prepare([article])
            [g] = features_of([q])
            assert p.lead.tobytes() == q.lead.tobytes() and p.terms == q.terms
            assert p.hashes.tobytes() == q.hashes.tobytes()
            for name in ("sampled", "sketch", "lead"):
                assert getattr(f, name).tobytes() == getattr(g, name).tobytes()
            assert f.shingles == g.shingles and f.terms == g.terms
            expected = store.index.query(g)
            assert (candidates.text, candidates.meaning) == (expected.text, expected.meaning)
            [(text, named)] = before_lead  # the lead's nearest add to the names' candidates only
            assert sorted(text) == expected.text and named - text <= set(expected.meaning)
            found += len(expected.text) + len(expected.meaning)
        assert found  # the queries found stored articles, by text or by meaning
