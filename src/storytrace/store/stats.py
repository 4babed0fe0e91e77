"""Corpus statistics the store keeps as it grows, and the TF-IDF cosines made from them.

Word weights are tfidf.corpus_tfidf's: rarity in English (wordfreq), capped by the word's IDF in
the corpus once it has MIN_DOCUMENTS_FOR_CORPUS_IDF articles. Here the corpus is the store (every
stored text, this batch's included), so a weight moves as the store grows: a pair judged early
was judged with the weights of then (README, "What is not yet equivalent").
"""

from __future__ import annotations

import math
import sqlite3
import zlib
from collections import Counter, OrderedDict
from dataclasses import dataclass

import numpy as np

from .. import thresholds as T
from ..model import Doc
from ..text.tfidf import rarity
from ..text.vocab import WORDS, is_counted, word_ids

_CHUNK = 500


def counted(doc: Doc) -> set[str]:
    return {w for w in set(doc.norms) if is_counted(w)}


def add_documents(db: sqlite3.Connection, docs: list[Doc]) -> None:
    """Count each document once for every word it holds."""
    df = Counter(w for doc in docs for w in counted(doc))
    db.executemany("INSERT INTO word_df (word, df) VALUES (?, ?) ON CONFLICT (word) DO UPDATE SET df = df + excluded.df",
                   list(df.items()))


def bag(doc: Doc) -> tuple[list[str], list[int]]:
    """The document's counted words (vocab.is_counted) and how often each occurs: all the TF-IDF
    row needs, kept in the store so a stored article is never segmented just to be weighed."""
    counts = Counter(w for w in doc.norms if is_counted(w))
    return list(counts), list(counts.values())


def pack_bag(ids, counts: list[int]) -> tuple[bytes, bytes]:
    """The words as the store's vocabulary ids (store/vocabulary.py), in the bag's order (which the
    TF-IDF row's sums follow), as little-endian unsigned integers of the fewest bytes that hold the
    largest, after one byte giving that width, zlib-compressed (schema 6: a stored bag becomes a row
    with no text to split and no word to look up); the counts likewise without the width byte
    (one byte for nearly every article: unpack_bag tells it from their length), also compressed
    (schema 3: most counts are 1, 37% of the bytes on the synthetic corpus)."""
    width = _narrowest(np.asarray(counts, dtype=np.int64))
    return pack_word_ids(ids), compress_counts(np.array(counts, dtype=width).tobytes())


def pack_word_ids(ids) -> bytes:
    """pack_bag's words: the width byte, then the ids."""
    ids = np.asarray(ids, dtype=np.int64)
    width = _narrowest(ids)
    return zlib.compress(bytes([np.dtype(width).itemsize]) + ids.astype(width).tobytes(), 6)


def unpack_bag(ids: bytes, counts: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The vocabulary ids and their counts (arrays of unsigned integers, read-only) of pack_bag's bytes."""
    raw = zlib.decompress(ids)
    ids = np.frombuffer(raw, dtype=f"<u{raw[0]}", offset=1)
    if not len(ids):
        return ids, np.zeros(0, np.uint8)
    counts = zlib.decompress(counts)
    width = next(t for t in _COUNT_TYPES if np.dtype(t).itemsize * len(ids) == len(counts))
    return ids, np.frombuffer(counts, dtype=width)


def unpack_words(words: bytes) -> list[str]:
    """The words of a bag as schemas 2 to 5 stored them: zlib-compressed text, one a line (the
    migration to schema 6 reads them)."""
    text = zlib.decompress(words).decode("utf-8", "surrogatepass")
    return text.split("\n") if text else []


def _narrowest(values: np.ndarray) -> str:
    return next(t for t in _COUNT_TYPES if not len(values) or int(values.max()) <= np.iinfo(t).max)


def compress_counts(raw: bytes) -> bytes:
    """A bag's counts as schema 2 stored them (not compressed) as pack_bag stores them now."""
    return zlib.compress(raw, 9)


_COUNT_TYPES = ("<u1", "<u2", "<u4", "<u8")

WORD_CACHE = 300_000  # words whose rarity, document frequency and weight a Store keeps (about 100 MB at most)
BAG_CACHE = 10_000    # stored articles whose bag a Store keeps as word ids (about 5 KB each)


@dataclass(frozen=True)
class Bag:
    """A bag of counted words ready for weighing: the words (the vocabulary's own strings) in the
    bag's order, each one's sublinear term frequency, the word ids sorted and where each sorted id
    sits in the bag. Fixed for a stored article, so kept between traces (``WordCache``)."""

    key: str
    words: list[str]
    tf: np.ndarray
    ids: np.ndarray
    order: np.ndarray


# 1 + log(count) for the counts a bag nearly always has, computed as make_bag did one by one (math.log)
_SUBLINEAR = np.array([0.0] + [1.0 + math.log(c) for c in range(1, 256)])


def make_bag(key: str, words: list[str], counts) -> Bag:
    """``counts``: a list, or unpack_bag's array (taken as it is: no list made of a stored bag)."""
    return bag_of_ids(key, word_ids(words), counts)


def bag_of_ids(key: str, ids: np.ndarray, counts) -> Bag:
    """make_bag of the words of these ids (this process's, text/vocab.py): a stored bag's, whose
    words are not looked up again."""
    order = np.argsort(ids)
    counts = np.asarray(counts)
    if len(counts) and counts.max() < len(_SUBLINEAR):
        tf = _SUBLINEAR[counts]
    else:
        tf = np.array([1.0 + math.log(c) for c in counts.tolist()])
    return Bag(key, list(map(WORDS.__getitem__, ids.tolist())), tf, ids[order], order)


class WordCache:
    """What weighing costs, kept by a Store between batches and traces, all bounded: each word's
    rarity (fixed), its document frequency and weight in the store as it is (dropped when the
    store's article count moves, ``at``, or a batch rolls back, ``clear``), and stored articles'
    bags (``Bag``, fixed). Weights made with it are the ones made without (the same arithmetic on
    the same numbers), only not recomputed."""

    def __init__(self) -> None:
        self.rarity: dict[str, float] = {}
        self.bags: OrderedDict[int, Bag] = OrderedDict()
        self.clear()

    def clear(self) -> None:
        """Forget what depends on the store's contents (its word counts)."""
        self.articles: int | None = None
        self.df: dict[str, int] = {}
        self.weights: dict[int, dict[str, float]] = {}  # documents -> word -> weight

    def at(self, articles: int) -> None:
        """The store now holds ``articles`` articles: the counts kept are those of this many
        (articles are only ever added, so the same number means the same counts)."""
        if articles != self.articles:
            self.clear()
            self.articles = articles
        for kept in (self.rarity, self.df, *self.weights.values()):
            if len(kept) > WORD_CACHE:
                kept.clear()

    def weights_in(self, documents: int) -> dict[str, float]:
        if documents not in self.weights:
            if len(self.weights) > 2:  # add weighs with the store's count, trace with one more
                self.weights.clear()
            self.weights[documents] = {}
        return self.weights[documents]

    def bag(self, number: int) -> Bag | None:
        found = self.bags.get(number)
        if found is not None:
            self.bags.move_to_end(number)
        return found

    def keep_bag(self, number: int, bag: Bag) -> None:
        self.bags[number] = bag
        while len(self.bags) > BAG_CACHE:
            self.bags.popitem(last=False)


class Weights:
    """Word weights in a corpus of ``documents`` articles, read from the store once per word, and
    the TF-IDF rows made with them, once per article (both fixed for a batch: its words are counted
    before any pair is compared). ``plus``: the words of an article counted in ``documents`` but
    not stored (``trace``). ``cache``: the Store's WordCache, holding what earlier batches and
    traces of this store as it is already weighed."""

    def __init__(self, db: sqlite3.Connection, documents: int, plus: set[str] = frozenset(),
                 cache: WordCache | None = None) -> None:
        self.db, self.documents, self.plus = db, documents, plus
        self.cache = cache or WordCache()
        self.weight: dict[str, float] = {}  # this batch's or trace's own: compare_many's ``weight``
        self._rows: dict[str, tuple] = {}  # by article id
        self._bags: dict[str, tuple[list[str], list[int]]] = {}  # by article id: ``bag`` made already

    def knowing(self, doc: Doc, counted_words: tuple[list[str], list[int]]) -> None:
        """``bag(doc)``, made already (add stores it): ``vector(doc)`` will not count the words again."""
        self._bags[doc.id] = counted_words

    def forget_rows(self) -> None:
        """Drop the TF-IDF rows made so far (they are made again when asked for)."""
        self._rows.clear()

    def of(self, docs: list[Doc]) -> dict[str, float]:
        """The weights, holding (at least) every counted word of ``docs`` (those with a row made
        are weighed already: their words were, to make it)."""
        return self.of_words(set().union(*(counted(d) for d in docs if d.id not in self._rows)))

    def of_bags(self, bags) -> dict[str, float]:
        """The weights, holding every word of ``bags`` (stats.Bag) whose row is not made yet: the
        words not weighed found by set operations, then weighed together (one SELECT of document
        frequencies for all of them, not one a bag)."""
        return self.of_words(set().union(*(b.words for b in bags if b.key not in self._rows)).difference(self.weight))

    def of_words(self, words) -> dict[str, float]:
        missing = [w for w in words if w not in self.weight]
        if not missing:
            return self.weight
        shared = self.cache.weights_in(self.documents)
        plus, todo = self.plus, []
        for w in missing:
            value = None if w in plus else shared.get(w)
            if value is None:
                todo.append(w)
            else:
                self.weight[w] = value
        if todo:
            self._weigh(todo, shared)
        return self.weight

    def _weigh(self, words: list[str], shared: dict[str, float]) -> None:
        """rarity(w), capped by the word's IDF in the store (once it holds enough articles)."""
        rarities = self.cache.rarity
        for w in words:
            if w not in rarities:
                rarities[w] = rarity(w)
        if self.documents < T.MIN_DOCUMENTS_FOR_CORPUS_IDF:
            for w in words:
                self.weight[w] = shared[w] = rarities[w]
            return
        df = self.cache.df
        unknown = sorted({w for w in words if w not in df})
        for first in range(0, len(unknown), _CHUNK):  # one statement per 500 words
            chunk = unknown[first:first + _CHUNK]
            df.update(dict.fromkeys(chunk, 0))
            df.update(self.db.execute(f"SELECT word, df FROM word_df WHERE word IN ({','.join('?' * len(chunk))})", chunk))
        plus, log, documents = self.plus, math.log, self.documents
        for w in words:
            extra = w in plus
            value = min(rarities[w], log((documents + 1) / (df[w] + extra + 1)) + 1.0)
            self.weight[w] = value
            if not extra:
                shared[w] = value

    def vector(self, doc: Doc) -> tuple[np.ndarray, np.ndarray]:
        row = self._rows.get(doc.id)
        if row is None:
            known = self._bags.pop(doc.id, None)
            row = self.row(make_bag(doc.id, *(known or bag(doc))))
        return row

    def row(self, bag: Bag) -> tuple[np.ndarray, np.ndarray]:
        """corpus_tfidf's row for a bag of counted words: sublinear term frequency times weight,
        unit length, as sorted word ids (text/vocab.py, this process's) and values."""
        row = self._rows.get(bag.key)
        if row is None:
            words = bag.words
            try:  # every word weighed already (most rows of a batch): no pass to find the missing ones
                weights = np.fromiter(map(self.weight.__getitem__, words), dtype=np.float64, count=len(words))
            except KeyError:
                weights = np.fromiter(map(self.of_words(words).__getitem__, words), dtype=np.float64, count=len(words))
            values = bag.tf * weights
            norm = math.sqrt(float(values @ values)) or 1.0
            row = self._rows[bag.key] = (bag.ids, values[bag.order] / norm)
        return row


def cosine(u: tuple[np.ndarray, np.ndarray], v: tuple[np.ndarray, np.ndarray]) -> float:
    """Of two rows: the products of the words both hold, summed in word-id order (as
    np.intersect1d gives them, found here by one binary search instead of a sort)."""
    (ids_u, values_u), (ids_v, values_v) = u, v
    if not len(ids_u) or not len(ids_v):
        return 0.0
    at = np.searchsorted(ids_u, ids_v)
    np.minimum(at, len(ids_u) - 1, out=at)
    shared = ids_u[at] == ids_v
    return float(values_u[at[shared]] @ values_v[shared])
