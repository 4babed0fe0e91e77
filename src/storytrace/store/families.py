"""After a batch: the direction evidence that needs the family, the sources, the stories and the
claims of what the batch touched, recomputed with the batch engine's own functions over just
those articles and their stored pairs.

Exact for what it recomputes: a reuse family (articles joined by reuse pairs) holds every pair
that ``orient_by_credited_copies`` and ``attach_sources`` read for its members, and a story holds
every pair ``group_stories`` and ``find_claims`` read for it.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from ..claims import find_claims
from ..provenance.family import orient_by_credited_copies
from ..model import Pair
from ..provenance.sources import attach_sources
from ..judge.relate import REUSE_RELATIONS
from ..provenance.stories import group_stories
from ..text.dates import parse_date
from .records import direction_code, pack_claims
from .store import Store


@dataclass
class StoryChange:
    id: str
    articles: list[str]
    origin: str
    title: str | None
    merged: list[str]  # ids of the stories it replaces (empty for a new one)


def reuse_family(store: Store, ids: set[str]) -> tuple[set[str], list[Pair]]:
    """The articles joined to ``ids`` by reuse pairs, and those pairs (their own direction)."""
    family, frontier, pairs = set(ids), set(ids), {}
    while frontier:
        found = [p for p in store.pairs_of(sorted(frontier), own=True, related=False) if p.relation in REUSE_RELATIONS]
        frontier = set()
        for p in found:
            pairs[(p.a, p.b)] = p
            for x in (p.a, p.b):
                if x not in family:
                    family.add(x)
                    frontier.add(x)
    return family, [pairs[k] for k in sorted(pairs)]


def orient_and_source(store: Store, ids: set[str]) -> set[str]:
    """Direct the family's pairs with the family's evidence, store each member's sources; the ids
    of articles whose pairs changed direction."""
    family, pairs = reuse_family(store, ids)
    articles = store.articles_by_id(sorted(family))
    oriented = in_version_order(store, articles, orient_by_credited_copies(articles, pairs))
    stored = {(p.a, p.b): p for p in store.pairs_of(sorted(family), related=False) if p.relation in REUSE_RELATIONS}
    moved = set()
    number_of = store.numbers(sorted(family))
    for p in oriented:
        before = stored.get((p.a, p.b))
        if before is None or (before.source, before.derived) != (p.source, p.derived):
            store.db.execute("UPDATE pair_rows SET direction = ? WHERE a = ? AND b = ?",
                             (direction_code(p.a, p.b, p.source, p.derived), number_of[p.a], number_of[p.b]))
            moved.update((p.a, p.b))
    sources = attach_sources(articles, oriented)
    store.db.executemany("INSERT OR REPLACE INTO sources (article, sources) VALUES (?, ?)",
                         [(a.id, json.dumps(sources.get(a.id, []), ensure_ascii=False)) for a in articles])
    return moved


def in_version_order(store: Store, articles: list, pairs: list[Pair]) -> list[Pair]:
    """A later version of a stored id derives from the earlier one (an updated article replaces its
    text at the same address, and the store saw which came first), even when neither is dated or
    the update is the fuller text. Dates, when both are known and differ, still decide (direction.py)."""
    versions = store.versions(sorted({x for p in pairs for x in (p.a, p.b)}))
    dates = {a.id: parse_date(a.published) for a in articles}
    out = []
    for p in pairs:
        va, vb = versions.get(p.a), versions.get(p.b)
        dated = dates.get(p.a) is not None and dates.get(p.b) is not None and dates[p.a] != dates[p.b]
        if va and vb and va[0] == vb[0] and va[1] != vb[1] and not dated:
            older, newer = (p.a, p.b) if va[1] < vb[1] else (p.b, p.a)
            p = dataclasses.replace(p, source=older, derived=newer)
        out.append(p)
    return out


def restory(store: Store, ids: set[str], docs: dict | None = None) -> list[StoryChange]:
    """Regroup the stories holding ``ids`` (and the batch's new articles among them): merged where a
    new pair links them; origin, title and claims recomputed. ``docs``: articles segmented already,
    by id (the batch's, and the stored ones it compared), which the claims need not segment again."""
    members_of = store.story_members(sorted(ids))
    members = sorted(set().union(*map(set, members_of.values()))) if members_of else []
    old = {}
    for chunk in [members[i:i + 500] for i in range(0, len(members), 500)]:
        old.update(store.db.execute(f"SELECT article, story FROM story_of WHERE article IN ({','.join('?' * len(chunk))})",
                                    chunk))
    articles = store.articles_by_id(members)
    inside = set(members)
    pairs = [p for p in store.pairs_of(members, related=False) if p.a in inside and p.b in inside]
    stories = group_stories(articles, pairs)
    claims_by_story: dict[str, list[dict]] = {}
    for claim in find_claims(articles, pairs, stories, docs=docs):
        claims_by_story.setdefault(claim["story"], []).append(claim)
    previous = {}
    for no, listed in store.db.execute(f"SELECT no, articles FROM stories WHERE no IN "
                                        f"({','.join('?' * len(set(old.values())))})", sorted(set(old.values()))):
        previous[no] = json.loads(listed)
    store.db.execute(f"DELETE FROM stories WHERE no IN ({','.join('?' * len(previous))})", sorted(previous))
    changes = []
    for s in stories:
        cursor = store.db.execute("INSERT INTO stories (origin, title, articles, claims) VALUES (?, ?, ?, ?)",
                                  (s.origin, s.title, json.dumps(s.articles, ensure_ascii=False), pack_claims([])))
        no = cursor.lastrowid
        story_id = f"story-{no}"
        claims = [dict(c, story=story_id) for c in claims_by_story.get(s.id, [])]
        store.db.execute("UPDATE stories SET claims = ? WHERE no = ?", (pack_claims(claims), no))
        store.db.executemany("INSERT OR REPLACE INTO story_of (article, story) VALUES (?, ?)",
                             [(m, no) for m in s.articles])
        replaced = sorted({old[m] for m in s.articles if m in old})
        if len(replaced) != 1 or previous.get(replaced[0]) != s.articles:
            changes.append(StoryChange(story_id, s.articles, s.origin, s.title, [f"story-{n}" for n in replaced]))
    return changes
