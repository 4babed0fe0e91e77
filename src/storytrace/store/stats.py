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
from collections import Counter

import numpy as np

from .. import thresholds as T
from ..model import Doc
from ..text.tfidf import rarity
from ..text.vocab import is_counted, word_ids

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


def pack_bag(words: list[str], counts: list[int]) -> tuple[bytes, bytes]:
    """The words (in the bag's order, which the TF-IDF row's sums follow) zlib-compressed, one a
    line; the counts as little-endian unsigned integers of the fewest bytes that hold the largest
    (one byte for nearly every article: unpack_bag tells the width from their length), also
    zlib-compressed (schema 3: most counts are 1, 37% of the bytes on the synthetic corpus)."""
    width = next(t for t in _COUNT_TYPES if not counts or max(counts) <= np.iinfo(t).max)
    return (zlib.compress("\n".join(words).encode("utf-8", "surrogatepass"), 6),
            compress_counts(np.array(counts, dtype=width).tobytes()))


def unpack_bag(words: bytes, counts: bytes) -> tuple[list[str], list[int]]:
    text = zlib.decompress(words).decode("utf-8", "surrogatepass")
    listed = text.split("\n") if text else []
    if not listed:
        return [], []
    counts = zlib.decompress(counts)
    width = next(t for t in _COUNT_TYPES if np.dtype(t).itemsize * len(listed) == len(counts))
    return listed, np.frombuffer(counts, dtype=width).tolist()


def compress_counts(raw: bytes) -> bytes:
    """A bag's counts as schema 2 stored them (not compressed) as pack_bag stores them now."""
    return zlib.compress(raw, 9)


_COUNT_TYPES = ("<u1", "<u2", "<u4", "<u8")


class Weights:
    """Word weights in a corpus of ``documents`` articles, read from the store once per word, and
    the TF-IDF rows made with them, once per article (both fixed for a batch: its words are counted
    before any pair is compared). ``plus``: the words of an article counted in ``documents`` but
    not stored (``trace``)."""

    def __init__(self, db: sqlite3.Connection, documents: int, plus: set[str] = frozenset()) -> None:
        self.db, self.documents, self.plus = db, documents, plus
        self.weight: dict[str, float] = {}
        self._rows: dict[str, tuple] = {}  # by article id

    def forget_rows(self) -> None:
        """Drop the TF-IDF rows made so far (they are made again when asked for)."""
        self._rows.clear()

    def of(self, docs: list[Doc]) -> dict[str, float]:
        """The weights, holding (at least) every counted word of ``docs``."""
        return self.of_words(set().union(*(counted(d) for d in docs)) if docs else set())

    def of_words(self, words: set[str]) -> dict[str, float]:
        missing = sorted(words - self.weight.keys())
        found = {w: rarity(w) for w in missing}
        if self.documents >= T.MIN_DOCUMENTS_FOR_CORPUS_IDF and missing:
            df = dict.fromkeys(missing, 0)
            for first in range(0, len(missing), _CHUNK):
                chunk = missing[first:first + _CHUNK]
                df.update(self.db.execute(f"SELECT word, df FROM word_df WHERE word IN ({','.join('?' * len(chunk))})",
                                          chunk))
            for word, n in df.items():
                n += word in self.plus
                found[word] = min(found[word], math.log((self.documents + 1) / (n + 1)) + 1.0)
        self.weight.update(found)
        return self.weight

    def vector(self, doc: Doc) -> tuple[np.ndarray, np.ndarray]:
        row = self._rows.get(doc.id)
        if row is None:
            row = self.bag_vector(doc.id, *bag(doc))
        return row

    def bag_vector(self, key: str, words: list[str], counts: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """corpus_tfidf's row for a bag of counted words: sublinear term frequency times weight,
        unit length, as sorted word ids (text/vocab.py, this process's) and values."""
        row = self._rows.get(key)
        if row is None:
            weight = self.of_words(set(words))
            values = np.array([(1.0 + math.log(c)) * weight[w] for w, c in zip(words, counts)])
            norm = math.sqrt(float(values @ values)) or 1.0
            ids = word_ids(words)
            order = np.argsort(ids)
            row = self._rows[key] = (ids[order], values[order] / norm)
        return row


def cosine(u: tuple[np.ndarray, np.ndarray], v: tuple[np.ndarray, np.ndarray]) -> float:
    _, in_u, in_v = np.intersect1d(u[0], v[0], assume_unique=True, return_indices=True)
    return float(u[1][in_u] @ v[1][in_v])
