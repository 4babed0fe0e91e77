"""Preparing articles for comparison: segmented, fingerprinted, their leads encoded. What the
batch engines (engine/pipeline.py, engine/distributed.py), the store and the pair judge (judge/) all work on."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from functools import cached_property
from typing import Callable

import numpy as np

from .. import thresholds as T
from ..encode.embed import DIMENSIONS, get_encoder
from ..encode.leads import pack, rounded_packs, unpack
from .doc_file import DocFile
from .fingerprint import key_terms, token_hashes
from ..model import Article, Doc
from ..judge.paraphrase import sentence_vectors
from .segment import segment
from ..judge.word_order import is_word_salad

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class Prepared:
    """A segmented article with its fingerprints; sentence vectors are computed on first need.

    A batch run holds every article's until compare ends, so the lead vector is kept as
    ``leads.pack`` keeps it in the store (388 bytes instead of 1,536: the lead is rounded to 8 bits
    as it leaves the encoder) and ``lead`` gives the float32 vector back, bit for bit."""

    def __init__(self, doc: Doc, terms, lead) -> None:
        self.doc = doc
        self.terms: tuple[str, ...] = tuple(sorted(terms))  # fingerprint.key_terms
        self.packed_lead: bytes = lead if isinstance(lead, bytes) else pack(lead)

    @property
    def lead(self) -> np.ndarray:
        return unpack(self.packed_lead, DIMENSIONS)

    # What the event model's pairs read (judge/batch.py): a stored article answers them from its
    # profile without being segmented (store/profiles.StoredPrepared).
    @property
    def id(self) -> str:
        return self.doc.id

    @property
    def article(self) -> Article:
        return self.doc.article

    @property
    def segmented(self) -> bool:
        return True

    @property
    def sentence_count(self) -> int:
        return len(self.doc.sentences)

    @property
    def word_count(self) -> int:
        """Alphanumeric tokens (what judge.restated.short_paragraphs bounds)."""
        return int(self.doc.alphanumeric.sum())

    @property
    def hashes(self) -> np.ndarray:
        """Each token's word hash: a lookup by word id, not kept (8 bytes a token)."""
        return token_hashes(self.doc)

    @property
    def body_vector(self) -> np.ndarray:
        """Mean of all sentence vectors (used for sentence-sized texts)."""
        v = sentence_vectors(self.doc, list(range(len(self.doc.sentences))))
        if not len(v):
            return self.lead
        mean = v.mean(axis=0)
        return mean / (np.linalg.norm(mean) or 1.0)

    @cached_property
    def word_salad(self) -> bool:
        """Words in no prose order (judge/word_order.py): such a text reports no event and restates nothing."""
        return is_word_salad(self.doc)


def lead_text(doc: Doc) -> str:
    """Title and the first words of the body: what an editor reads to know what a story is about."""
    words, parts = 0, []
    title = doc.article.title
    if title:
        parts.append(title)
    for i, s in enumerate(doc.sentences):
        if title and i == 0 and doc.sentence_text(0).strip() == title.strip():
            continue
        parts.append(doc.sentence_text(i))
        words += s.last_token - s.first_token
        if words >= T.LEAD_WORDS:
            break
    return " ".join(parts)


_PREPARE_CHUNK = 256  # articles per progress step of ``prepare``


def submit_leads(pool: ThreadPoolExecutor, docs: list[Doc]) -> Future:
    """The documents' lead vectors, encoded on ``pool`` (the encoder releases the interpreter lock,
    so the caller goes on meanwhile), rounded as they leave the encoder and packed as Prepared keeps
    them (encode/leads.py)."""
    texts = [lead_text(d) for d in docs]
    return pool.submit(lambda: rounded_packs(get_encoder().encode(texts, T.LEAD_WORD_PIECES)))


def prepare(articles: list[Article], progress: Progress | None = None,
            doc_file: DocFile | None = None) -> list[Prepared]:
    """Segment, fingerprint and encode the leads of the articles, a chunk at a time so a progress
    display can follow. The encoder (which releases the interpreter lock) works on one chunk's leads
    on a thread while the next chunk is segmented. ``doc_file`` (text/doc_file.py): each chunk's
    documents' arrays are moved there once their leads and terms are made."""
    prepared: list[Prepared] = []

    def finish(docs: list[Doc], terms: list[set[str]], leads) -> None:
        prepared.extend(Prepared(d, t, v) for d, t, v in zip(docs, terms, leads.result()))
        if doc_file is not None:
            doc_file.move(docs)
        if progress:
            progress("prepare", len(prepared), len(articles))

    with ThreadPoolExecutor(1, thread_name_prefix="storytrace-leads") as lead_encoder:
        waiting = None
        for first in range(0, len(articles), _PREPARE_CHUNK):
            docs = [segment(a) for a in articles[first:first + _PREPARE_CHUNK]]
            leads = submit_leads(lead_encoder, docs)
            terms = [key_terms(d) for d in docs]
            if waiting:
                finish(*waiting)
            waiting = (docs, terms, leads)
        if waiting:
            finish(*waiting)
    return prepared
