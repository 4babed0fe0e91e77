"""The relation table (README "Relations"), cell by cell and at its boundaries: every threshold is
"at least", and each rule reads the sides it names. Found by scripts/mutate.py: a loosened or
swapped comparison here survived the end-to-end tests."""

import pytest

from storytrace import thresholds as T
from storytrace.model import Coverage
from storytrace.judge.relate import event_relation, reuse_relation, reuse_similarity


def cov(verbatim: float, paraphrase: float = 0.0) -> Coverage:
    return Coverage(verbatim, paraphrase)


@pytest.mark.parametrize("a, b, same_event, expected", [
    (cov(T.DUPLICATE_VERBATIM), cov(T.DUPLICATE_VERBATIM), False, "duplicate"),     # at the threshold
    (cov(1.0), cov(T.DUPLICATE_VERBATIM - 0.01), False, "version"),                 # both sides must be copies
    (cov(T.DUPLICATE_VERBATIM - 0.01), cov(1.0), False, "version"),
    (cov(T.VERSION_VERBATIM), cov(0.2), False, "version"),                          # the more covered side
    (cov(0.2), cov(T.VERSION_VERBATIM), False, "version"),
    (cov(0.1, T.REWRITE_COVERAGE - 0.1), cov(0.05, 0.05), False, "rewrite"),        # verbatim + paraphrase
    (cov(0.05, 0.05), cov(0.1, T.REWRITE_COVERAGE - 0.1), False, "rewrite"),
    (cov(T.PARTIAL_COVERAGE), cov(0.05), False, "partial"),
    (cov(0.05), cov(T.PARTIAL_COVERAGE), False, "partial"),
    (cov(0.0, T.PARTIAL_PARAPHRASE_COVERAGE), cov(0.0, 0.1), False, "partial"),     # paraphrase only ...
    (cov(0.0, 0.1), cov(0.0, T.PARTIAL_PARAPHRASE_COVERAGE), False, "partial"),
    (cov(0.0, T.PARTIAL_PARAPHRASE_COVERAGE), cov(0.0, 0.1), True, None),           # ... not between same-event reports
    (cov(0.0, T.PARTIAL_PARAPHRASE_COVERAGE - 0.01), cov(0.0, 0.1), False, None),
    (cov(T.PARTIAL_COVERAGE - 0.01), cov(0.0), False, None),
    (cov(0.0), cov(0.0), False, None),
])
def test_reuse_relation_table(a, b, same_event, expected):
    assert reuse_relation(a, b, same_event) == expected


@pytest.mark.parametrize("similarity, days, expected", [
    (0.6, None, "same_event"),
    (0.6, T.MAX_SAME_EVENT_DAYS, "same_event"),          # at the limit, still close in time
    (0.6, T.MAX_SAME_EVENT_DAYS + 1, "related"),         # weeks apart: a follow-up, however alike
    (0.59999, 3, "related"),
    (0.3, 3, "related"),
    (0.29999, 3, None),
])
def test_event_relation_thresholds(similarity, days, expected):
    assert event_relation(similarity, same_event_threshold=0.6, related_threshold=0.3, days_apart=days) == expected


def test_reuse_similarity_ranks_copies_first():
    assert reuse_similarity(cov(1.0), cov(1.0)) == 1.0
    assert reuse_similarity(cov(0.5), cov(0.5)) > reuse_similarity(cov(0.0, 0.5), cov(0.0, 0.5)) >= 0.5
    assert reuse_similarity(cov(0.0), cov(0.0)) == 0.5  # the floor: reuse ranks above no reuse


def test_a_same_event_pair_never_scores_as_the_same_text():
    """The event model's clipped score reaches 1.0 for close reports of one event; only the same text
    scores 1.0, and a pair sharing no text ranks under every duplicate."""
    from storytrace.judge.relate import article_similarity
    least_duplicate = reuse_similarity(cov(T.DUPLICATE_VERBATIM), cov(T.DUPLICATE_VERBATIM))
    same_event = article_similarity("same_event", cov(0.0), cov(0.0), 1.0, 0.6)
    assert 0.6 < same_event < least_duplicate < 1.0
    assert article_similarity("same_event", cov(0.0), cov(0.0), 0.8, 0.6) == 0.8  # below the cap: as the model says
    assert article_similarity("duplicate", cov(1.0), cov(1.0), 1.0, 0.6) == 1.0
