"""The result of an analysis and its JSON form, the ``storytrace/1`` document (README, "Output")."""

from __future__ import annotations

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


@dataclass
class Result:
    articles: list[Article]
    pairs: list[Pair]
    stories: list
    errors: list[str]
    stats: dict = field(default_factory=dict)  # what each stage did and how long it took
    claims: list[dict] = field(default_factory=list)  # quotes, figures and hedges compared (claims/)
    storylines: list = field(default_factory=list)  # stories of one developing topic (provenance/storylines.py)

    def to_json(self) -> dict:
        sources = attach_sources(self.articles, self.pairs)
        return {
            "schema": SCHEMA,
            "articles": [article_json(a, sources.get(a.id, [])) for a in self.articles],
            "pairs": [p.to_json() for p in self.pairs],
            "stories": [s.to_json() for s in self.stories],
            "storylines": [s.to_json() for s in self.storylines],
            "claims": self.claims,
            "errors": self.errors,
            "stats": self.stats,
        }
