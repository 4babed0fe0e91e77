"""Rarity-weighted bags of words for the whole corpus as one sparse matrix, so the cosines of
thousands of candidate pairs are one vectorised product instead of a Python loop per pair.

Weights: sublinear term frequency times rarity from wordfreq (7 - Zipf frequency), which stands
in for a corpus IDF: two articles get the same weights whatever else is being analysed, so
`compare` on two texts and `analyze` on a corpus agree.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import sparse
from wordfreq import zipf_frequency

from .model import Doc


@lru_cache(maxsize=1 << 20)
def rarity(word: str) -> float:
    if word[:1].isdigit():
        return 3.0
    return max(0.5, 7.0 - zipf_frequency(word, "en"))


def tfidf_matrix(docs: list[Doc]) -> sparse.csr_matrix:
    """One L2-normalised row per document (words of two or more letters)."""
    vocabulary: dict[str, int] = {}
    weights: list[float] = []  # rarity of each vocabulary word, by column
    indptr, indices, values = [0], [], []
    for doc in docs:
        counts: dict[int, int] = {}
        for t in doc.tokens:
            w = t.norm
            if len(w) > 1 and w.isalpha():
                k = vocabulary.get(w)
                if k is None:
                    k = vocabulary[w] = len(weights)
                    weights.append(rarity(w))
                counts[k] = counts.get(k, 0) + 1
        cols = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        indices.append(cols)
        values.append(tf)
        indptr.append(indptr[-1] + len(counts))
    rarity_of = np.array(weights)
    cols = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
    data = (1.0 + np.log(np.concatenate(values))) * rarity_of[cols] if len(cols) else np.zeros(0)
    matrix = sparse.csr_matrix((data, cols, np.array(indptr)), shape=(len(docs), max(1, len(vocabulary))))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def pair_cosines(matrix: sparse.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """Cosine of rows i and j for every (i, j) in ``pairs`` (shape (n, 2))."""
    if len(pairs) == 0:
        return np.zeros(0)
    return np.asarray(matrix[pairs[:, 0]].multiply(matrix[pairs[:, 1]]).sum(axis=1)).ravel()
