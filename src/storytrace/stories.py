"""Group articles into stories (one event each) from the relations found.

Articles joined by reuse (duplicate, version, rewrite) or reported as the same event share a
story; a partial copy joins only when the event evidence agrees, since reused background
paragraphs do not make two events one. Connected components over sorted ids, so the stories
are the same whatever order the articles came in.
"""

from __future__ import annotations

from .family import root_key, roots
from .model import Article, Pair, Story

LINKING = {"duplicate", "version", "rewrite", "same_event"}


def _links(pair: Pair) -> bool:
    return pair.relation in LINKING or (pair.relation == "partial" and bool(pair.evidence.get("same_event")))


def _components(ids: list[str], pairs: list[Pair]) -> list[list[str]]:
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        if _links(p):
            ra, rb = find(p.a), find(p.b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for i in sorted(ids):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


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
