"""``storytrace add``: a batch of articles into the store, in one transaction.

Each new article is compared with the stored ones its index finds and with the batch's articles
before it (one at a time, in id order, as the index takes them), by the batch engine's own
stages: prepared.prepare, judge.compare_many, then families.py for directions, sources, stories and
claims. An article already stored (same id, same text) is skipped; a new text under a known id is
stored as the next version (id 'x@v2') and always compared with the version before it.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources

from .. import __version__
from ..index import features_of
from ..model import Article, Pair
from ..text.prepared import prepare
from ..engine.threads import with_single_threaded_blas
from ..judge.word_vectors import kept_in
from . import stats
from .families import StoryChange, orient_and_source, restory
from .furniture import mark_batch, remember
from .profiles import pack as pack_profile
from .profiles import profile_of
from .judging import Segmented, compare_members, meaning_kept
from .records import article_record, pack_text, pair_row, text_hash
from .rejudge import rejudge
from .store import Store
from .word_vectors import StoredWordVectors


@dataclass
class AddReport:
    added: list[str] = field(default_factory=list)      # new articles (new versions included)
    versions: list[str] = field(default_factory=list)   # of those, new versions of a stored id
    unchanged: list[str] = field(default_factory=list)  # already stored with the same text
    pairs: list[Pair] = field(default_factory=list)     # new links
    stories: list[StoryChange] = field(default_factory=list)  # stories created or changed
    errors: list[str] = field(default_factory=list)     # inputs that could not be read (Store.add)
    notes: list[str] = field(default_factory=list)      # ids add had to change (a record named as a version)
    batch: int | None = None                            # the batch's number in the store, once committed


def judged_by() -> str:
    """What judged this batch's pairs: storytrace's version and digests of the thresholds and models."""
    files = {"thresholds": "thresholds.py", "event_model": "data/event_model.json", "pair_scorer": "data/pair_scorer.json"}
    out = {"storytrace": __version__}
    for name, path in files.items():
        try:
            out[name] = hashlib.sha256(resources.files("storytrace").joinpath(path).read_bytes()).hexdigest()[:16]
        except OSError:
            out[name] = None
    return json.dumps(out)


def _new_texts(store: Store, articles: list[Article], report: AddReport) -> list[tuple[Article, str, int, str | None]]:
    """(article, base id, version, previous version's id) of each text not yet stored. A new text
    under a stored id is the next version of the article that id names (``x@v2`` names version 2
    of ``x``); a version's id ``x@vN`` taken already by another article gets ``#2``, ``#3``."""
    out = []
    latest: dict[str, tuple[int, str]] = {}  # base id -> (version, id) of its newest, this batch's included
    taken: set[str] = set()  # ids given in this batch
    batch_texts: dict[str, set[bytes]] = {}  # base id -> digests of this batch's texts under it
    for article in sorted(articles, key=lambda a: a.id):
        base = article.id
        stored = _versions(store, base)
        if not stored:  # an id a stored version goes by: a new text of it is that article's next version
            named = store.db.execute("SELECT base_id FROM articles WHERE id = ?", (base,)).fetchone()
            if named is not None:
                base = named[0]
                stored = _versions(store, base)
        digest = text_hash(article.text)
        if any(bytes(h) == digest for _, _, h in stored) or digest in batch_texts.get(base, ()):
            report.unchanged.append(article.id)
            continue
        batch_texts.setdefault(base, set()).add(digest)
        newest = latest.get(base)
        if newest is None and stored:
            newest = stored[-1][1], stored[-1][0]
        if newest is None:  # a new article
            name = _unused(store, taken, base)  # its id may be the one this batch gave another's version
            if name != base:
                report.notes.append(f"{article.origin or article.id}: id {base!r} is the id of a new version in "
                                    f"this batch; this article stored as {name!r}")
                article = dataclasses.replace(article, id=name)
                base = name
            out.append((article, base, 1, None))
            latest[base] = (1, base)
            taken.add(base)
            continue
        version, previous = newest[0] + 1, newest[1]
        name = _unused(store, taken, f"{base}@v{version}")  # x@v2 may be another article's own id
        article = dataclasses.replace(article, id=name)
        report.versions.append(name)
        out.append((article, base, version, previous))
        latest[base] = (version, name)
        taken.add(name)
    return out


def _versions(store: Store, base: str) -> list[tuple[str, int, bytes]]:
    return store.db.execute("SELECT id, version, text_hash FROM articles WHERE base_id = ? ORDER BY version",
                            (base,)).fetchall()


def _unused(store: Store, taken: set[str], name: str) -> str:
    """``name``, else ``name#2``, ``name#3`` ...: the first neither stored nor given in this batch."""
    free, copy = name, 1
    while free in taken or store.db.execute("SELECT 1 FROM articles WHERE id = ?", (free,)).fetchone():
        copy += 1
        free = f"{name}#{copy}"
    return free


@with_single_threaded_blas  # as analyze: small products, no BLAS thread pool woken for each
def add_articles(store: Store, articles: list[Article], processes: int | None = None) -> AddReport:
    report = AddReport()
    with store.transaction(), kept_in(StoredWordVectors(store.db, writable=True)):
        batch = store.db.execute("INSERT INTO batches (added, judged_by) VALUES (?, ?)",
                                 (datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                                  judged_by())).lastrowid
        new = _new_texts(store, articles, report)
        if not new:
            store.db.execute("DELETE FROM batches WHERE no = ?", (batch,))
            return report
        batch_articles = [a for a, *_ in new]
        mark_batch(store.db, batch_articles, store.articles)
        prepared = prepare(batch_articles)
        features = features_of(prepared)
        numbers = []
        bags = [stats.bag(p.doc) for p in prepared]  # stored, and the TF-IDF rows' (Weights.knowing)
        word_id = store.vocabulary.ids(w for words, _ in bags for w in words)
        for (article, base, version, _), p, f, counted_words in zip(new, prepared, features, bags):
            no = store.db.execute("INSERT INTO articles (id, base_id, version, text, text_hash, record, batch) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?)",
                                  (article.id, base, version, pack_text(article.text), text_hash(article.text),
                                   article_record(article), batch)).lastrowid
            numbers.append(no)
            remember(store.db, no, article)
            store.db.execute("INSERT INTO bags (article, words, counts) VALUES (?, ?, ?)",
                             (no, *stats.pack_bag([word_id[w] for w in counted_words[0]], counted_words[1])))
            store.db.execute("INSERT INTO profiles (article, data) VALUES (?, ?)", (no, pack_profile(profile_of(p, f))))
        stats.add_documents(store.db, [p.doc for p in prepared])
        count = store.count()
        weights = store.weights(count, count)
        for p, counted_words in zip(prepared, bags):
            weights.knowing(p.doc, counted_words)
        segmented = Segmented(store)
        pairs, by_meaning = _candidates(store, new, prepared, features, numbers, weights, segmented)
        compared = compare_members(store, dict(zip(numbers, prepared)), pairs, weights, processes, segmented)
        meaning_ids = _ids_of(store, by_meaning)
        number_of = store.numbers(sorted({x for p in compared for x in (p.a, p.b)}))
        store.db.executemany(f"INSERT OR REPLACE INTO pair_rows VALUES ({','.join('?' * 8)})",
                             [pair_row(p, batch, number_of, (p.a, p.b) in meaning_ids) for p in compared])
        report.added = [a.id for a in batch_articles]
        report.pairs = compared
        # a related pair links no story and gives no source or claim: it touches nothing
        touched = set(report.added) | {x for p in compared if p.relation != "related" for x in (p.a, p.b)}
        touched |= rejudge(store, batch, weights)  # the pairs judged when the weights were others
        moved = orient_and_source(store, touched)
        report.pairs = _as_stored(store, compared, report.added)
        report.stories = restory(store, touched | moved, docs=segmented.docs(*(p.doc for p in prepared)))
    report.batch = batch  # committed
    return report


def _as_stored(store: Store, pairs: list[Pair], added: list[str]) -> list[Pair]:
    """The batch's pairs directed as the store keeps them: a pair's own direction may be turned by
    its family's evidence (a credited copy, the version order: orient_and_source), and the report
    must say what was stored. Every stored pair of a new article is one of this batch's."""
    stored = {(p.a, p.b): p for p in store.pairs_of(added, related=False)}
    return [dataclasses.replace(p, source=stored[(p.a, p.b)].source, derived=stored[(p.a, p.b)].derived)
            if (p.a, p.b) in stored else p for p in pairs]


def _ids_of(store: Store, pairs: set[tuple[int, int]]) -> set[tuple[str, str]]:
    """Pairs of article numbers as (a, b) ids, a's id first."""
    ids = {}
    numbers = sorted({n for pair in pairs for n in pair})
    for first in range(0, len(numbers), 500):
        chunk = numbers[first:first + 500]
        ids.update(store.db.execute(f"SELECT no, id FROM articles WHERE no IN ({','.join('?' * len(chunk))})", chunk))
    return {tuple(sorted((ids[x], ids[y]))) for x, y in pairs}


def _candidates(store: Store, new, prepared, features, numbers, weights, segmented: Segmented):
    """(number, number, shares text) of the pairs to compare: for each new article in id order, what
    the index finds among the stored articles and the batch's earlier ones, then it joins the index;
    and the set of those found by meaning only (names or vectors, not shared text)."""
    found: dict[tuple[int, int], bool] = {}
    by_meaning: set[tuple[int, int]] = set()
    batch = dict(zip(numbers, zip(prepared, features)))
    previous = store.numbers([prev for *_, prev in new if prev])
    with store.index.vectors.expecting(features):  # vector scans a block at a time
        for (_, _, _, prev), no, p, f in zip(new, numbers, prepared, features):
            candidates = store.index.query(f)
            for other in candidates.text:
                found[(other, no)] = True
            if prev:  # a new version is always compared with the one before
                found[(previous[prev], no)] = True
            meaning = [o for o in candidates.meaning if (o, no) not in found]
            for o, shares in meaning_kept(store, p, f, meaning, batch, weights, segmented):
                found[(o, no)] = shares
                by_meaning.add((o, no))
            store.index.insert(no, f)
    return [(a, b, s) for (a, b), s in sorted(found.items())], by_meaning
