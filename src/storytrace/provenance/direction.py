"""Which article of a reuse pair is the source: the evidence a desk editor would use, strongest first.

1. Publication times, when both are known and differ at the precision both state: a day-only
   date against another on the same day (with or without a time) says nothing.
2. Credits: an article crediting the other's publisher (its outlet, its site, the agency it is)
   derives from it; else an agency's own story is the source of an outlet's copy.
3. Containment: an excerpt (all but a few of its words covered by the other) derives from the
   fuller text.
4. Additions: of two copies of one text (a duplicate), the one adding page furniture ("Source
   link", captions) or a credit line derives from the one without. Not for rewrites: an uncredited
   rewrite drops the credit its source carries.
5. Context: the shared passages fit the rest of their source (written with it) better than the
   new text they were set into (the derived article's own words are about something else, or
   the same subject in other names): the side whose own words are closer to the shared passages
   (weighted word cosine) is the source. For partial reuse; for versions and rewrites only when
   both sides keep words of their own, with a wider margin.
6. Coverage asymmetry (the more covered side derives), then length (the longer is the fuller).

(None, None) only when all of these are symmetric: two identical texts, undated, uncredited.
"""

from __future__ import annotations

from datetime import datetime

from .. import thresholds as T
from .credit import credits_publisher, is_agency
from ..text.dates import parse_date
from ..judge.passages import covered_tokens
from ..model import Article, Coverage, Doc, Passage
from ..judge.relate import REUSE_RELATIONS
from ..text.tfidf import masked_cosine

Direction = tuple[str | None, str | None]  # (source, derived)


def direction(relation: str, a: Article, b: Article, cov_a: Coverage, cov_b: Coverage,
              words_a: int, words_b: int, fit: tuple[float, float] | None = None) -> Direction:
    """(source, derived) of a reuse pair, or (None, None) when the evidence does not say. ``fit``:
    how close each side's own words are to the passages both share (``context_fit``)."""
    if relation not in REUSE_RELATIONS:
        return None, None
    for rule in (_by_dates(a.published, b.published), _by_credits(a, b),
                 _by_containment(cov_a, cov_b, words_a, words_b),
                 _by_additions(a, b) if relation == "duplicate" else 0,
                 _by_context(relation, fit, cov_a, cov_b),
                 _by_asymmetry(cov_a, cov_b, words_a, words_b)):
        if rule:  # +1: a is the source; -1: b is
            return (a.id, b.id) if rule > 0 else (b.id, a.id)
    return None, None


def decided_by_record(a: Article, b: Article) -> bool:
    """Do the two articles' own records (dates, credits) direct the pair, whatever the texts say?"""
    return bool(_by_dates(a.published, b.published) or _by_credits(a, b))


def _by_dates(published_a: str | None, published_b: str | None) -> int:
    da, db = parse_date(published_a), parse_date(published_b)
    if not da or not db:
        return 0
    if not (_has_time(published_a) and _has_time(published_b)):
        # compare the days as written: a day-only date cannot be ordered within its day
        da, db = _day(published_a, da), _day(published_b, db)
    return (da < db) - (da > db)


def _has_time(value: str) -> bool:
    return "T" in value.strip() or " " in value.strip()


def _day(value: str, parsed: datetime) -> datetime:
    """The calendar day the value states (before conversion to UTC: what a reader of it sees)."""
    local = parse_date(value.strip()[:10])
    return local or parsed.replace(hour=0, minute=0, second=0, microsecond=0)


def _by_credits(a: Article, b: Article) -> int:
    a_credits_b, b_credits_a = credits_publisher(a, b), credits_publisher(b, a)
    if a_credits_b != b_credits_a:
        return b_credits_a - a_credits_b
    # an agency's own story is what outlets copy, never a copy of an outlet's article
    return is_agency(a) - is_agency(b)


def _uncovered(cov: Coverage, words: int) -> float:
    return (1.0 - cov.total) * words


def _contained(cov: Coverage, words: int) -> bool:
    return cov.total >= 1.0 - T.EXCERPT_UNCOVERED or _uncovered(cov, words) < 1


def _by_containment(cov_a: Coverage, cov_b: Coverage, words_a: int, words_b: int) -> int:
    """An excerpt derives from the fuller text: one side all but covered, the other with words of its own."""
    a_in_b, b_in_a = _contained(cov_a, words_a), _contained(cov_b, words_b)
    if a_in_b and not b_in_a and _uncovered(cov_b, words_b) >= T.FULLER_EXTRA_WORDS:
        return -1
    if b_in_a and not a_in_b and _uncovered(cov_a, words_a) >= T.FULLER_EXTRA_WORDS:
        return 1
    return 0


def _by_additions(a: Article, b: Article) -> int:
    """The copy that adds furniture or a credit line to the text derives from the bare one."""
    fa, fb = bool(a.furniture), bool(b.furniture)
    if fa != fb:
        return 1 if fb else -1
    ca, cb = set(a.credits), set(b.credits)
    if ca != cb and (ca < cb or cb < ca):
        return 1 if ca < cb else -1
    return 0


def context_fit(doc_a: Doc, doc_b: Doc, passages: list[Passage], weight: dict[str, float]) -> tuple[float, float]:
    """Per side, the weighted word cosine of the shared passages with the side's own (unshared) words."""
    shared_a = covered_tokens(doc_a, [p.a for p in passages])
    shared_b = covered_tokens(doc_b, [p.b for p in passages])
    return (masked_cosine(doc_a, shared_a, doc_a, ~shared_a, weight),
            masked_cosine(doc_b, shared_b, doc_b, ~shared_b, weight))


def _by_context(relation: str, fit: tuple[float, float] | None, cov_a: Coverage, cov_b: Coverage) -> int:
    """Partial reuse: the side whose own words fit the shared passages is the source. An edited
    version or rewrite has less own text to judge by: it needs both sides to keep some (a pure
    excerpt has none) and a wider margin."""
    if fit is None or relation == "duplicate":
        return 0
    margin = T.CONTEXT_FIT_MARGIN
    if relation != "partial":
        if min(1 - cov_a.total, 1 - cov_b.total) < T.CONTEXT_MIN_OWN:
            return 0
        margin = T.CONTEXT_FIT_MARGIN_EDITED
    if abs(fit[0] - fit[1]) < margin:
        return 0
    return 1 if fit[0] > fit[1] else -1


def _by_asymmetry(cov_a: Coverage, cov_b: Coverage, words_a: int, words_b: int) -> int:
    if cov_a.total - cov_b.total >= T.DIRECTION_MARGIN:
        return -1
    if cov_b.total - cov_a.total >= T.DIRECTION_MARGIN:
        return 1
    return (words_a > words_b) - (words_a < words_b)
