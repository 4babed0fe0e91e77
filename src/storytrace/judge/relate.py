"""One relation per pair from its coverage and event evidence (definitions in ARCHITECTURE.md).

Reuse is decided first, from how much of each article the other covers verbatim and by
paraphrase; only a pair without substantial reuse is judged same_event or related, by the
calibrated event model. Which article is the source is provenance/direction.py's job.
"""

from __future__ import annotations

from .. import thresholds as T
from ..model import Coverage

REUSE_RELATIONS = ("duplicate", "version", "rewrite", "partial")
RELATION_RANK = {"duplicate": 0, "version": 1, "rewrite": 2, "partial": 3, "same_event": 4, "related": 5}


def reuse_relation(cov_a: Coverage, cov_b: Coverage, same_event: bool) -> str | None:
    """Reuse decided from coverage. Partial reuse by paraphrase alone is not claimed between two
    reports of the same event: independent reports state the same facts in similar sentences."""
    if cov_a.verbatim >= T.DUPLICATE_VERBATIM and cov_b.verbatim >= T.DUPLICATE_VERBATIM:
        return "duplicate"
    most_verbatim = max(cov_a.verbatim, cov_b.verbatim)
    if most_verbatim >= T.VERSION_VERBATIM:
        return "version"
    if max(cov_a.total, cov_b.total) >= T.REWRITE_COVERAGE:
        return "rewrite"
    if most_verbatim >= T.PARTIAL_COVERAGE:
        return "partial"
    if not same_event and max(cov_a.total, cov_b.total) >= T.PARTIAL_PARAPHRASE_COVERAGE:
        return "partial"
    return None


def event_relation(similarity: float, same_event_threshold: float, related_threshold: float,
                   days_apart: float | None = None) -> str | None:
    """same_event needs the calibrated similarity and, when both dates are known, closeness in time:
    reports weeks apart are of a follow-up or another happening, however alike."""
    close_in_time = days_apart is None or days_apart <= T.MAX_SAME_EVENT_DAYS
    if similarity >= same_event_threshold and close_in_time:
        return "same_event"
    if similarity >= related_threshold:
        return "related"
    return None


def reuse_similarity(cov_a: Coverage, cov_b: Coverage) -> float:
    """1.0 for the same text, decreasing as less is shared or shared only by paraphrase."""
    def weighted(c: Coverage) -> float:
        return min(1.0, c.verbatim + 0.85 * c.paraphrase)
    return 0.5 + 0.5 * (0.5 * weighted(cov_a) + 0.5 * weighted(cov_b))


def related_similarity(similarity: float, same_event_threshold: float) -> float:
    """A related pair ranks below every same-event pair: reports weeks apart, or word salad, may be
    as alike as one event's reports by the event model yet are `related`; they score just under it."""
    return min(similarity, same_event_threshold - RELATED_BELOW)


RELATED_BELOW = 1e-4  # how far under the same-event threshold a related pair is capped
# The least similarity of a duplicate (reuse_similarity with each side DUPLICATE_VERBATIM covered):
# a pair that shares no substantial text ranks under every duplicate, and never reaches 1.0, the
# same text's (the event model's clipped score reaches 1.0 for close reports of one event).
SAME_EVENT_BELOW = 0.5 + 0.5 * T.DUPLICATE_VERBATIM - RELATED_BELOW


def event_similarity_of(relation: str, similarity: float, same_event_threshold: float) -> float:
    """The graded similarity of a pair judged by the event model alone (same_event or related)."""
    if relation == "related":
        return related_similarity(similarity, same_event_threshold)
    return min(similarity, SAME_EVENT_BELOW)


def article_similarity(relation: str, cov_a: Coverage, cov_b: Coverage, event_similarity: float,
                       same_event_threshold: float) -> float:
    """The graded similarity of two articles, agreeing with their relation: a related pair below
    every same-event pair; reuse never below what its event evidence alone would give it as a
    related pair, nor a same-event one below the same-event threshold; 1.0 stays the same text's, and
    a same-event pair stays under every duplicate.
    One function for the judge and for the store's re-judging, so both give one figure."""
    if relation not in REUSE_RELATIONS:
        return event_similarity_of(relation, event_similarity, same_event_threshold)
    return max(reuse_similarity(cov_a, cov_b), min(event_similarity, same_event_threshold))

