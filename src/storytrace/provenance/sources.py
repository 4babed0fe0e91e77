"""Each derived article's sources, best first.

The best source is the most specific version: the one that covers most of the derived article
(an uncredited rewrite of a wire story's fuller version points to that version, not to an
earlier, shorter one). Ties go to the closer relation (duplicate before rewrite).

The original before a sibling: a source that itself derives from another source of the same
article (a sibling: another copy of the original), or is an undirected twin of a preferred one,
is listed after that source whenever that source covers as much of the article (within
SOURCE_COVER_TOLERANCE): the sibling then adds nothing the original did not give. It stays in
the list (after), as it does share the text.
"""

from __future__ import annotations

from .. import thresholds as T
from .credit import credited
from .family import ancestry, direct_sources, root_key, undirected_reuse
from ..model import Article, Pair
from ..judge.relate import RELATION_RANK


def attach_sources(articles: list[Article], pairs: list[Pair]) -> dict[str, list[dict]]:
    by_id = {a.id: a for a in articles}
    sources: dict[str, list[dict]] = {}
    for p in pairs:
        if not p.source or not p.derived:
            continue
        coverage = p.coverage_a if p.derived == p.a else p.coverage_b
        sources.setdefault(p.derived, []).append(
            {"id": p.source, "relation": p.relation, "coverage": round(coverage.total, 4),
             "credited": credited(by_id.get(p.derived), by_id.get(p.source))})
    ancestors = ancestry(direct_sources(pairs))
    twins = undirected_reuse(pairs)
    key = root_key(by_id, pairs)
    for derived, entries in sources.items():
        entries.sort(key=lambda e: (-e["coverage"], RELATION_RANK[e["relation"]], e["id"]))
        if len(entries) > 1:
            sources[derived] = originals_first(entries, ancestors, twins, key)
    return sources


def originals_first(entries: list[dict], ancestors, twins: dict[str, set[str]], key) -> list[dict]:
    """``entries`` (best first by coverage) with every source that an earlier one in the family
    covers for moved after the sources that are not so covered, the order otherwise kept."""
    coverage = {e["id"]: e["coverage"] for e in entries}

    def covered_for(e: dict) -> bool:
        """Does another source precede this one: an ancestor of it, or a preferred undirected twin,
        covering as much of the derived article?"""
        mine = e["id"]
        enough = coverage[mine] - T.SOURCE_COVER_TOLERANCE
        for other in ancestors(mine):
            if coverage.get(other, -1.0) >= enough and mine not in ancestors(other):
                return True
        return any(coverage.get(other, -1.0) >= enough and key(other) < key(mine) for other in twins.get(mine, ()))

    later = {e["id"] for e in entries if covered_for(e)}
    if len(later) == len(entries):  # every one covered for: conflicting evidence, keep the coverage order
        return entries
    return [e for e in entries if e["id"] not in later] + [e for e in entries if e["id"] in later]
