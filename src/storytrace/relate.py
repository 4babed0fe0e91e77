"""One relation per pair from its coverage and event evidence (definitions in ARCHITECTURE.md).

Reuse is decided first, from how much of each article the other covers verbatim and by
paraphrase; only a pair without substantial reuse is judged same_event or related, by the
calibrated event model. Direction (source, derived) comes from publication dates when both are
known, else from containment asymmetry (the derived article is the more covered one), else length.
"""

from __future__ import annotations

from . import thresholds as T
from .dates import parse_date
from .model import Coverage

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


def direction(relation: str, a: str, b: str, cov_a: Coverage, cov_b: Coverage,
              published_a: str | None, published_b: str | None, length_a: int, length_b: int) -> tuple[str | None, str | None]:
    """(source, derived) or (None, None) when the evidence does not say."""
    if relation not in REUSE_RELATIONS:
        return None, None
    da, db = parse_date(published_a), parse_date(published_b)
    if da and db and da != db:  # a text cannot derive from one published after it
        return (a, b) if da < db else (b, a)
    if relation in ("rewrite", "partial"):
        if cov_a.total - cov_b.total >= T.DIRECTION_MARGIN:
            return b, a
        if cov_b.total - cov_a.total >= T.DIRECTION_MARGIN:
            return a, b
        if length_a != length_b:
            return (a, b) if length_a > length_b else (b, a)
    return None, None


def reuse_similarity(cov_a: Coverage, cov_b: Coverage) -> float:
    """1.0 for the same text, decreasing as less is shared or shared only by paraphrase."""
    def weighted(c: Coverage) -> float:
        return min(1.0, c.verbatim + 0.85 * c.paraphrase)
    return 0.5 + 0.5 * (0.5 * weighted(cov_a) + 0.5 * weighted(cov_b))
