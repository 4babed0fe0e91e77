"""The steps every engine shares, in one place so the engines cannot drift apart: how a run
begins (a stable order, furniture marked) and how it ends (family directions, stories, storylines, claims,
and the stats block). An engine only decides where prepare, candidates and compare run
(``pipeline.analyze_articles`` in this process, ``distributed.analyze_articles`` on a cluster)."""

from __future__ import annotations

import time
from contextlib import contextmanager
from ..claims import find_claims
from .give_back import give_back
from ..text.clean import mark_furniture
from ..provenance.family import orient_by_credited_copies
from ..model import Article, Pair
from ..text.prepared import Progress
from ..output.result import Result
from ..provenance.stories import group_stories
from ..provenance.storylines import group_storylines

class StageClock:
    """Wall-clock seconds per stage, for the stats block of the result."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = round(self.seconds.get(stage, 0.0) + time.perf_counter() - started, 3)


def no_progress(stage: str, done: int, total: int) -> None:
    pass


def begin_run(articles: list[Article], clock: StageClock, progress: Progress,
              read_seconds: float | None = None) -> list[Article]:
    """The articles in a stable order (every later step is then independent of the order the inputs
    came in), their furniture marked. ``read_seconds``: how long reading the inputs took, when the
    caller read them, reported with the stage times."""
    if read_seconds is not None:
        clock.seconds["read"] = round(read_seconds, 3)
    articles = sorted(articles, key=lambda a: a.id)
    progress("clean", 0, 1)
    with clock("clean"):
        mark_furniture(articles)
    progress("clean", 1, 1)
    return articles


def finish_run(articles: list[Article], compared: list[Pair | None], errors: list[str] | None,
               clock: StageClock, progress: Progress, *, candidate_pairs: int, encoded_texts: int,
               stored_vectors_used: int, encoder: str | None, engine: dict, docs: dict | None = None) -> Result:
    """From the judged pairs (None where a candidate was not worth reporting) to the Result.
    ``docs``: the segmented articles by id when the engine holds them (else claims segment again),
    emptied once claims have read them."""
    with clock("compare"):  # the family rule directs pairs: part of judging them
        pairs = orient_by_credited_copies(articles, _share_ids([p for p in compared if p is not None], articles))
    progress("stories", 0, 1)
    with clock("stories"):
        stories = group_stories(articles, pairs)
    progress("stories", 1, 1)
    with clock("storylines"):
        storylines = group_storylines(articles, stories, pairs)
    if not stories:  # find_claims reports its start itself, from its first story
        progress("claims", 0, 0)
    with clock("claims"):
        # the run's end is its peak (the pairs, the claims, then the JSON document): what claims
        # read is let go of first, the vectors of the sentences compared (story by story, in
        # find_claims) and the segmented articles
        claims = find_claims(articles, pairs, stories, docs, forget_encoded=True, progress=progress)
        if docs:
            docs.clear()
        give_back()
    progress("claims", len(stories), len(stories))
    stats = {"articles": len(articles), "candidate_pairs": int(candidate_pairs), "reported_pairs": len(pairs),
             "encoded_texts": int(encoded_texts), "stored_vectors_used": int(stored_vectors_used),
             "encoder": encoder, "seconds": clock.seconds, "engine": engine}
    return Result(articles, pairs, stories, list(errors or []), stats, claims, storylines)


def _share_ids(pairs: list[Pair], articles: list[Article]) -> list[Pair]:
    """The pairs, naming their articles with the articles' own id strings (equal values): a pair
    judged in another process comes back with copies of them (two to four strings a pair, ~2.6
    reported pairs an article on the synthetic corpora, held to the end of the run)."""
    ids = {a.id: a.id for a in articles}
    for p in pairs:
        p.a, p.b = ids.get(p.a, p.a), ids.get(p.b, p.b)
        if p.source is not None:
            p.source = ids.get(p.source, p.source)
        if p.derived is not None:
            p.derived = ids.get(p.derived, p.derived)
    return pairs
