"""``storytrace trace``: one article against the store, nothing stored. Its relations to stored
articles, its sources best first (credited or not), the story it would join and the claims
against its sources, as a ``storytrace/1`` document: the traced article first, then those it
relates to; its pairs; its story; its claims.

It is judged as ``add`` would judge it (the same index queries, weights counting it, the same
stages), so tracing and then adding an article give it the same pairs.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..claims import find_claims
from ..encode.embed import DIMENSIONS
from ..provenance.family import orient_by_credited_copies
from ..index import features_of
from ..model import Article, Story
from ..output.result import SCHEMA, article_json
from ..text.fingerprint import key_terms
from ..text.prepared import Prepared, submit_leads
from ..text.segment import segment
from ..provenance.sources import attach_sources
from ..provenance.stories import LINKING, group_stories
from . import stats
from .judging import Segmented, compare_members, meaning_kept
from .families import reuse_family
from .furniture import mark_batch
from .records import text_hash
from .store import Store
from .word_vectors import StoredWordVectors
from ..judge.word_vectors import kept_in
from ..engine.threads import with_single_threaded_blas


@with_single_threaded_blas
def trace_article(store: Store, article: Article) -> dict:
    store.db.execute("BEGIN")  # one snapshot of the store for the whole trace (WAL: writers go on)
    try:
        store.storage.refresh()  # another process may have added since the vectors were read
        with kept_in(StoredWordVectors(store.db, writable=False)):
            return _trace(store, article)
    finally:
        store.db.execute("ROLLBACK")


def trace_stored(store: Store, article_id: str) -> dict | None:
    """``trace --id``: a stored article (its newest version, Store.newest_id) against the others;
    None when the store has no such article."""
    found = store.newest_id(article_id)
    if found is None:
        return None
    [article] = store.articles_by_id([found])
    return trace_article(store, article)


def trace_and_add(store: Store, article: Article, processes: int | None = None):
    """``trace --add``: add the article (a batch of one; nothing when already stored with this
    text), then trace it as stored, so the result names the stories as the store now holds them.
    Returns (trace result, AddReport)."""
    from .add import add_articles

    report = add_articles(store, [article], processes=processes)
    stored = report.added[0] if report.added else store.id_of_text(article.id, article.text)
    [stored_article] = store.articles_by_id([stored])
    return trace_article(store, stored_article), report


def _trace(store: Store, article: Article) -> dict:
    article = dataclasses.replace(article, furniture=[], credits=list(article.credits))
    itself = store.numbers([article.id]).get(article.id)
    if itself is not None:
        stored_hash = store.db.execute("SELECT text_hash FROM articles WHERE no = ?", (itself,)).fetchone()[0]
        if bytes(stored_hash) != text_hash(article.text):  # another text under a stored id: keep the two apart
            article, itself = dataclasses.replace(article, id=f"{article.id}@trace"), None
    mark_batch(store.db, [article], store.articles)
    doc = segment(article)
    count = store.count()
    documents = count + (itself is None)  # weights count the traced article, as add would
    plus = stats.counted(doc) if itself is None else set()
    weights = store.weights(documents, count, plus)
    segmented = Segmented(store)

    def meanwhile(text: set[int], named: set[int]) -> None:
        # while the encoder makes the lead: read what the comparison needs whatever the lead finds
        # (the text candidates, always compared; the named ones' bags and word weights)
        for stored in segmented.prepared(sorted(text - {itself})):
            stored.doc  # sharing text, it will be aligned: segmented now, while the encoder works
        bags = store.bag_rows(sorted(named - text - {itself}))
        weights.vector(doc)
        weights.of_bags(bags.values())

    p, f, candidates = _prepare_and_query(store, doc, meanwhile)
    # an article traced as it is stored is traced against the others
    pairs = {(o, -1): True for o in candidates.text if o != itself}
    meaning = [o for o in candidates.meaning if o != itself]
    for o, shares in meaning_kept(store, p, f, meaning, {}, weights, segmented):
        pairs[(o, -1)] = shares
    found = compare_members(store, {-1: p}, [(a, b, s) for (a, b), s in pairs.items()], weights, None, segmented)
    # direction with the family's evidence, sources, story, claims: over the families it touches
    partners = sorted({x for q in found for x in (q.a, q.b)} - {article.id})
    family, family_pairs = reuse_family(store, set(partners))
    stored = store.articles_by_id(sorted((family | set(partners)) - {article.id}))
    everyone = [article] + stored
    family_pairs = [q for q in family_pairs if article.id not in (q.a, q.b)]
    oriented = orient_by_credited_copies(everyone, family_pairs + found)
    mine = sorted((q for q in oriented if article.id in (q.a, q.b)), key=lambda q: (q.a, q.b))
    sources = attach_sources(everyone, oriented).get(article.id, [])
    story, joined = _story(store, article, mine)
    claims = find_claims([article] + store.articles_by_id([m for m in story.articles if m != article.id]),
                         mine, [story], docs=segmented.docs(p.doc))
    by_id = {a.id: a for a in stored}
    related = [by_id[i] for i in partners if i in by_id]
    return {"schema": SCHEMA,
            "articles": [article_json(article, sources)] + [article_json(a, None) for a in related],
            "pairs": [q.to_json() for q in mine],
            "stories": [dict(story.to_json(), joins=joined)],
            "claims": claims}


def _prepare_and_query(store: Store, doc, meanwhile=None):
    """``prepare`` of the segmented article, its ``features_of`` and ``store.index.query``, the same
    values, with the lead encoded on a thread while the text and term indexes are read, then
    ``meanwhile(text, named)`` runs: the encoder releases the interpreter lock, and only the vector
    index needs the lead."""
    with ThreadPoolExecutor(1, thread_name_prefix="storytrace-lead") as encoding:
        lead = submit_leads(encoding, [doc])
        terms = key_terms(doc)
        # features_of reads the lead only to copy it: a placeholder until the encoder is done
        [unled] = features_of([Prepared(doc, terms, np.zeros(DIMENSIONS, np.float32))])
        text, named = store.index.query_text(unled)
        if meanwhile is not None:
            meanwhile(text, named)
        store.index.vectors.load()  # in a new process: the stored vectors read while the encoder starts
        [packed] = lead.result()
    p = Prepared(doc, terms, packed)
    f = dataclasses.replace(unled, packed_lead=packed)
    return p, f, store.index.with_lead(text, named, f)


def _story(store: Store, article: Article, pairs) -> tuple[Story, list[str]]:
    """The story the article would join: its own with the stories its links reach, merged."""
    linked = sorted({q.a if q.b == article.id else q.b for q in pairs
                     if q.relation in LINKING or (q.relation == "partial" and q.evidence.get("same_event"))})
    members_of = store.story_members(linked)
    members = sorted({m for ms in members_of.values() for m in ms} - {article.id})
    numbers = {}
    asked = linked + [article.id]  # an article traced as stored: its own story too
    for row in store.db.execute(f"SELECT article, story FROM story_of WHERE article IN ({','.join('?' * len(asked))})",
                                asked):
        numbers[row[0]] = f"story-{row[1]}"
    stored = store.articles_by_id(members)
    inside = set(members)
    story_pairs = [q for q in store.pairs_of(members, related=False) if q.a in inside and q.b in inside]
    story_pairs += [q for q in pairs if (q.b if q.a == article.id else q.a) in inside]
    stories = group_stories([article] + stored, sorted(story_pairs, key=lambda q: (q.a, q.b)))
    story = next(s for s in stories if article.id in s.articles)
    joined = sorted(set(numbers.values()))
    story = dataclasses.replace(story, id=joined[0] if len(joined) == 1 else "story-new")
    return story, joined
