"""One relation per pair from its coverage and event evidence (definitions in ARCHITECTURE.md).

Reuse is decided first, from how much of each article the other covers verbatim and by
paraphrase; only a pair without substantial reuse is judged same_event or related, by the
calibrated event model. Direction (source, derived) comes from containment asymmetry (the
derived article is the more covered one), then publication dates, then length.
"""

from __future__ import annotations

from datetime import datetime

from . import thresholds as T
from .model import Coverage

REUSE_RELATIONS = ("duplicate", "version", "rewrite", "partial")
RELATION_RANK = {"duplicate": 0, "version": 1, "rewrite": 2, "partial": 3, "same_event": 4, "related": 5}


def reuse_relation(cov_a: Coverage, cov_b: Coverage) -> str | None:
    if cov_a.verbatim >= T.DUPLICATE_VERBATIM and cov_b.verbatim >= T.DUPLICATE_VERBATIM:
        return "duplicate"
    most_verbatim = max(cov_a.verbatim, cov_b.verbatim)
    if most_verbatim >= T.VERSION_VERBATIM:
        return "version"
    if max(cov_a.total, cov_b.total) >= T.REWRITE_COVERAGE:
        return "rewrite"
    if most_verbatim >= T.PARTIAL_COVERAGE or max(cov_a.total, cov_b.total) >= T.PARTIAL_PARAPHRASE_COVERAGE:
        return "partial"
    return None


def event_relation(similarity: float, same_event_threshold: float, related_threshold: float) -> str | None:
    if similarity >= same_event_threshold:
        return "same_event"
    if similarity >= related_threshold:
        return "related"
    return None


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None


def direction(relation: str, a: str, b: str, cov_a: Coverage, cov_b: Coverage,
              published_a: str | None, published_b: str | None, length_a: int, length_b: int) -> tuple[str | None, str | None]:
    """(source, derived) or (None, None) when the evidence does not say."""
    if relation not in REUSE_RELATIONS:
        return None, None
    da, db = _parse(published_a), _parse(published_b)
    if relation in ("rewrite", "partial"):
        if cov_a.total - cov_b.total >= T.DIRECTION_MARGIN:
            return b, a
        if cov_b.total - cov_a.total >= T.DIRECTION_MARGIN:
            return a, b
    if da and db and da != db:
        return (a, b) if da < db else (b, a)
    if relation in ("rewrite", "partial") and length_a != length_b:
        return (a, b) if length_a > length_b else (b, a)
    return None, None


def reuse_similarity(cov_a: Coverage, cov_b: Coverage) -> float:
    """1.0 for the same text, decreasing as less is shared or shared only by paraphrase."""
    def weighted(c: Coverage) -> float:
        return min(1.0, c.verbatim + 0.85 * c.paraphrase)
    return 0.5 + 0.5 * (0.5 * weighted(cov_a) + 0.5 * weighted(cov_b))
