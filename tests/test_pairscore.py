"""The learned sentence-pair scorer: model file, numpy heads, and behaviour on clear cases."""

import json
import random

import numpy as np
import pytest

from storytrace.judge.pairscore import (
    FEATURE_NAMES,
    MODEL_PATH,
    PairScorer,
    _lcs,
    features_batch,
    get_scorer,
    score_sentences,
    sentence_features,
)

PARA_A = "The company said profits rose 5% in the quarter."
PARA_B = "Profits at the company increased by 5% during the quarter, it said."
UNRELATED = "Heavy rain flooded several villages in the north of the country on Sunday."
FIFTY = "The company said profits rose 50% in the quarter."


def test_model_file_loads_and_is_small():
    assert MODEL_PATH.stat().st_size <= 5 * 1024 * 1024
    spec = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert tuple(spec["features"]) == FEATURE_NAMES
    scorer = PairScorer.load()
    assert 0.0 < scorer.paraphrase_threshold < 1.0
    assert get_scorer() is get_scorer()


def test_model_rejects_other_features():
    spec = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    spec["features"] = spec["features"][:-1]
    with pytest.raises(ValueError):
        PairScorer(spec)


def test_features_shape_and_symmetry():
    x = sentence_features(PARA_A, PARA_B, 0.8)
    assert x.shape == (len(FEATURE_NAMES),)
    assert np.allclose(x, sentence_features(PARA_B, PARA_A, 0.8))
    X = features_batch([(PARA_A, PARA_B), (PARA_A, UNRELATED)], np.array([0.8, 0.1]))
    assert X.shape == (2, len(FEATURE_NAMES))
    assert np.allclose(X[0], x)
    with pytest.raises(ValueError):
        features_batch([(PARA_A, PARA_B)], np.array([0.1, 0.2]))


def test_number_and_name_features():
    names = dict(zip(FEATURE_NAMES, sentence_features(PARA_A, FIFTY, 0.95)))
    assert names["num_unmatched"] == 2 and names["num_conflict"] == 1 and names["num_shared"] == 0
    same = dict(zip(FEATURE_NAMES, sentence_features(PARA_A, PARA_A, 1.0)))
    assert same["num_shared"] == 1 and same["num_unmatched"] == 0 and same["lcs_min"] == 1.0
    n = dict(zip(FEATURE_NAMES, sentence_features(
        "He said Smith met Jones in Paris.", "He said Smith met Brown in Paris.", 0.9)))
    assert n["name_shared"] == 2 and n["name_missing"] == 2


def test_lcs_matches_dynamic_programming():
    def dp(a, b):
        m = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
        for i in range(len(a)):
            for j in range(len(b)):
                m[i + 1][j + 1] = m[i][j] + 1 if a[i] == b[j] else max(m[i][j + 1], m[i + 1][j])
        return m[-1][-1]

    rng = random.Random(7)
    for _ in range(300):
        a = [rng.choice("abcde") for _ in range(rng.randint(0, 25))]
        b = [rng.choice("abcdef") for _ in range(rng.randint(0, 25))]
        assert _lcs(a, b) == dp(a, b)


def test_heads_in_range_on_random_features():
    scorer = get_scorer()
    rng = np.random.default_rng(0)
    X = scorer.mean + rng.normal(size=(200, len(FEATURE_NAMES))) * scorer.scale * 3
    p = scorer.paraphrase_probability(X)
    s = scorer.similarity(X)
    assert p.shape == s.shape == (200,)
    assert ((p >= 0) & (p <= 1)).all() and ((s >= 0) & (s <= 1)).all()
    # the heads read their features (a logistic cannot leave [0, 1], so the range alone proves nothing):
    # they spread over random inputs, and more vector cosine never lowers either score
    assert p.std() > 0.1 and s.std() > 0.05
    more_cosine = X.copy()
    more_cosine[:, FEATURE_NAMES.index("cosine")] += scorer.scale[FEATURE_NAMES.index("cosine")]
    assert (scorer.paraphrase_probability(more_cosine) >= p - 1e-9).all()
    assert (scorer.similarity(more_cosine) >= s - 1e-9).all()


@pytest.fixture(scope="module")
def scores():
    return {
        "para": score_sentences(PARA_A, PARA_B),
        "unrelated": score_sentences(PARA_A, UNRELATED),
        "fifty": score_sentences(PARA_A, FIFTY),
        "same": score_sentences(PARA_A, PARA_A),
    }


def test_clear_paraphrase_above_threshold(scores):
    threshold = get_scorer().paraphrase_threshold
    assert scores["para"][0] >= threshold
    assert scores["para"][0] > scores["unrelated"][0]
    assert scores["unrelated"][0] < threshold
    assert scores["para"][1] > scores["unrelated"][1]


def test_number_change_lowers_similarity(scores):
    assert scores["fifty"][1] < scores["same"][1]
    assert scores["fifty"][0] < scores["same"][0]


def test_identical_sentences(scores):
    assert scores["same"][1] >= 0.95
    headline = "Ukraine's president says Kyiv will not give up territory"
    assert score_sentences(headline, headline)[1] >= 0.95


def test_soft_word_alignment_features():
    names = FEATURE_NAMES
    same = dict(zip(names, sentence_features(PARA_A, PARA_A, 1.0)))
    assert same["soft_cover_min"] == pytest.approx(1.0) and same["soft_new_max"] == 0.0
    reworded = dict(zip(names, sentence_features("The minister resigned on Tuesday.",
                                                 "The minister quit on Tuesday.", 0.9)))
    unrelated = dict(zip(names, sentence_features("The minister resigned on Tuesday.",
                                                  "The minister painted on Tuesday.", 0.9)))
    # exact matches count 1; the one reworded word is closer to its counterpart than an unrelated word
    assert reworded["soft_unmatched_min"] > unrelated["soft_unmatched_min"]
    assert 0.0 < reworded["soft_cover_min"] <= 1.0


def test_word_evidence_columns_and_tables():
    from storytrace.judge.pairscore import N_ODDS, odds_columns, pair_stem_sets

    (un, sh), = pair_stem_sets([("Profits rose sharply.", "Profits fell sharply.")])
    assert "rose" in un and "fell" in un and "profit" in sh
    cols = odds_columns([(un, sh)], {"rose": -1.0, "fell": -0.5}, {"profit": 0.25})
    assert cols.shape == (1, N_ODDS)
    assert cols[0].tolist() == [-1.5, -1.0, 0.25, 0.25]
    unmatched, shared = get_scorer().word_odds
    assert unmatched and shared  # the shipped model carries its tables


def test_alignment_severity_and_sequence_features():
    names = FEATURE_NAMES
    same = dict(zip(names, sentence_features(PARA_A, PARA_A, 1.0)))
    assert same["soft_min_cos"] == pytest.approx(1.0) and same["soft_miss_mass"] == pytest.approx(0.0)
    assert same["prefix_ratio"] == 1.0 and same["content_lcs"] == 1.0 and same["content_edit"] == 0.0
    days = dict(zip(names, sentence_features("The minister resigned on Tuesday.",
                                             "The minister resigned on Friday.", 0.9)))
    assert days["date_mismatch"] == 1.0 and same["date_mismatch"] == 0.0
    assert days["prefix_ratio"] == 0.8 and days["soft_min_cos"] < 1.0


def test_the_word_vectors_kept_are_bounded_and_dropping_them_changes_no_feature(monkeypatch):
    """Every caller of the scorer (analyze as well as the store) keeps at most WORD_VECTOR_CACHE
    word vectors, the most recent; a word encoded again gives the same vector, so features do not
    depend on what was dropped."""
    from storytrace.judge import pairscore

    pairs = [(PARA_A, PARA_B), (PARA_A, UNRELATED), (FIFTY, UNRELATED)]
    cosines = [0.9, 0.1, 0.2]
    monkeypatch.setattr(pairscore, "_WORD_CACHE", (None, {}))
    unbounded = features_batch(pairs, cosines)
    words = len(pairscore._WORD_CACHE[1])
    assert words > 12
    monkeypatch.setattr(pairscore, "WORD_VECTOR_CACHE", 5)
    monkeypatch.setattr(pairscore, "_WORD_CACHE", (None, {}))
    bounded = features_batch(pairs, cosines)
    kept = pairscore._WORD_CACHE[1]
    assert len(kept) == 5
    assert np.array_equal(bounded, unbounded)
    assert np.array_equal(features_batch(pairs, cosines), unbounded)  # encoded again, the same
