"""Paraphrase alignment: the sentences of one article matched, in order, to those of the other.

Sentence pairs close enough in vector space are scored by the learned pair scorer (vector
cosine combined with shared names, numbers and rare words); the best order-preserving set of
matches above the scorer's calibrated threshold is kept. A sentence split in two by the
rewriter is caught by letting an unmatched neighbour of a matched sentence join the match.
"""

from __future__ import annotations

import numpy as np

from .. import thresholds as T
from .passages import monotone_matches
from ..encode.embed import get_encoder
from ..model import Doc, Passage
from .pairscore import features_batch, get_scorer
from ..text.vocab import weights_of


def sentence_vectors(doc: Doc, indices: list[int]) -> np.ndarray:
    """Vectors of the chosen sentences only (the encoder caches them by text for later pairs)."""
    return get_encoder().encode([doc.sentence_text(i) for i in indices])


def _open_sentences(doc: Doc, verbatim_mask: np.ndarray) -> list[int]:
    """Sentences not already mostly covered by verbatim passages."""
    return np.flatnonzero(_open_mask(doc, verbatim_mask)).tolist()


def _open_mask(doc: Doc, verbatim_mask: np.ndarray) -> np.ndarray:
    if not doc.sentences:
        return np.zeros(0, dtype=bool)
    covered = np.add.reduceat(verbatim_mask.astype(np.int64), doc.sentence_firsts) if len(verbatim_mask) else 0
    sizes = doc.sentence_sizes
    share = np.divide(covered, sizes, out=np.ones(len(sizes)), where=sizes > 0)
    return (sizes > 0) & (share < T.VERBATIM_SENTENCE_SHARE)


def counterpart_share(overlap: np.ndarray, sizes_a: np.ndarray, sizes_b: np.ndarray) -> float:
    """From ``lexical_overlaps``' answer: the share of words (in the better-matched text) whose
    sentence has a lexical counterpart in the other, one whose weighted words overlap it by at least
    T.LEXICAL_SENTENCE_OVERLAP. A reworded sentence keeps its names, numbers and key words, so when
    too few sentences have a counterpart no paraphrase alignment could reach a reuse relation, and
    the encoder is not run."""
    if not len(sizes_a) or not len(sizes_b):
        return 0.0
    counterpart_a = overlap >= T.LEXICAL_SENTENCE_OVERLAP
    # the test is symmetric: rows of a with a counterpart in b, columns of b with one in a
    share_a = float(sizes_a[counterpart_a.any(axis=1)].sum() / (sizes_a.sum() or 1))
    share_b = float(sizes_b[counterpart_a.any(axis=0)].sum() / (sizes_b.sum() or 1))
    return max(share_a, share_b)


def lexical_overlaps(doc_a: Doc, mask_a: np.ndarray, doc_b: Doc, mask_b: np.ndarray,
                     weight: dict[str, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For the open sentences of two texts (``_open_sentences``, in order): the weighted mass of the
    words each two share over the lighter one's mass (rows: a's sentences, columns: b's), and the
    sentences' sizes in words."""
    def words(doc: Doc, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sizes of the open sentences, and (row, word id) of their alphanumeric words."""
        is_open = _open_mask(doc, mask)
        sizes = doc.sentence_sizes[is_open]
        row_of_sentence = np.cumsum(is_open) - 1
        sentence_of_token = np.repeat(np.arange(len(doc.sentences)), doc.sentence_sizes)
        take = is_open[sentence_of_token] & doc.alphanumeric
        return sizes, row_of_sentence[sentence_of_token[take]], doc.word_ids[take]

    (sizes_a, rows_a, ids_a), (sizes_b, rows_b, ids_b) = words(doc_a, mask_a), words(doc_b, mask_b)
    sizes_a, sizes_b = sizes_a.astype(np.float64), sizes_b.astype(np.float64)
    if not len(sizes_a) or not len(sizes_b):
        return np.zeros((len(sizes_a), len(sizes_b))), sizes_a, sizes_b
    vocabulary, columns = np.unique(np.r_[ids_a, ids_b], return_inverse=True)
    word_weight = weights_of(vocabulary, weight)
    in_a = np.zeros((len(sizes_a), len(vocabulary)))
    in_b = np.zeros((len(sizes_b), len(vocabulary)))
    in_a[rows_a, columns[:len(ids_a)]] = 1.0
    in_b[rows_b, columns[len(ids_a):]] = 1.0
    shared = (in_a * word_weight) @ in_b.T
    mass_a, mass_b = in_a @ word_weight, in_b @ word_weight
    mass_a[mass_a == 0], mass_b[mass_b == 0] = 1.0, 1.0
    return shared / np.minimum(mass_a[:, None], mass_b[None, :]), sizes_a, sizes_b


def paraphrase_passages(doc_a: Doc, doc_b: Doc, mask_a: np.ndarray, mask_b: np.ndarray,
                        strict: bool = True, overlaps: np.ndarray | None = None) -> list[Passage]:
    """Order-preserving sentence matches. ``strict`` (articles) asks for a higher probability than the
    scorer's sentence-pair threshold: in two reports of one event many sentences state the same
    fact, and only close rewordings should count as reuse. With ``overlaps`` (``lexical_overlaps``'
    matrix), a sentence sharing too few words with every sentence of the other text
    (T.ENCODE_MIN_OVERLAP) is not encoded: it could not reach the strict probability."""
    open_a, open_b = _open_sentences(doc_a, mask_a), _open_sentences(doc_b, mask_b)
    if not open_a or not open_b:
        return []
    cos = np.full((len(open_a), len(open_b)), -1.0, dtype=np.float32)
    rows_kept, cols_kept = np.arange(len(open_a)), np.arange(len(open_b))
    if overlaps is not None:
        close = overlaps >= T.ENCODE_MIN_OVERLAP
        rows_kept, cols_kept = np.flatnonzero(close.any(axis=1)), np.flatnonzero(close.any(axis=0))
        if not len(rows_kept) or not len(cols_kept):
            return []
    vectors_a = sentence_vectors(doc_a, [open_a[r] for r in rows_kept.tolist()])
    vectors_b = sentence_vectors(doc_b, [open_b[c] for c in cols_kept.tolist()])
    cos[np.ix_(rows_kept, cols_kept)] = vectors_a @ vectors_b.T
    rows, cols = np.nonzero(cos >= T.PARAPHRASE_MIN_COSINE)
    if len(rows) == 0:
        return []
    scorer = get_scorer()
    texts = [(doc_a.sentence_text(open_a[r]), doc_b.sentence_text(open_b[c])) for r, c in zip(rows, cols)]
    prob = scorer.paraphrase_probability(features_batch(texts, cos[rows, cols]))
    weights = np.zeros(cos.shape)
    threshold = max(scorer.paraphrase_threshold, T.ARTICLE_PARAPHRASE_PROBABILITY) if strict \
        else scorer.paraphrase_threshold
    weights[rows, cols] = prob - threshold
    matches = monotone_matches(weights)
    prob_at = np.zeros(cos.shape)
    prob_at[rows, cols] = prob
    matched_a = {r: c for r, c in matches}
    matched_b = {c: r for r, c in matches}
    # a sentence the rewriter split or merged: an unmatched neighbour that also matches the partner well
    extra = []
    for r, c in matches:
        for nr in (r - 1, r + 1):
            if 0 <= nr < len(open_a) and nr not in matched_a and prob_at[nr, c] > threshold:
                extra.append((nr, c))
                matched_a[nr] = c
        for nc in (c - 1, c + 1):
            if 0 <= nc < len(open_b) and nc not in matched_b and prob_at[r, nc] > threshold:
                extra.append((r, nc))
                matched_b[nc] = r
    passages = []
    for r, c in sorted(matches + extra):
        sa, sb = doc_a.sentences[open_a[r]], doc_b.sentences[open_b[c]]
        passages.append(Passage((sa.start, sa.end), (sb.start, sb.end), "paraphrase", float(prob_at[r, c])))
    return passages
