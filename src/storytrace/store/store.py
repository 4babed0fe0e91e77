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

from ..fingerprint import key_terms, token_hashes
from ..index import CandidateIndex, SqliteStorage, features_of
from ..model import Article, Pair
from ..pipeline import Prepared
from ..segment import segment
from .records import PAIR_COLUMNS, article_from_row, pair_from_row, text_hash
from .stats import unpack_bag
from .schema import connect

DEFAULT_PATH = "storytrace.db"
PREPARED_CACHE = 4096  # stored articles kept segmented in memory (bounded: a long-running process stays small)
_CHUNK = 500


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

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self):
        """One batch: everything or nothing (a crash or an error leaves the store as it was)."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreBusy(f"{self.path}: another storytrace is adding to this store; try again when it ends") from None
            raise
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            self.storage.forget()
            self._prepared.clear()
            self._sketches.clear()
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
        """Stored articles as ``pipeline.prepare`` made them, the lead vector read from the index."""
        missing = [n for n in numbers if n not in self._prepared]
        for n, article in zip(missing, self.articles(missing)):
            doc = segment(article)
            self._prepared[n] = Prepared(doc, token_hashes(doc), key_terms(doc), self.storage.vector_of(n))
        out = []
        for n in numbers:
            self._prepared.move_to_end(n)
            out.append(self._prepared[n])
        while len(self._prepared) > PREPARED_CACHE:
            self._prepared.popitem(last=False)
        return out

    def bags(self, numbers: list[int]) -> dict[int, tuple[str, list[str], list[int]]]:
        """number -> (id, counted words, their counts) of stored articles."""
        out = {}
        for chunk in _chunks(numbers):
            for no, aid, words, counts in self.db.execute(
                    f"SELECT bags.article, articles.id, words, counts FROM bags JOIN articles ON articles.no = bags.article "
                    f"WHERE bags.article IN ({_marks(chunk)})", chunk):
                out[no] = (aid, *unpack_bag(words, counts))
        return out

    def sketch(self, number: int):
        """A stored article's index features (its near-duplicate sketch is what callers want)."""
        found = self._sketches.get(number)
        if found is None:
            found = self._sketches[number] = features_of(self.prepared([number]))[0]
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

    def story_members(self, ids: list[str]) -> dict[str, list[str]]:
        """article id -> the members of its story (itself alone when it has none yet)."""
        out = {}
        for chunk in _chunks(ids):
            for article, members in self.db.execute(
                    f"SELECT story_of.article, stories.articles FROM story_of JOIN stories ON stories.no = story_of.story "
                    f"WHERE story_of.article IN ({_marks(chunk)})", chunk):
                out[article] = json.loads(members)
        return {i: out.get(i, [i]) for i in ids}


def _chunks(items: list) -> list[list]:
    return [items[i:i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def _marks(chunk: list) -> str:
    return ",".join("?" * len(chunk))
