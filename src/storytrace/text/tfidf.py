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
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
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
    cols = np.frombuffer(columns, dtype=np.int32)  # shares the buffer: no copy
    weight_of = np.array(weights)
    if len(docs) >= T.MIN_DOCUMENTS_FOR_CORPUS_IDF and len(cols):
        # a word in most of this corpus says little here, however rare in English at large
        # (the topic of a themed collection, or any word of a language wordfreq does not know)
        df = np.bincount(cols, minlength=len(weights))
        corpus_idf = np.log((len(docs) + 1) / (df + 1)) + 1.0
        weight_of = np.minimum(weight_of, corpus_idf)
    data = np.frombuffer(frequencies, dtype=np.int32).astype(np.float64)
    del frequencies
    np.log(data, out=data)
    data += 1.0
    for first in range(0, len(data), _ENTRY_CHUNK):  # (1 + log tf) * weight, a chunk at a time
        data[first:first + _ENTRY_CHUNK] *= weight_of[cols[first:first + _ENTRY_CHUNK]]
    from scipy import sparse  # here, not at import: a trace (a new process a query) never builds the matrix

    matrix = sparse.csr_matrix((data, cols, np.frombuffer(indptr, dtype=np.int64)),
                               shape=(len(docs), max(1, len(vocabulary))))
    del data, cols, columns
    _normalise_rows(matrix)
    return CorpusTfidf(matrix, dict(zip(vocabulary, weight_of.tolist())))


def _normalise_rows(matrix: sparse.csr_matrix) -> None:
    """Each row divided by its L2 norm, in place, bit for bit as scipy's ``diags(1 / norms) @ matrix``
    (with norms from ``matrix.multiply(matrix).sum(axis=1)``) gave it, without that product's two
    copies of the matrix (12 bytes an entry each, at the candidates stage's peak). Those copies hold
    each row's entries in reverse order (scipy's sparse products build a row as a linked list), and
    the pair cosines sum rows in stored order: the rows are reversed here too. The squares are
    summed in the order scipy's elementwise product left them: reversed, unless the whole matrix
    was canonical (every row's columns increasing), when it keeps them as they are."""
    indptr, data, indices = matrix.indptr, matrix.data, matrix.indices
    canonical = matrix.has_canonical_format
    rows = len(indptr) - 1
    norms = np.zeros(rows)
    for a in range(0, rows, _ROW_CHUNK):
        b = min(rows, a + _ROW_CHUNK)
        s, e = int(indptr[a]), int(indptr[b])
        if not canonical:
            _reverse_rows(indptr[a:b + 1], data, indices)
        if e > s:
            square = data[s:e] * data[s:e]
            filled = np.flatnonzero(np.diff(indptr[a:b + 1]))
            norms[a + filled] = np.add.reduceat(square, indptr[a + filled] - s)
        if canonical:
            _reverse_rows(indptr[a:b + 1], data, indices)
    np.sqrt(norms, out=norms)
    norms[norms == 0] = 1.0
    np.divide(1.0, norms, out=norms)
    for a in range(0, rows, _ROW_CHUNK):
        b = min(rows, a + _ROW_CHUNK)
        s, e = int(indptr[a]), int(indptr[b])
        data[s:e] *= np.repeat(norms[a:b], np.diff(indptr[a:b + 1]))
    # the order flags scipy cached describe the rows before they were reversed: found again when asked
    for flag in ("_has_sorted_indices", "_has_canonical_format"):
        matrix.__dict__.pop(flag, None)


def _reverse_rows(indptr: np.ndarray, data: np.ndarray, indices: np.ndarray) -> None:
    """The entries of the rows that ``indptr`` (a slice of the matrix's, row ends included) spans,
    each row's in reverse order, in place."""
    s, e = int(indptr[0]), int(indptr[-1])
    if e - s < 2:
        return
    lengths = np.diff(indptr)
    row = np.repeat(np.arange(len(lengths)), lengths)
    source = (indptr[:-1] + indptr[1:] - 1)[row] - np.arange(s, e)  # each entry's mirror in its row
    data[s:e] = data[source]
    indices[s:e] = indices[source]


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


# Entries and rows a step when the matrix is built: each step's temporary copies are a few MB
# (the whole matrix's at once were 8 bytes an entry more at the candidates stage's peak).
_ENTRY_CHUNK = 1 << 20
_ROW_CHUNK = 4096
_PAIR_CHUNK = 4096  # pairs a chunk: the chunk's rows are copied twice, and multiplied (16,384: ~100 MB at 20k)
