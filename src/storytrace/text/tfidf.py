"""Rarity-weighted bags of words for the whole corpus as one sparse matrix, so the cosines of
thousands of candidate pairs are one vectorised product instead of a Python loop per pair.

Weights: sublinear term frequency times rarity from wordfreq (7 - Zipf frequency), which stands
in for a corpus IDF when there is no corpus (`compare` on two texts); over a corpus of some size,
a word's weight is also capped by its IDF in that corpus.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import sparse

from .. import thresholds as T
from ..model import Doc
from .vocab import is_counted, weights_of
from .zipf import zipf_en


@lru_cache(maxsize=1 << 20)
def rarity(word: str) -> float:
    if word[:1].isdigit():
        return 3.0
    return max(0.5, 7.0 - zipf_en(word))


@dataclass
class CorpusTfidf:
    matrix: sparse.csr_matrix  # one L2-normalised row per document
    weight: dict[str, float]   # each word's weight in this corpus


def corpus_tfidf(docs: list[Doc]) -> CorpusTfidf:
    """Weighted bags of words of all documents (words of two or more letters). The bags are gathered
    into two flat int32 buffers (4 bytes a column and a count), not two arrays a document (16 bytes
    an entry and 224 a document, then copied whole into one)."""
    vocabulary: dict[str, int] = {}
    column: dict[str, int] = {}  # every word seen: its column, or -1 when it is not counted
    weights: list[float] = []  # rarity of each vocabulary word, by column
    indptr, columns, frequencies = array("q", [0]), array("i"), array("i")
    for doc in docs:
        counts = Counter(doc.norms)  # in order of first appearance, so columns are too
        for w, c in counts.items():
            k = column.get(w)
            if k is None:
                k = column[w] = -1
                if is_counted(w):
                    k = column[w] = vocabulary[w] = len(weights)
                    weights.append(rarity(w))
            if k >= 0:
                columns.append(k)
                frequencies.append(c)
        indptr.append(len(columns))
    cols = np.array(columns, dtype=np.int32)
    del columns
    weight_of = np.array(weights)
    if len(docs) >= T.MIN_DOCUMENTS_FOR_CORPUS_IDF and len(cols):
        # a word in most of this corpus says little here, however rare in English at large
        # (the topic of a themed collection, or any word of a language wordfreq does not know)
        df = np.bincount(cols, minlength=len(weights))
        corpus_idf = np.log((len(docs) + 1) / (df + 1)) + 1.0
        weight_of = np.minimum(weight_of, corpus_idf)
    data = (1.0 + np.log(np.array(frequencies, dtype=np.float64))) * weight_of[cols] if len(cols) else np.zeros(0)
    del frequencies
    matrix = sparse.csr_matrix((data, cols, np.array(indptr)), shape=(len(docs), max(1, len(vocabulary))))
    del data, cols
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return CorpusTfidf(sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix), dict(zip(vocabulary, weight_of.tolist())))


def masked_cosine(doc_a: Doc, keep_a: np.ndarray, doc_b: Doc, keep_b: np.ndarray, weight: dict[str, float]) -> float:
    """Weighted cosine of the words of two documents that ``keep_a`` / ``keep_b`` select: how alike
    what is left of two texts is once their verbatim passages are set aside."""
    def bag(doc: Doc, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ids, counts = np.unique(doc.word_ids[keep & doc.alphabetic], return_counts=True)
        return ids, (1.0 + np.log(counts)) * weights_of(ids, weight)

    (ids_a, a), (ids_b, b) = bag(doc_a, keep_a), bag(doc_b, keep_b)
    if not len(a) or not len(b):
        return 0.0
    _, in_a, in_b = np.intersect1d(ids_a, ids_b, assume_unique=True, return_indices=True)
    return float(a[in_a] @ b[in_b] / math.sqrt((a @ a) * (b @ b)))


def pair_cosines(matrix: sparse.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """Cosine of rows i and j for every (i, j) in ``pairs`` (shape (n, 2))."""
    out = np.zeros(len(pairs))
    # a chunk at a time: the rows taken out for a chunk's pairs are copies (a corpus's candidate
    # pairs at once took gigabytes)
    for first in range(0, len(pairs), _PAIR_CHUNK):
        chunk = pairs[first:first + _PAIR_CHUNK]
        out[first:first + len(chunk)] = np.asarray(matrix[chunk[:, 0]].multiply(matrix[chunk[:, 1]]).sum(axis=1)).ravel()
    return out


_PAIR_CHUNK = 4096  # pairs a chunk: the chunk's rows are copied twice, and multiplied (16,384: ~100 MB at 20k)
