"""Group stories into storylines: the stories of one developing topic (a tender announced, then the
bidders named, then a joint bid; a ban, then the first reactions).

A story is one event; a storyline joins stories whose articles report the same actors and subject
within a window of days. The evidence is the event model's similarity (judge/event.py: lead and TF-IDF
cosines, shared uncommon names and numbers) of the article pairs the candidate stage already
compared: two stories are linked when some pair of their articles has a similarity of at least
``T.STORYLINE_MIN_EVENT_SIMILARITY`` (at the "related" threshold: any pair reported related or
closer) with lead vectors (title and first words: what the article is about) at a cosine of at
least ``T.STORYLINE_MIN_LEAD_COSINE`` -- shared names alone (the same port director running a
marathon and awarding a bridge contract) are the same actors, not the same subject -- and the
stories are at most ``T.STORYLINE_MAX_DAYS`` apart. A story's dates are its dated articles' (one
dated copy dates the story: an undated rewrite of a dated report is as old as the report). A story
with no dated article has no time evidence: it is linked to other undated stories on the content
alone (an undated corpus gets topic-level storylines), but not to a dated story, since nothing shows
it within the window (``T.STORYLINE_UNDATED_JOINS_DATED``: the same ministers on the same subject
ten months earlier read the same).
Storylines are the connected components of those links (a developing topic moves on: the bidders'
story links to the tender's, the joint bid's to the bidders'). Only compared pairs are read, so the
work is linear in the reported pairs, never in all pairs of stories.

Pairs of sentence-sized texts carry no event evidence (they are judged as wholes by the paraphrase
judge) and link no storylines: such an item's storyline is its story's.

Ids are ``storyline-N``, numbered in the order of their first story (stories are numbered by their
smallest article id), so the same corpus gives the same ids whatever order its articles came in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .. import thresholds as T
from ..text.dates import parse_date
from ..model import Article, Pair, Story


@dataclass
class Storyline:
    id: str
    stories: list[str]
    title: str | None

    def to_json(self) -> dict:
        return {"id": self.id, "stories": self.stories, "title": self.title}


def story_spans(articles: list[Article], stories: list[Story]) -> list[tuple[datetime, datetime] | None]:
    """Each story's first and last publication time among its dated articles; None if none is dated."""
    dates = {a.id: parse_date(a.published) for a in articles}
    spans = []
    for s in stories:
        known = [dates[a] for a in s.articles if dates.get(a) is not None]
        spans.append((min(known), max(known)) if known else None)
    return spans


def days_between(a: tuple[datetime, datetime] | None, b: tuple[datetime, datetime] | None) -> float | None:
    """Days from the end of the earlier span to the start of the later (0 when they overlap)."""
    if a is None or b is None:
        return None
    gap = max(a[0], b[0]) - min(a[1], b[1])
    return max(0.0, gap.total_seconds() / 86400.0)


def story_links(articles: list[Article], stories: list[Story], pairs: list[Pair]) -> dict[tuple[int, int], float]:
    """(story index, story index) -> the strongest event similarity among their articles' pairs of one
    subject (lead cosine), for stories within the window of days; pairs without event evidence
    (sentence-sized texts) add none."""
    story_of = {a: n for n, s in enumerate(stories) for a in s.articles}
    spans = story_spans(articles, stories)
    best: dict[tuple[int, int], float] = {}
    for p in pairs:
        sa, sb = story_of.get(p.a), story_of.get(p.b)
        value = p.evidence.get("event_similarity")
        if sa is None or sb is None or sa == sb or value is None:
            continue
        if p.evidence.get("lead_cosine", 0.0) < T.STORYLINE_MIN_LEAD_COSINE:
            continue
        if (spans[sa] is None) != (spans[sb] is None) and not T.STORYLINE_UNDATED_JOINS_DATED:
            continue  # one dated, one not: nothing shows the undated story within the window
        days = days_between(spans[sa], spans[sb])
        if days is not None and days > T.STORYLINE_MAX_DAYS:
            continue
        key = (min(sa, sb), max(sa, sb))
        if value > best.get(key, -1.0):
            best[key] = value
    return best


def group_storylines(articles: list[Article], stories: list[Story], pairs: list[Pair]) -> list[Storyline]:
    """Every story in exactly one storyline (see the module's docstring)."""
    parent = list(range(len(stories)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (a, b), value in sorted(story_links(articles, stories, pairs).items()):
        if value >= T.STORYLINE_MIN_EVENT_SIMILARITY:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)  # the root is the smallest index: ids follow story order
    members: dict[int, list[int]] = {}
    for n in range(len(stories)):
        members.setdefault(find(n), []).append(n)
    out = []
    for k, (_, group) in enumerate(sorted(members.items())):
        # titled by its largest story (what the storyline is mostly about), the first one on a tie
        main = min(group, key=lambda n: (-len(stories[n].articles), n))
        out.append(Storyline(f"storyline-{k + 1}", [stories[n].id for n in group], stories[main].title))
    return out
