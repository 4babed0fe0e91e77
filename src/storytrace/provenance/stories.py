"""Group articles into stories (one event each) from the relations found.

Articles joined by reuse (duplicate, version, rewrite) or reported as the same event share a
story; a partial copy joins only when the event evidence agrees, since reused background
paragraphs do not make two events one. Connected components over sorted ids, so the stories
are the same whatever order the articles came in.

A link between two sentence-sized texts that are not the same text is weak evidence: one shared
frame ("... denied reports that the strike would continue" / "... that the factory would close")
would chain thousands of templated items of different events into one story. Such a link joins
two groups (of the strong links) only when the groups' neighbourhoods agree (_coherent_merges).
"""

from __future__ import annotations

from .. import thresholds as T
from .family import root_key, roots
from ..model import Article, Pair, Story

LINKING = {"duplicate", "version", "rewrite", "same_event"}


def _links(pair: Pair) -> bool:
    return pair.relation in LINKING or (pair.relation == "partial" and bool(pair.evidence.get("same_event")))


def _is_weak(pair: Pair) -> bool:
    """Judged as two sentence-sized texts (the pair scorer's verdict is in the evidence), not a copy."""
    return "paraphrase_probability" in pair.evidence and pair.relation != "duplicate"


def _components(ids: list[str], pairs: list[Pair]) -> list[list[str]]:
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    weak = []
    for p in pairs:
        if _links(p):
            if _is_weak(p):
                weak.append(p)
            else:
                union(p.a, p.b)
    if weak:
        for a, b in _coherent_merges(ids, weak, find):
            union(a, b)
    groups: dict[str, list[str]] = {}
    for i in sorted(ids):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def _coherent_merges(ids: list[str], weak: list[Pair], find) -> list[tuple[str, str]]:
    """The weak links that join groups: over the groups the strong links made, a weak link between
    two groups counts when their neighbourhoods (each group with the groups it is weakly linked to)
    overlap by at least T.STORY_WEAK_LINK_COHERENCE (Jaccard; the structural similarity of SCAN
    clustering). Groups of one event link to each other and share their neighbours; a stray link
    between two events' groups shares almost none. A lone pair of short texts (each the other's
    only neighbour) still joins. Independent of order."""
    edges = {tuple(sorted((find(p.a), find(p.b)))) for p in weak}
    edges = {(a, b) for a, b in edges if a != b}
    around: dict[str, set[str]] = {}
    for a, b in edges:
        around.setdefault(a, {a}).add(b)
        around.setdefault(b, {b}).add(a)
    kept = []
    for a, b in sorted(edges):
        shared = len(around[a] & around[b]) / len(around[a] | around[b])
        if shared >= T.STORY_WEAK_LINK_COHERENCE:
            kept.append((a, b))
    return kept


def _origin(members: list[str], by_id: dict[str, Article], pairs: list[Pair]) -> str:
    """The story's root: nothing in the story derives it; the most copied, then earliest, then smallest
    id (family.root_key). ``pairs`` are the story's own pairs."""
    return min(roots(members, pairs), key=root_key(by_id, pairs))


def _title(article: Article) -> str | None:
    if article.title:
        return article.title
    for line in article.text.splitlines():
        line = line.strip()
        if line and not any(s <= article.text.find(line) < e for s, e in article.furniture):
            return line[:200]
    return None


def group_stories(articles: list[Article], pairs: list[Pair]) -> list[Story]:
    by_id = {a.id: a for a in articles}
    components = _components(list(by_id), pairs)
    story_of = {m: n for n, members in enumerate(components) for m in members}
    pairs_of: dict[int, list[Pair]] = {}
    for p in pairs:
        if story_of[p.a] == story_of[p.b]:
            pairs_of.setdefault(story_of[p.a], []).append(p)
    stories = []
    for n, members in enumerate(components):
        origin = _origin(members, by_id, pairs_of.get(n, []))
        stories.append(Story(f"story-{n + 1}", members, origin, _title(by_id[origin])))
    return stories
