"""Short texts saying the same things in other words: a heavy rewrite of a paragraph or two.

The in-order sentence alignment finds a rewrite that re-words its source sentence by sentence; one
that also merges and reorders sentences covers too little of either text in order, and only the
event model speaks: `same_event`. Between two short texts what tells such a rewrite from two
independent reports of one event is that neither says anything the other does not: nearly every
sentence of each has a close counterpart (in any order) in the other, and the content words
(quotations aside: both may quote one speaker) are largely the same. Thresholds in thresholds.py,
measured in BENCHMARKS.md ("Short rewrites").
"""

from __future__ import annotations

from dataclasses import dataclass


from .. import thresholds as T
from ..model import Doc
from .pairscore import _STOPWORDS, _stem
from .paraphrase import sentence_vectors
from ..text.prepared import Prepared
from .alignment import NeedsEncoder


def short_paragraphs(p: Prepared) -> bool:
    """A paragraph or two: the size of text this test was measured on."""
    return 0 < p.word_count <= T.RESTATED_MAX_WORDS


def content_stems(doc: Doc) -> set[str]:
    """Stems of the words outside quotation marks, function words aside."""
    keep = doc.alphanumeric & ~doc.quoted
    return {_stem(w) for w, k in zip(doc.norms, keep.tolist())
            if k and len(w) > 2 and w not in _STOPWORDS}


def shared_content(da: Doc, db: Doc) -> float:
    """Content stems the two share, over the larger side's: both must hold few of their own."""
    a, b = content_stems(da), content_stems(db)
    return len(a & b) / max(len(a), len(b), 1)


def sentence_counterparts(pa: Prepared, pb: Prepared) -> float:
    """Each sentence's closest sentence of the other text (cosine, any order), averaged over its
    words; the less covered text's figure."""
    va = sentence_vectors(pa.doc, list(range(len(pa.doc.sentences))))
    vb = sentence_vectors(pb.doc, list(range(len(pb.doc.sentences))))
    if not len(va) or not len(vb):
        return 0.0
    cos = va @ vb.T
    wa, wb = pa.doc.sentence_sizes.astype(float), pb.doc.sentence_sizes.astype(float)
    return float(min((cos.max(axis=1) * wa).sum() / (wa.sum() or 1), (cos.max(axis=0) * wb).sum() / (wb.sum() or 1)))


@dataclass
class Restated:
    shared_content: float
    sentence_counterparts: float
    body_cosine: float

    def to_json(self) -> dict:
        return {"shared_content": round(self.shared_content, 4),
                "sentence_counterparts": round(self.sentence_counterparts, 4),
                "body_cosine": round(self.body_cosine, 4)}

    @property
    def holds(self) -> bool:
        return (self.shared_content >= T.RESTATED_SHARED_CONTENT
                and self.sentence_counterparts >= T.RESTATED_SENTENCE_COUNTERPARTS
                and self.body_cosine >= T.RESTATED_BODY_COSINE)


def restated(pa: Prepared, pb: Prepared, can_encode: bool = True) -> Restated | None:
    """The evidence on two short texts (None unless both are a paragraph or two and share enough
    content words to be worth encoding their sentences; without ``can_encode``, ``NeedsEncoder``
    when they are)."""
    if not (short_paragraphs(pa) and short_paragraphs(pb)) or pa.word_salad or pb.word_salad:
        return None  # word salad restates nothing
    shared = shared_content(pa.doc, pb.doc)
    if shared < T.RESTATED_SHARED_CONTENT:
        return None
    if not can_encode:
        raise NeedsEncoder
    return Restated(shared, sentence_counterparts(pa, pb), float(pa.body_vector @ pb.body_vector))
