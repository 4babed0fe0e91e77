"""The store: one SQLite database holding the articles, their index, pairs, stories, sources and
claims. ``Store`` opens it, runs a batch as one transaction, and rebuilds what later stages need
of a stored article (its segmented text and fingerprints, its lead vector from the index) without
encoding it again."""

from __future__ import annotations

import json
import sqlite3
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ..index import CandidateIndex, SqliteStorage, features_of
from ..index.sqlite_storage import _chunks, _marks  # one chunking for every statement of a store
from ..model import Article, Pair
from ..encode.leads import pack
from ..text.prepared import Prepared
from .records import PAIR_COLUMNS, article_from_row, pair_from_row, text_hash
from .stats import Bag, WordCache, Weights, bag_of_ids, unpack_bag
from .profiles import Profile, StoredPrepared
from .profiles import unpack as unpack_profile
from .schema import connect
from .vocabulary import Vocabulary

DEFAULT_PATH = "storytrace.db"
PREPARED_CACHE = 4096  # stored articles kept segmented in memory (bounded: a long-running process stays small)
ENCODER_CACHE = 50_000  # sentence vectors kept in memory between batches (about 80 MB)


class StoreBusy(Exception):
    """Another process holds the store's write lock for longer than the wait allowed."""


class Store:
    def __init__(self, path: str | Path = DEFAULT_PATH, create: bool = True, wait_seconds: float = 600) -> None:
        self.path = Path(path)
        self.db = connect(self.path, create)
        self.db.execute(f"PRAGMA busy_timeout = {int(wait_seconds * 1000)}")
        self.storage = SqliteStorage(self.db)
        self.index = CandidateIndex(self.storage)
        self._prepared: OrderedDict[int, Prepared] = OrderedDict()
        self._sketches: OrderedDict[int, object] = OrderedDict()
        self.words = WordCache()  # word weights and stored bags, kept between batches and traces
        self.vocabulary = Vocabulary(self.db)  # the words of stored bags, as ids

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- the Python API: thin wrappers over the stage functions (README, "The store")
    def add(self, articles_or_paths, processes: int | None = None):
        """Add files, folders, dicts ({"text": ..., "id": ...}) or Article records as one batch;
        the AddReport (``.added``, ``.pairs``, ``.stories``, ``.errors``: inputs that could not be read)."""
        from ..ingest import read_inputs
        from .add import add_articles

        ingested = read_inputs(articles_or_paths)
        report = add_articles(self, ingested.articles, processes=processes) if ingested.articles else None
        if report is None:
            from .add import AddReport
            report = AddReport()
        report.errors = list(ingested.errors)
        self.bound_caches()
        return report

    def trace(self, article_or_text=None, *, id: str | None = None, add: bool = False) -> dict:
        """The trace document of an Article, a dict ({"text": ..., "id": ...}), a text (a str is
        the text itself), or with ``id`` a stored article; ``add`` stores it too."""
        from .trace import trace_and_add, trace_article, trace_stored

        if (article_or_text is None) == (id is None):
            raise ValueError("trace takes one article: an article or text, or id=")
        if id is not None:
            if add:
                raise ValueError("add=True takes an article or text (an id is already stored)")
            result = trace_stored(self, id)
            if result is None:
                raise KeyError(f"{id}: no such article in {self.path}")
        else:
            article = _as_article(article_or_text, add)
            result = trace_and_add(self, article)[0] if add else trace_article(self, article)
        self.bound_caches()
        return result

    def export(self, json: str | Path | None = None, html: str | Path | None = None,
               jsonl_parts: str | Path | None = None) -> dict:
        """The whole store as the storytrace/1 dict ``analyze`` returns; written as JSON, HTML
        report or JSONL parts too when given a path."""
        from .export import export_result

        articles = [] if html is not None else None
        document = export_result(self, articles)
        if json is not None:
            from ..output.paths import write_json
            write_json(document, str(json))
        if jsonl_parts is not None:
            from ..output.parts import write_parts
            write_parts(document, jsonl_parts)
        if html is not None:
            from ..report_html import write_report
            write_report(html, document, articles, title=f"storytrace store {self.path}")
        return document

    def bound_caches(self) -> None:
        """What a long-running process keeps between calls: at most PREPARED_CACHE stored articles
        segmented (and their sketches), stats.WORD_CACHE words' weights, stats.BAG_CACHE stored
        bags of words, ENCODER_CACHE sentence vectors and pairscore.WORD_VECTOR_CACHE word vectors; the lead
        vectors of the exact scan (1.5 KB per stored article) are the index itself."""
        from ..encode.embed import get_encoder

        get_encoder().trim(ENCODER_CACHE)  # the scorer's word vectors bound themselves (pairscore.WORD_VECTOR_CACHE)

    @contextmanager
    def transaction(self):
        """One batch: everything or nothing (a crash or an error leaves the store as it was)."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreBusy(f"{self.path}: another storytrace is adding to this store; try again when it ends") from None
            raise
        self.storage.refresh()
        try:
            with self.storage.holding():  # the batch's posting buckets written once, before the commit
                yield
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            self.storage.forget()
            self._prepared.clear()
            self._sketches.clear()
            self.words = WordCache()  # counts and article numbers of the batch rolled back
            self.vocabulary.forget()  # word ids of the batch rolled back, which a later one may reuse
            raise

    # ---- reading
    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def numbers(self, ids: list[str]) -> dict[str, int]:
        out = {}
        for chunk in _chunks(ids):
            out.update(self.db.execute(f"SELECT id, no FROM articles WHERE id IN ({_marks(chunk)})", chunk))
        return out

    def articles(self, numbers: list[int]) -> list[Article]:
        found = {}
        for chunk in _chunks(numbers):
            for no, text, record in self.db.execute(
                    f"SELECT no, text, record FROM articles WHERE no IN ({_marks(chunk)})", chunk):
                found[no] = article_from_row(text, record)
        return [found[n] for n in numbers if n in found]

    def newest_id(self, article_id: str) -> str | None:
        """The stored id ``article_id`` names: its newest version (``x@v3`` for ``x``), else the
        stored article of exactly that id (an older version named ``x@v2``), else None."""
        row = self.db.execute("SELECT id FROM articles WHERE base_id = ? ORDER BY version DESC LIMIT 1",
                              (article_id,)).fetchone()
        if row is None:
            row = self.db.execute("SELECT id FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def id_of_text(self, base_id: str, text: str) -> str | None:
        """The stored version of ``base_id`` holding exactly ``text``."""
        for aid, digest in self.db.execute("SELECT id, text_hash FROM articles WHERE base_id = ?", (base_id,)):
            if bytes(digest) == text_hash(text):
                return aid
        return None

    def articles_by_id(self, ids: list[str]) -> list[Article]:
        numbers = self.numbers(ids)
        return self.articles([numbers[i] for i in ids if i in numbers])

    def prepared(self, numbers: list[int]) -> list[Prepared]:
        """Stored articles as ``prepared.prepare`` made them, the lead vector read from the index:
        each a ``StoredPrepared``, its text segmented only when read (profiles.py)."""
        missing = [n for n in numbers if n not in self._prepared]
        found = self.profiles(missing)
        for n, article in zip(missing, self.articles(missing)):
            # every stored article has a profile: add writes it with the article, the migration to
            # schema 5 wrote those of older ones
            self._prepared[n] = StoredPrepared(n, article, found[n], pack(self.storage.vector_of(n)))
        out = []
        for n in numbers:
            self._prepared.move_to_end(n)
            out.append(self._prepared[n])
        while len(self._prepared) > PREPARED_CACHE:
            self._prepared.popitem(last=False)
        return out

    def profiles(self, numbers: list[int]) -> dict[int, Profile]:
        out = {}
        for chunk in _chunks(numbers):
            for no, data in self.db.execute(f"SELECT article, data FROM profiles WHERE article IN ({_marks(chunk)})",
                                            chunk):
                out[no] = unpack_profile(data)
        return out

    def bags(self, numbers: list[int]) -> dict[int, tuple[str, np.ndarray, np.ndarray]]:
        """number -> (id, counted words as this process's word ids, their counts) of stored articles."""
        out = {}
        for chunk in _chunks(numbers):
            for no, aid, words, counts in self.db.execute(
                    f"SELECT bags.article, articles.id, words, counts FROM bags JOIN articles ON articles.no = bags.article "
                    f"WHERE bags.article IN ({_marks(chunk)})", chunk):
                ids, counts = unpack_bag(words, counts)
                out[no] = (aid, ids, counts)
        if out:  # every bag's store ids turned into this process's at once
            numbers = list(out)
            joined = self.vocabulary.process_ids(np.concatenate([out[n][1] for n in numbers]).astype(np.int64))
            ends = np.cumsum([len(out[n][1]) for n in numbers])
            for n, ids in zip(numbers, np.split(joined, ends[:-1])):
                out[n] = (out[n][0], ids, out[n][2])
        return out

    def bag_rows(self, numbers: list[int]) -> dict[int, Bag]:
        """number -> the stored article's bag of words (``stats.Bag``), kept between calls."""
        out, missing = {}, []
        for n in numbers:
            found = self.words.bag(n)
            if found is None:
                missing.append(n)
            else:
                out[n] = found
        for n, (aid, ids, counts) in self.bags(missing).items():
            out[n] = bag_of_ids(aid, ids, counts)
            self.words.keep_bag(n, out[n])
        return out

    def weights(self, documents: int, articles: int, plus: set[str] = frozenset()) -> Weights:
        """Word weights in a corpus of ``documents`` articles while the store holds ``articles``
        (``plus``: words of an article counted but not stored), with what earlier calls weighed."""
        self.words.at(articles)
        return Weights(self.db, documents, plus, self.words)

    def sketch(self, number: int, prepared=None):
        """A stored article's index features (its near-duplicate sketch is what callers want);
        ``prepared``: what segments it when they are not kept (Store.prepared by default)."""
        found = self._sketches.get(number)
        if found is None:
            found = self._sketches[number] = features_of((prepared or self.prepared)([number]))[0]
            while len(self._sketches) > PREPARED_CACHE:
                self._sketches.popitem(last=False)
        return found

    def pairs_of(self, ids: list[str], own: bool = False, related: bool = True) -> list[Pair]:
        """Every stored pair with an article of ``ids`` on either side, ordered by (a, b); without
        ``related``, not the pairs of that relation (they link no story, source or claim)."""
        rows = {}
        which = "" if related else " AND relation != 'related'"
        for chunk in _chunks(ids):
            for side in ("a", "b"):
                for row in self.db.execute(f"SELECT {PAIR_COLUMNS} FROM pairs WHERE {side} IN ({_marks(chunk)}){which}",
                                           chunk):
                    rows[(row[0], row[1])] = row
        return [pair_from_row(rows[k], own) for k in sorted(rows)]

    def versions(self, ids: list[str]) -> dict[str, tuple[str, int]]:
        """article id -> (the id it was added under, its version number) of stored articles."""
        out = {}
        for chunk in _chunks(ids):
            out.update((aid, (base, version)) for aid, base, version in self.db.execute(
                f"SELECT id, base_id, version FROM articles WHERE id IN ({_marks(chunk)})", chunk))
        return out

    def sources_of(self, ids: list[str]) -> dict[str, list[dict]]:
        """article id -> its stored sources, best first (articles with none stored are left out)."""
        out = {}
        for chunk in _chunks(ids):
            out.update((aid, json.loads(listed)) for aid, listed in self.db.execute(
                f"SELECT article, sources FROM sources WHERE article IN ({_marks(chunk)})", chunk))
        return out

    def story_members(self, ids: list[str]) -> dict[str, list[str]]:
        """article id -> the members of its story (itself alone when it has none yet)."""
        out = {}
        for chunk in _chunks(ids):
            for article, members in self.db.execute(
                    f"SELECT story_of.article, stories.articles FROM story_of JOIN stories ON stories.no = story_of.story "
                    f"WHERE story_of.article IN ({_marks(chunk)})", chunk):
                out[article] = json.loads(members)
        return {i: out.get(i, [i]) for i in ids}


def _as_article(value, add: bool) -> Article:
    if isinstance(value, dict):
        from ..ingest import read_inputs
        ingested = read_inputs([value])
        if not ingested.articles:  # no text, an empty one, a field of the wrong kind
            raise ValueError("; ".join(ingested.errors) or "not an article")
        value = ingested.articles[0]
    elif isinstance(value, str):
        value = text_article(value, add)
    elif not isinstance(value, Article):
        raise TypeError(f"trace takes an Article, a dict or a text, not {type(value).__name__}")
    elif not value.text.strip():  # the readers refuse an empty text, and text_article: an Article made by hand
        raise ValueError(f"{value.id}: empty text, nothing to trace")
    return value


def text_article(text: str, add: bool) -> Article:
    """A text traced on its own (``--text``, the API): stored, it needs an id of its own (a second
    text is not a new version of the first). An empty text is a ValueError: nothing to trace."""
    from .records import text_hash
    if not text.strip():
        raise ValueError("empty text, nothing to trace")
    return Article(f"text_{text_hash(text).hex()[:16]}" if add else "text", text)
