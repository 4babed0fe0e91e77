"""What two texts share: verbatim passages, then paraphrase passages over what those leave, and the
share of each text's counted words (furniture and quotes aside) they cover."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import thresholds as T
from .passages import covered_tokens, verbatim_passages
from ..model import Coverage, Doc
from .paraphrase import counterpart_share, lexical_overlaps, paraphrase_passages
from ..text.prepared import Prepared
from ..text.tfidf import masked_cosine


def counted_words(doc: Doc, short: bool) -> np.ndarray:
    """The words coverage is measured over: all of them for sentence-sized texts; for articles, those
    outside quotation marks, since two independent reports share a speaker's words legitimately
    (unless quotations are most of the article, as in a transcript)."""
    if short or (~doc.quoted).sum() < T.MIN_UNQUOTED_SHARE * len(doc):
        return np.ones(len(doc), dtype=bool)
    return ~doc.quoted


def _coverage(counted: np.ndarray, verbatim_mask: np.ndarray, paraphrase_mask: np.ndarray) -> Coverage:
    n = int(counted.sum())
    if n == 0:
        return Coverage()
    verbatim = float((verbatim_mask & counted).sum()) / n
    paraphrase = float((paraphrase_mask & ~verbatim_mask & counted).sum()) / n
    return Coverage(verbatim, paraphrase)


def is_short(p: Prepared) -> bool:
    return p.sentence_count <= 2


@dataclass
class Alignment:
    """What two texts share: passages, and how much of each (furniture and quotes aside) they cover."""

    verbatim: list
    paraphrase: list
    coverage_a: Coverage
    coverage_b: Coverage
    counted: tuple | None = None  # (counted words of a, of b, verbatim mask of a, of b): for verbatim_only

    @property
    def passages(self) -> list:
        return sorted(self.verbatim + self.paraphrase, key=lambda p: (p.a[0], p.b[0]))

    def verbatim_only(self) -> "Alignment":
        """The alignment without its paraphrase passages (a judge that overrules them: the output
        never shows a paraphrase the relation denies)."""
        if not self.paraphrase or self.counted is None:
            return self
        counted_a, counted_b, vmask_a, vmask_b = self.counted
        none_a, none_b = np.zeros(len(vmask_a), bool), np.zeros(len(vmask_b), bool)
        return Alignment(self.verbatim, [], _coverage(counted_a, vmask_a, none_a),
                         _coverage(counted_b, vmask_b, none_b), self.counted)


class NeedsEncoder(Exception):
    """Raised, when the encoder may not be used, by a pair that needs sentence vectors."""


def align_pair(pa: Prepared, pb: Prepared, tfidf_cosine: float, weight: dict[str, float],
               short: bool, shares_text: bool = True, can_encode: bool = True) -> Alignment:
    """Verbatim passages (when the pair shares text at all), then paraphrase passages over what they
    leave, if that still looks like a rewording (``NeedsEncoder`` then, unless ``can_encode``). Word
    salad states nothing, so nothing of it is a paraphrase: only its verbatim passages count."""
    da, db = pa.doc, pb.doc
    counted_a, counted_b = counted_words(da, short), counted_words(db, short)
    if shares_text:
        verbatim, vmask_a, vmask_b = verbatim_passages(da, db, pa.hashes, pb.hashes)
    else:
        verbatim, vmask_a, vmask_b = [], np.zeros(len(da), bool), np.zeros(len(db), bool)
    cov_va = float((vmask_a & counted_a).sum()) / max(1, counted_a.sum())
    cov_vb = float((vmask_b & counted_b).sum()) / max(1, counted_b.sum())
    decided_by_copy = max(cov_va, cov_vb) >= T.VERSION_VERBATIM
    paraphrase = []
    # sentence alignment by meaning costs encoder time: only where what the verbatim passages leave
    # of the two texts still shares its vocabulary, as a rewrite's does
    overlaps = None
    if not decided_by_copy and not short and (
            tfidf_cosine >= T.PARAPHRASE_GATE_TFIDF
            and (not verbatim or masked_cosine(da, ~vmask_a, db, ~vmask_b, weight) >= T.PARAPHRASE_GATE_TFIDF)):
        overlaps = lexical_overlaps(da, vmask_a, db, vmask_b, weight)
    if not decided_by_copy and (short or (overlaps is not None
                                          and counterpart_share(*overlaps) >= T.PARTIAL_PARAPHRASE_COVERAGE)) \
            and not (pa.word_salad or pb.word_salad):  # checked last: only pairs about to be encoded
        if not can_encode:
            raise NeedsEncoder
        paraphrase = paraphrase_passages(da, db, vmask_a, vmask_b, strict=not short,
                                         overlaps=None if overlaps is None else overlaps[0])
    pmask_a = covered_tokens(da, [p.a for p in paraphrase])
    pmask_b = covered_tokens(db, [p.b for p in paraphrase])
    return Alignment(verbatim, paraphrase, _coverage(counted_a, vmask_a, pmask_a),
                     _coverage(counted_b, vmask_b, pmask_b), (counted_a, counted_b, vmask_a, vmask_b))
