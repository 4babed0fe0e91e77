"""The data the page renders from: the result as the JSON contract gives it, plus what the page
needs and the contract lacks (article texts, each claim's word diff)."""

from __future__ import annotations

from typing import Mapping

from .worddiff import word_diff


def page_data(result: dict, texts: Mapping[str, str]) -> tuple[dict, list[str | None]]:
    """(data, texts): ``data`` holds the result's articles, pairs, stories, storylines, claims (each with a
    ``diff`` of its two wordings), errors and stats; ``texts`` the article texts in the order of
    ``data["articles"]``, kept apart so the page parses them only when a pair is opened."""
    claims = []
    for claim in result.get("claims") or []:
        items = claim.get("items") or []
        if len(items) == 2:
            claim = {**claim, "diff": word_diff(items[0].get("text") or "", items[1].get("text") or "")}
        claims.append(claim)
    articles = list(result.get("articles") or [])  # a store's export reads them as they are asked for
    data = {
        "schema": result.get("schema"),
        "articles": articles,
        "pairs": list(result.get("pairs") or []),
        "stories": result.get("stories") or [],
        "storylines": result.get("storylines") or [],
        "claims": claims,
        "errors": result.get("errors") or [],
        "stats": {k: v for k, v in (result.get("stats") or {}).items() if k in ("articles", "reported_pairs")},
    }
    return data, [texts.get(a["id"]) for a in articles]
