"""The corpus TF-IDF matrix is normalised in place (text/tfidf.py, issue 13's memory): it must be
the matrix scipy's ``diags(1 / norms) @ matrix`` gave, bit for bit and entry order included, since
the pair cosines sum each row in stored order and every later threshold reads them."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from storytrace.model import Article
from storytrace.text import tfidf
from storytrace.text.segment import segment

ROOT = Path(__file__).resolve().parents[1]


def _by_products(docs):
    """The matrix as it was built before: raw weights, then norms and scaling by scipy products."""
    raw = tfidf.corpus_tfidf(docs)  # rows of norm 1; undo nothing: rebuild the raw weights instead
    vocabulary = {w: k for k, w in enumerate(raw.weight)}
    rows, cols, vals = [0], [], []
    from collections import Counter

    for doc in docs:
        for w, c in Counter(doc.norms).items():
            if w in vocabulary:
                cols.append(vocabulary[w])
                vals.append((1.0 + np.log(np.float64(c))) * raw.weight[w])
        rows.append(len(cols))
    matrix = sparse.csr_matrix((np.array(vals, dtype=np.float64), np.array(cols, dtype=np.int32),
                                np.array(rows)), shape=raw.matrix.shape)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix), raw.matrix


def _docs(n: int):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synthetic
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    records, _ = synthetic.make_corpus(n, 5)
    return [segment(Article(r["id"], r["text"])) for r in records]


@pytest.mark.parametrize("n", [1, 2, 40])  # one document: the whole matrix in column order (canonical)
def test_matrix_bit_for_bit_as_scipy_products(n):
    docs = _docs(40)[:n] + ([segment(Article("empty", "1 2 . ."))] if n > 1 else [])
    expected, got = _by_products(docs)
    assert np.array_equal(expected.indptr, got.indptr)
    assert np.array_equal(expected.indices, got.indices)  # each row's entries in the same order
    assert expected.data.tobytes() == got.data.tobytes()
    assert got.has_canonical_format == expected.has_canonical_format
    pairs = np.array([[i, j] for i in range(len(docs)) for j in range(len(docs))])
    assert tfidf.pair_cosines(got, pairs).tobytes() == tfidf.pair_cosines(expected, pairs).tobytes()


def test_rows_across_chunks(monkeypatch):
    """Rows normalised a chunk at a time give what one chunk gives."""
    docs = _docs(40)
    whole = tfidf.corpus_tfidf(docs).matrix
    monkeypatch.setattr(tfidf, "_ROW_CHUNK", 3)
    monkeypatch.setattr(tfidf, "_ENTRY_CHUNK", 7)
    chunked = tfidf.corpus_tfidf(docs).matrix
    assert np.array_equal(whole.indices, chunked.indices) and whole.data.tobytes() == chunked.data.tobytes()


def test_columns_numbered_in_the_order_words_are_first_met():
    """Columns follow the corpus's first meeting of each counted word (the pair cosines' sums follow
    the columns): as the Counter of each document's words, document after document, gave them."""
    from storytrace.text.vocab import is_counted

    docs = _docs(40)
    met: dict[str, None] = {}
    for doc in docs:
        for w in doc.norms:
            if is_counted(w):
                met.setdefault(w)
    assert list(tfidf.corpus_tfidf(docs).weight) == list(met)


def test_bags_of_a_documents_words_in_order_of_first_appearance():
    doc = segment(Article("a", "Rain, rain and wind. Wind again and rain; sun."))
    ids, counts = tfidf.bag_of(doc)
    from storytrace.text.vocab import WORDS

    assert [WORDS[i] for i in ids.tolist()] == ["rain", "and", "wind", "again", "sun"]  # tokens are words
    assert counts.tolist() == [3, 2, 2, 1, 1]
    whole = tfidf.corpus_tfidf([doc, doc])
    by_bags = tfidf.tfidf_of_bags([tfidf.bag_of(doc)] * 2, 2)
    assert whole.matrix.data.tobytes() == by_bags.matrix.data.tobytes() and whole.weight == by_bags.weight
