"""The reuse family: which article derives from which, and which article is its root.

Directed reuse pairs (source -> derived) form a graph; a root is an article nothing derives it
from. Among several roots (two identical undated copies give an undirected pair, so both are
roots) the most copied is preferred, then the earliest, then the smallest id: the same choice
everywhere (the story's origin, the order of two equivalent sources).

One direction rule needs the family rather than the pair (``orient_by_credited_copies``): an
article that a copy of it credits is an original.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Callable

from .credit import credit_names, publisher_names
from ..text.dates import parse_date
from .direction import decided_by_record
from ..model import Article, Pair
from ..judge.relate import REUSE_RELATIONS


def direct_sources(pairs: list[Pair]) -> dict[str, set[str]]:
    """derived id -> the ids it derives from directly."""
    parents: dict[str, set[str]] = {}
    for p in pairs:
        if p.source and p.derived:
            parents.setdefault(p.derived, set()).add(p.source)
    return parents


def undirected_reuse(pairs: list[Pair]) -> dict[str, set[str]]:
    """id -> its partners in reuse pairs the evidence could not direct (identical texts, undated,
    uncredited)."""
    twins: dict[str, set[str]] = {}
    for p in pairs:
        if p.relation in REUSE_RELATIONS and not p.source:
            twins.setdefault(p.a, set()).add(p.b)
            twins.setdefault(p.b, set()).add(p.a)
    return twins


def ancestry(parents: dict[str, set[str]]) -> Callable[[str], set[str]]:
    """A function giving every article an article derives from, directly or through others
    (memoised; a cycle of conflicting evidence is walked once)."""
    memo: dict[str, set[str]] = {}

    def ancestors(node: str) -> set[str]:
        if node in memo:
            return memo[node]
        seen: set[str] = set()
        stack = list(parents.get(node, ()))
        while stack:
            up = stack.pop()
            if up in seen or up == node:
                continue
            seen.add(up)
            stack.extend(parents.get(up, ()))
        memo[node] = seen
        return seen

    return ancestors


def root_key(by_id: dict[str, Article], pairs: list[Pair]) -> Callable[[str], tuple]:
    """Sort key preferring the most copied article, then the earliest, then the smallest id."""
    sourced: dict[str, int] = {}
    for p in pairs:
        if p.source:
            sourced[p.source] = sourced.get(p.source, 0) + 1

    def key(m: str) -> tuple:
        date = parse_date(by_id[m].published) if m in by_id else None
        return (-sourced.get(m, 0), date is None, date or datetime.min, m)

    return key


def roots(members: list[str], pairs: list[Pair]) -> list[str]:
    """The members nothing among ``pairs`` derives from (all of them if every one is derived)."""
    derived = {p.derived for p in pairs if p.derived}
    return [m for m in members if m not in derived] or members


def orient_by_credited_copies(articles: list[Article], pairs: list[Pair]) -> list[Pair]:
    """The pairs, with one more piece of evidence that needs the family, not only the pair: an
    article whose publisher a copy of it credits (a "Source link" to it, its agency's credit line)
    is an original. Where one side of a reuse pair is so credited and the other not, and neither
    dates nor the pair's own credits decided (direction.decided_by_record), the credited side is
    the source: an undated excerpt of it is not made its source by containment."""
    if not any(a.credits for a in articles):
        return pairs
    by_id = {a.id: a for a in articles}
    neighbours: dict[str, set[str]] = {}
    for p in pairs:
        if p.relation in REUSE_RELATIONS:
            neighbours.setdefault(p.a, set()).add(p.b)
            neighbours.setdefault(p.b, set()).add(p.a)
    names = {x: (credit_names(by_id[x]), publisher_names(by_id[x])) for x in neighbours}  # (credits, publisher)

    def credits(c: str, x: str) -> bool:
        return bool(names[c][0] & names[x][1])

    credited = {x for x, near in neighbours.items() if any(credits(c, x) and not credits(x, c) for c in near)}
    if not credited:
        return pairs
    out = []
    for p in pairs:
        a_credited, b_credited = p.a in credited, p.b in credited
        if (p.relation in REUSE_RELATIONS and a_credited != b_credited
                and not decided_by_record(by_id[p.a], by_id[p.b])):
            source, derived = (p.a, p.b) if a_credited else (p.b, p.a)
            p = replace(p, source=source, derived=derived)
        out.append(p)
    return out
