"""Rarity-weighted bags of words for the whole corpus as one sparse matrix, so the cosines of
thousands of candidate pairs are one vectorised product instead of a Python loop per pair.

Weights: sublinear term frequency times rarity from wordfreq (7 - Zipf frequency), which stands
in for a corpus IDF when there is no corpus (`compare` on two texts); over a corpus of some size,
a word's weight is also capped by its IDF in that corpus.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse

from .. import thresholds as T
from ..model import Doc
from . import vocab
from .vocab import is_counted, weights_of
from .zipf import zipf_en


@lru_cache(maxsize=1 << 20)
def rarity(word: str) -> float:
    if word[:1].isdigit():
        return 3.0
    return max(0.5, 7.0 - zipf_en(word))


_UNSEEN = -2  # a word id not met yet (column_of)


@dataclass
class CorpusTfidf:
    matrix: sparse.csr_matrix  # one L2-normalised row per document
    weight: dict[str, float]   # each word's weight in this corpus


def corpus_tfidf(docs: list[Doc]) -> CorpusTfidf:
    """Weighted bags of words of all documents (words of two or more letters): ``tfidf_of_bags``
    of each document's ``bag_of``."""
    return tfidf_of_bags(map(bag_of, docs), len(docs))


def bag_of(doc: Doc) -> tuple[np.ndarray, np.ndarray]:
    """A document's distinct word ids and their counts, in the order of each word's first
    appearance: the order a row's products are summed in (as a Counter of its words gave it)."""
    ids, first, counts = np.unique(doc.words, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    return ids[order], counts[order]


def tfidf_of_bags(bags: Iterable[tuple[np.ndarray, np.ndarray]], documents: int) -> CorpusTfidf:
    """The corpus TF-IDF of ``documents`` bags (word ids of this process, counts). New words get
    columns in the order they are met. The bags are gathered into two flat buffers, int32 columns and
    float64 counts (the floats the weights are computed in, in place): 12 bytes an entry at the peak,
    the matrix's own size (int32 counts converted afterwards held 16; arrays a document, 16 bytes
    an entry and 224 a document, then copied whole into one)."""
    vocabulary: dict[str, int] = {}
    column_of = np.full(1024, _UNSEEN, dtype=np.int64)  # by word id: its column, -1 when not counted
    weights: list[float] = []  # rarity of each vocabulary word, by column
    indptr, columns, frequencies = array("q", [0]), array("i"), array("d")
    for ids, counts in bags:
        if len(ids) and ids.max() >= len(column_of):
            grown = np.full(max(2 * len(column_of), int(ids.max()) + 1), _UNSEEN, dtype=np.int64)
            grown[:len(column_of)] = column_of
            column_of = grown
        found = column_of[ids]
        unseen = found == _UNSEEN
        if unseen.any():
            for i in ids[unseen].tolist():  # in order of first appearance
                w = vocab.WORDS[i]
                if is_counted(w):
                    column_of[i] = vocabulary[w] = len(weights)
                    weights.append(rarity(w))
                else:
                    column_of[i] = -1
            found = column_of[ids]
        kept = found >= 0
        columns.frombytes(found[kept].astype(np.int32).tobytes())
        frequencies.frombytes(counts[kept].astype(np.float64).tobytes())
        indptr.append(len(columns))
    cols = np.frombuffer(columns, dtype=np.int32)  # shares the buffer: no copy
    weight_of = np.array(weights)
    if documents >= T.MIN_DOCUMENTS_FOR_CORPUS_IDF and len(cols):
        # a word in most of this corpus says little here, however rare in English at large
        # (the topic of a themed collection, or any word of a language wordfreq does not know)
        # counted a chunk at a time: bincount takes int64 copies of what it counts (8 bytes an entry)
        df = np.zeros(len(weights), dtype=np.int64)
        for first in range(0, len(cols), _ENTRY_CHUNK):
            df += np.bincount(cols[first:first + _ENTRY_CHUNK], minlength=len(weights))
        corpus_idf = np.log((documents + 1) / (df + 1)) + 1.0
        weight_of = np.minimum(weight_of, corpus_idf)
    data = np.frombuffer(frequencies, dtype=np.float64)  # shares the buffer: computed in place
    np.log(data, out=data)
    data += 1.0
    for first in range(0, len(data), _ENTRY_CHUNK):  # (1 + log tf) * weight, a chunk at a time
        data[first:first + _ENTRY_CHUNK] *= weight_of[cols[first:first + _ENTRY_CHUNK]]
    from scipy import sparse  # here, not at import: a trace (a new process a query) never builds the matrix

    matrix = sparse.csr_matrix((data, cols, np.frombuffer(indptr, dtype=np.int64)),
                               shape=(documents, max(1, len(vocabulary))))
    del data, cols, columns, frequencies
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
_ROW_CHUNK = 1024  # rows a step of the normalisation: its copies ~28 bytes an entry (8 MB at ~300 entries a row)
_PAIR_CHUNK = 4096  # pairs a chunk: the chunk's rows are copied twice, and multiplied (16,384: ~100 MB at 20k)
