"""The result of an analysis and its JSON form, the ``storytrace/1`` document (README, "Output")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..model import Article, Pair
from ..provenance.sources import attach_sources

SCHEMA = "storytrace/1"


def article_json(a: Article, sources: list[dict] | None = None) -> dict:
    """An article as the document gives it (its text apart), with its ``sources`` when given."""
    out = {"id": a.id, "title": a.title, "outlet": a.outlet, "published": a.published, "url": a.url,
           "byline": a.byline, "dateline": a.dateline, "language": a.language, "credits": a.credits,
           "furniture": [list(s) for s in a.furniture]}
    if sources is not None:
        out["sources"] = sources
    return out


class PairRecords(Sequence):
    """The pairs as the document gives them, each made when it is read: the CLI writes, sums up and
    reports a large result without every pair's dict held at once (they were the run's memory peak,
    ~7 KB an article at 20,000). Slices give lists; ``output.paths.write_json`` writes one record
    at a time."""

    def __init__(self, pairs: Sequence) -> None:
        self.pairs = pairs

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [p.to_json() for p in self.pairs[k]]
        return self.pairs[k].to_json()

    def __iter__(self):
        return (p.to_json() for p in self.pairs)


@dataclass
class Result:
    articles: list[Article]
    pairs: list[Pair]
    stories: list
    errors: list[str]
    stats: dict = field(default_factory=dict)  # what each stage did and how long it took
    claims: list[dict] = field(default_factory=list)  # quotes, figures and hedges compared (claims/)
    storylines: list = field(default_factory=list)  # stories of one developing topic (provenance/storylines.py)

    def to_json(self, lazy_pairs: bool = False) -> dict:
        """The ``storytrace/1`` document; with ``lazy_pairs`` its "pairs" a ``PairRecords``, not a list."""
        sources = attach_sources(self.articles, self.pairs)
        return {
            "schema": SCHEMA,
            "articles": [article_json(a, sources.get(a.id, [])) for a in self.articles],
            "pairs": PairRecords(self.pairs) if lazy_pairs else [p.to_json() for p in self.pairs],
            "stories": [s.to_json() for s in self.stories],
            "storylines": [s.to_json() for s in self.storylines],
            "claims": self.claims,
            "errors": self.errors,
            "stats": self.stats,
        }
