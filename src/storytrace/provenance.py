"""Each derived article's sources, best first.

The best source is the most specific version: the one that covers most of the derived
article (an uncredited rewrite of a wire story's fuller version points to that version, not
to an earlier, shorter one). Ties go to the closer relation (duplicate before rewrite).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .model import Article, Pair
from .relate import RELATION_RANK


def attach_sources(articles: list[Article], pairs: list[Pair]) -> dict[str, list[dict]]:
    by_id = {a.id: a for a in articles}
    sources: dict[str, list[dict]] = {}
    for p in pairs:
        if not p.source or not p.derived:
            continue
        coverage = p.coverage_a if p.derived == p.a else p.coverage_b
        derived = by_id.get(p.derived)
        source = by_id.get(p.source)
        credited = _credits(derived, source)
        sources.setdefault(p.derived, []).append(
            {"id": p.source, "relation": p.relation, "coverage": round(coverage.total, 4), "credited": credited}
        )
    for entries in sources.values():
        entries.sort(key=lambda e: (-e["coverage"], RELATION_RANK[e["relation"]], e["id"]))
    return sources


def _credits(derived: Article | None, source: Article | None) -> bool:
    """Does the derived article credit the source (its outlet or an agency both name)?"""
    if derived is None or source is None or not derived.credits:
        return False
    named = {c.lower() for c in derived.credits}
    if source.outlet and source.outlet.lower() in named:
        return True
    if _host(source.url) and _host(source.url) in {_host(c) or c for c in named}:
        return True  # a "Source link" credit names the host of the page it points to
    return bool(named & {c.lower() for c in source.credits})


def _host(url_or_host: str | None) -> str | None:
    """Lower-case host without "www.", from a URL or a bare host name."""
    if not url_or_host:
        return None
    text = url_or_host.strip().lower()
    host = urlsplit(text if "//" in text else "//" + text).hostname
    if not host or "." not in host or " " in host:
        return None
    return host[4:] if host.startswith("www.") else host
