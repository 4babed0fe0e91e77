"""The whole analysis, top to bottom: ingest, clean, segment, fingerprint, embed, candidates,
align, relate, stories, storylines, provenance. Each step is a plain function over plain data; this module
only wires them together (the CLI and the API are shells over ``analyze`` and ``compare``).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Callable, Iterable

import numpy as np

from . import thresholds as T
from .align import covered_tokens, verbatim_passages
from .candidates import (pair_difference, shared_term_candidates, shared_text_candidates, strongest_per_document,
                         unique_pairs, vector_neighbour_candidates)
from .claims import find_claims
from .clean import mark_furniture
from .direction import context_fit, direction
from .embed import get_encoder
from .family import orient_by_credited_copies
from .event import event_features, event_features_batch, get_event_model
from .fingerprint import key_terms, sampled_ngrams, token_hashes
from .ingest import read_inputs
from .model import Article, Coverage, Doc, Pair
from .neardup import band_pairs, sketch_word_hashes
from .paraphrase import counterpart_share, lexical_overlaps, paraphrase_passages, sentence_vectors
from .processes import MIN_PAIRS, can_fork, chunked, default_processes, map_chunks
from .provenance import attach_sources
from .relate import event_relation, reuse_relation, reuse_similarity
from .segment import segment
from .sentence_judge import judge_sentence_pair
from .tfidf import corpus_tfidf, masked_cosine, pair_cosines
from .threads import with_single_threaded_blas
from .stories import group_stories
from .storylines import group_storylines

SCHEMA = "storytrace/1"
Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class Prepared:
    """A segmented article with its fingerprints; sentence vectors are computed on first need."""

    doc: Doc
    hashes: np.ndarray
    terms: set[str]
    lead: np.ndarray

    @property
    def body_vector(self) -> np.ndarray:
        """Mean of all sentence vectors (used for sentence-sized texts)."""
        v = sentence_vectors(self.doc, list(range(len(self.doc.sentences))))
        if not len(v):
            return self.lead
        mean = v.mean(axis=0)
        return mean / (np.linalg.norm(mean) or 1.0)


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


def prepare(articles: list[Article], progress: Progress | None = None) -> list[Prepared]:
    """Segment, fingerprint and encode the leads of the articles, a chunk at a time so a progress
    display can follow. The encoder (which releases the interpreter lock) works on one chunk's leads
    on a thread while the next chunk is segmented."""
    prepared: list[Prepared] = []

    def finish(docs: list[Doc], prints: list[tuple], leads) -> None:
        prepared.extend(Prepared(d, h, t, v) for d, (h, t), v in zip(docs, prints, leads.result()))
        if progress:
            progress("prepare", len(prepared), len(articles))

    with ThreadPoolExecutor(1, thread_name_prefix="storytrace-leads") as lead_encoder:
        waiting = None
        for first in range(0, len(articles), _PREPARE_CHUNK):
            docs = [segment(a) for a in articles[first:first + _PREPARE_CHUNK]]
            leads = lead_encoder.submit(get_encoder().encode, [lead_text(d) for d in docs], T.LEAD_WORD_PIECES)
            prints = [(token_hashes(d), key_terms(d)) for d in docs]
            if waiting:
                finish(*waiting)
            waiting = (docs, prints, leads)
        if waiting:
            finish(*waiting)
    return prepared


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


def _is_short(p: Prepared) -> bool:
    return len(p.doc.sentences) <= 2


@dataclass
class Alignment:
    """What two texts share: passages, and how much of each (furniture and quotes aside) they cover."""

    verbatim: list
    paraphrase: list
    coverage_a: Coverage
    coverage_b: Coverage

    @property
    def passages(self) -> list:
        return sorted(self.verbatim + self.paraphrase, key=lambda p: (p.a[0], p.b[0]))


class NeedsEncoder(Exception):
    """Raised, when the encoder may not be used, by a pair that needs sentence vectors."""


def align_pair(pa: Prepared, pb: Prepared, tfidf_cosine: float, weight: dict[str, float],
               short: bool, shares_text: bool = True, can_encode: bool = True) -> Alignment:
    """Verbatim passages (when the pair shares text at all), then paraphrase passages over what they
    leave, if that still looks like a rewording (``NeedsEncoder`` then, unless ``can_encode``)."""
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
                                          and counterpart_share(*overlaps) >= T.PARTIAL_PARAPHRASE_COVERAGE)):
        if not can_encode:
            raise NeedsEncoder
        paraphrase = paraphrase_passages(da, db, vmask_a, vmask_b, strict=not short,
                                         overlaps=None if overlaps is None else overlaps[0])
    pmask_a = covered_tokens(da, [p.a for p in paraphrase])
    pmask_b = covered_tokens(db, [p.b for p in paraphrase])
    return Alignment(verbatim, paraphrase, _coverage(counted_a, vmask_a, pmask_a),
                     _coverage(counted_b, vmask_b, pmask_b))


def judge_sentences(pa: Prepared, pb: Prepared, aligned: Alignment, evidence: dict,
                    always_report: bool) -> tuple[str | None, float]:
    """Sentence-sized texts: judged as wholes, paraphrase by ``sentence_judge`` (cross-encoder + pair scorer)."""
    if not len(pa.doc) or not len(pb.doc):
        return None, 0.0  # an empty text shares nothing with anything
    relation = reuse_relation(aligned.coverage_a, aligned.coverage_b, same_event=False)
    cos = float(pa.body_vector @ pb.body_vector)
    probability, threshold, similarity = judge_sentence_pair(_body(pa.doc), _body(pb.doc), cos)
    evidence["paraphrase_probability"] = probability
    if probability >= threshold:
        if relation not in ("duplicate", "version"):
            relation = "rewrite"
    elif relation in ("rewrite", "partial"):
        relation = None  # sentence matches the whole-text scorer does not confirm
    elif relation == "version" and min(aligned.coverage_a.verbatim, aligned.coverage_b.verbatim) < T.SHORT_VERSION_VERBATIM:
        # a shared frame ("The prime minister announced that the ...") around other facts: not one
        # statement edited, unless nearly every word is the same (a figure or a name changed)
        relation = None
    if relation is None and always_report and similarity >= T.SHORT_RELATED_SIMILARITY:
        relation = "related"
    return relation, similarity


def judge_articles(pa: Prepared, pb: Prepared, tfidf_cosine: float, aligned: Alignment,
                   evidence: dict) -> tuple[str | None, float]:
    """Articles: reuse by coverage; without reuse, the event model tells same event from related."""
    feats = pair_event_features(pa, pb, tfidf_cosine)
    model = get_event_model()
    event_similarity = model.similarity(feats)
    event = event_relation(event_similarity, model.same_event_threshold, model.related_threshold,
                           feats["days_apart"])
    evidence.update(feats, event_similarity=event_similarity, same_event=event == "same_event")
    relation = reuse_relation(aligned.coverage_a, aligned.coverage_b, same_event=event == "same_event")
    if relation is None:
        return event, event_similarity
    return relation, reuse_similarity(aligned.coverage_a, aligned.coverage_b)


def compare_prepared(pa: Prepared, pb: Prepared, tfidf_cosine: float, weight: dict[str, float],
                     always_report: bool = False, shares_text: bool = True, can_encode: bool = True) -> Pair | None:
    """Align one pair and decide its relation; None when the two are unrelated. A pair known to share
    no text (``shares_text`` False: neither the n-gram index nor the sketches saw any) skips the
    verbatim alignment: it could find a phrase or two at most, never a coverage that changes the
    relation. Without ``can_encode``, a pair that needs sentence vectors raises ``NeedsEncoder``."""
    da, db = pa.doc, pb.doc
    short = _is_short(pa) and _is_short(pb)
    if short and not can_encode:
        raise NeedsEncoder  # sentence-sized texts are judged by their vectors
    aligned = align_pair(pa, pb, tfidf_cosine, weight, short, shares_text, can_encode)
    evidence: dict = {"lead_cosine": float(pa.lead @ pb.lead), "tfidf_cosine": tfidf_cosine}
    if short:
        relation, similarity = judge_sentences(pa, pb, aligned, evidence, always_report)
    else:
        relation, similarity = judge_articles(pa, pb, tfidf_cosine, aligned, evidence)
    if relation is None:
        if not always_report:
            return None
        relation = "unrelated"
    cov_a, cov_b = aligned.coverage_a, aligned.coverage_b
    fit = context_fit(da, db, aligned.passages, weight) if relation in ("version", "rewrite", "partial") else None
    source, derived = direction(relation, da.article, db.article, cov_a, cov_b, len(da), len(db), fit)
    return Pair(da.id, db.id, relation, similarity, cov_a, cov_b, aligned.passages, source, derived, evidence)


def needs_alignment(left: list[Prepared], right: list[Prepared], pairs: np.ndarray, cosines: np.ndarray,
                    shares_text: np.ndarray) -> np.ndarray:
    """Which pairs must be aligned one by one: those sharing text, those whose vocabulary is close
    enough for a rewording (the paraphrase gate), and pairs of sentence-sized texts. For the rest
    (most candidate pairs of a large corpus: same beat, other story) nothing can be aligned, and the
    event model alone decides, for all of them at once (``judge_by_event``)."""
    short_left = np.array([_is_short(p) for p in left], dtype=bool)
    short_right = short_left if right is left else np.array([_is_short(p) for p in right], dtype=bool)
    both_short = short_left[pairs[:, 0]] & short_right[pairs[:, 1]] if len(pairs) else np.zeros(0, bool)
    return shares_text | (cosines >= T.PARAPHRASE_GATE_TFIDF) | both_short


def judge_by_event(left: list[Prepared], right: list[Prepared], pairs: np.ndarray,
                   cosines: np.ndarray) -> list[Pair | None]:
    """``compare_prepared`` for pairs that share no text and fail the paraphrase gate: no passages,
    no coverage, the relation is the event model's (same_event, related or none), decided in one
    vectorised pass. Gives what ``compare_prepared`` gives for such pairs, field for field."""
    if not len(pairs):
        return []
    # one list of articles that the pair rows index: right's follow left's, unless they are the same
    members = left if right is left else [*left, *right]
    both = pairs + np.array([0, 0 if right is left else len(left)])
    feats = event_features_batch(np.stack([p.lead for p in members]), both, cosines,
                                 [p.terms for p in members], [p.doc.article.published for p in members])
    model = get_event_model()
    similarity = model.similarities(np.array([[f[name] for name in model.features] for f in feats]))
    out: list[Pair | None] = []
    for (i, j), f, sim in zip(pairs.tolist(), feats, similarity.tolist()):
        relation = event_relation(sim, model.same_event_threshold, model.related_threshold, f["days_apart"])
        if relation is None:
            out.append(None)
            continue
        evidence = dict(f, event_similarity=sim, same_event=relation == "same_event")
        out.append(Pair(left[i].doc.id, right[j].doc.id, relation, sim, Coverage(), Coverage(), [], None, None,
                        evidence))
    return out


def compare_many(left: list[Prepared], right: list[Prepared], pairs: np.ndarray, cosines: np.ndarray,
                 shares_text: np.ndarray, weight: dict[str, float],
                 progress: Progress | None = None, processes: int = 1) -> list[Pair | None]:
    """``compare_prepared`` on every pair (rows of ``pairs`` index ``left`` and ``right``), in order;
    None where a pair is unrelated. Pairs only the event model can judge are judged together; the
    others are aligned one by one, in ``processes`` forked workers when there are enough of them."""
    out: list[Pair | None] = [None] * len(pairs)
    aligned = needs_alignment(left, right, pairs, cosines, shares_text)
    event_only = np.flatnonzero(~aligned)
    for k, pair in zip(event_only.tolist(), judge_by_event(left, right, pairs[event_only], cosines[event_only])):
        out[k] = pair
    one_by_one = np.flatnonzero(aligned)
    done = len(event_only)
    if progress:
        progress("compare", done, len(pairs))
    context = (left, right, pairs, cosines, shares_text, weight)
    chunks = chunked(one_by_one)
    pending: list[int] = []  # pairs the workers left for the encoder, which stays in this process
    if processes > 1 and len(one_by_one) >= MIN_PAIRS and can_fork():
        results = map_chunks(partial(_compare_chunk, can_encode=False), chunks, context, processes)
    else:
        results = ((n, _compare_chunk(context, chunk, can_encode=True)) for n, chunk in enumerate(chunks))
    for n, chunk_pairs in results:
        for k, pair in zip(chunks[n].tolist(), chunk_pairs):
            if isinstance(pair, str):  # NEEDS_ENCODER
                pending.append(k)
            else:
                out[k] = pair
                done += 1
        if progress:
            progress("compare", done, len(pairs))
    # the encoder runs on every core already: pairs needing it are aligned here, one at a time
    for n, k in enumerate(sorted(pending), 1):
        out[k] = _compare_chunk(context, np.array([k]), can_encode=True)[0]
        if progress and (n % 16 == 0 or n == len(pending)):
            progress("compare", done + n, len(pairs))
    return out


NEEDS_ENCODER = "needs the encoder"  # a worker's answer for a pair it leaves to this process


def _compare_chunk(context: tuple, chunk: np.ndarray, can_encode: bool) -> list[Pair | None | str]:
    """``compare_prepared`` on the chunk's pairs; without ``can_encode``, NEEDS_ENCODER for a pair
    that needs sentence vectors."""
    left, right, pairs, cosines, shares_text, weight = context
    out: list[Pair | None | str] = []
    for k, (i, j) in zip(chunk.tolist(), pairs[chunk].tolist()):
        try:
            out.append(compare_prepared(left[i], right[j], float(cosines[k]), weight,
                                        shares_text=bool(shares_text[k]), can_encode=can_encode))
        except NeedsEncoder:
            out.append(NEEDS_ENCODER)
    return out


def pair_event_features(pa: Prepared, pb: Prepared, tfidf_cosine: float) -> dict:
    return event_features(pa.lead, pb.lead, tfidf_cosine, pa.terms, pb.terms,
                          pa.doc.article.published, pb.doc.article.published)


def _body(doc: Doc) -> str:
    return " ".join(doc.sentence_text(i) for i in range(len(doc.sentences)))


def candidate_pairs(prepared: list[Prepared], tfidf) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index pairs to compare, with their TF-IDF cosines and whether they share text. Pairs sharing
    text are always compared; pairs found by meaning or by shared names must also share vocabulary
    (one sparse product)."""
    sampled = [sampled_ngrams(p.hashes, T.SHINGLE_WORDS, T.NGRAM_SAMPLE_MODULUS) for p in prepared]
    sketches = sketch_word_hashes([p.hashes for p in prepared], T.SHINGLE_WORDS, T.NEARDUP_BINS)
    n = len(prepared)
    # the n-gram index ignores n-grams in over 100 documents: copies of a story syndicated wider
    # are found by the near-duplicate sketches
    near = band_pairs(sketches, T.NEARDUP_BANDS, T.NEARDUP_ROWS, T.NEARDUP_MAX_BUCKET)
    text_pairs = unique_pairs(np.r_[shared_text_candidates(sampled), near.reshape(-1, 2)], max(n, 1))
    meaning = [shared_term_candidates([p.terms for p in prepared])]
    if prepared:
        meaning.append(vector_neighbour_candidates(np.stack([p.lead for p in prepared])))
    meaning_pairs = pair_difference(np.concatenate(meaning), text_pairs, max(n, 1))
    meaning_cos = pair_cosines(tfidf, meaning_pairs)
    keep = meaning_cos >= T.MIN_CANDIDATE_TFIDF
    keep[keep] = strongest_per_document(meaning_pairs[keep], meaning_cos[keep], T.MEANING_CANDIDATES_PER_ARTICLE)
    meaning_pairs = meaning_pairs[keep]
    pairs = np.r_[text_pairs, meaning_pairs]
    cosines = np.r_[pair_cosines(tfidf, text_pairs), meaning_cos[keep]]
    # a pair found by meaning may still share text the n-gram index could not see (n-grams too
    # common to index): one equal sketch bin is enough to have it aligned verbatim
    shares_text = np.r_[np.ones(len(text_pairs), bool), _share_sketch_bins(sketches, meaning_pairs)]
    order = np.lexsort((pairs[:, 1], pairs[:, 0])) if len(pairs) else np.zeros(0, dtype=np.int64)
    return pairs[order], cosines[order], shares_text[order]


def _share_sketch_bins(sketches, pairs: np.ndarray, chunk: int = 65536) -> np.ndarray:
    out = np.zeros(len(pairs), bool)
    usable = sketches.shingles > 0
    for first in range(0, len(pairs), chunk):
        i, j = pairs[first:first + chunk, 0], pairs[first:first + chunk, 1]
        equal = (sketches.values[i] == sketches.values[j]).any(axis=1)
        # a text under five words has no sketch to tell by: align it (it is short, so that is cheap)
        out[first:first + chunk] = (equal & usable[i] & usable[j]) | ~usable[i] | ~usable[j]
    return out


@dataclass
class Result:
    articles: list[Article]
    pairs: list[Pair]
    stories: list
    errors: list[str]
    stats: dict = field(default_factory=dict)  # what each stage did and how long it took
    claims: list[dict] = field(default_factory=list)  # quotes, figures and hedges compared (claims/)
    storylines: list = field(default_factory=list)  # stories of one developing topic (storylines.py)

    def to_json(self) -> dict:
        sources = attach_sources(self.articles, self.pairs)
        return {
            "schema": SCHEMA,
            "articles": [
                {"id": a.id, "title": a.title, "outlet": a.outlet, "published": a.published, "url": a.url,
                 "byline": a.byline, "dateline": a.dateline, "language": a.language, "credits": a.credits,
                 "furniture": [list(s) for s in a.furniture],
                 "sources": sources.get(a.id, [])}
                for a in self.articles
            ],
            "pairs": [p.to_json() for p in self.pairs],
            "stories": [s.to_json() for s in self.stories],
            "storylines": [s.to_json() for s in self.storylines],
            "claims": self.claims,
            "errors": self.errors,
            "stats": self.stats,
        }


@with_single_threaded_blas
def analyze_articles(articles: list[Article], errors: list[str] | None = None,
                     progress: Progress | None = None, processes: int | None = None) -> Result:
    """Relations, stories and sources of already-ingested articles. ``processes``: worker processes
    for aligning pairs (default: $STORYTRACE_PROCESSES, else one per core; 1 keeps it in-process)."""
    progress = progress or (lambda stage, done, total: None)
    processes = processes or default_processes()
    clock = _StageClock()
    encoded_before, stored_before = get_encoder().encoded, get_encoder().from_store
    # A stable order makes every later step independent of the order the inputs came in.
    articles = sorted(articles, key=lambda a: a.id)
    progress("clean", 0, 1)
    with clock("clean"):
        mark_furniture(articles)
    progress("clean", 1, 1)
    progress("prepare", 0, len(articles))
    with clock("prepare"):
        prepared = prepare(articles, progress)
    progress("candidates", 0, 1)
    with clock("candidates"):
        tfidf = corpus_tfidf([p.doc for p in prepared])
        candidates, cosines, shares_text = candidate_pairs(prepared, tfidf.matrix)
    progress("candidates", 1, 1)
    progress("compare", 0, len(candidates))
    with clock("compare"):
        compared = compare_many(prepared, prepared, candidates, cosines, shares_text, tfidf.weight, progress,
                                processes)
        pairs = orient_by_credited_copies(articles, [p for p in compared if p is not None])
    progress("stories", 0, 1)
    with clock("stories"):
        stories = group_stories(articles, pairs)
    progress("stories", 1, 1)
    with clock("storylines"):
        storylines = group_storylines(articles, stories, pairs)
    progress("claims", 0, 1)
    with clock("claims"):
        claims = find_claims(articles, pairs, stories, {p.doc.id: p.doc for p in prepared})
    progress("claims", 1, 1)
    stats = {"articles": len(articles), "candidate_pairs": int(len(candidates)), "reported_pairs": len(pairs),
             "encoded_texts": get_encoder().encoded - encoded_before,
             "stored_vectors_used": get_encoder().from_store - stored_before,
             "encoder": get_encoder().backend,
             "seconds": clock.seconds}
    return Result(articles, pairs, stories, list(errors or []), stats, claims, storylines)


class _StageClock:
    """Wall-clock seconds per stage, for the stats block of the result."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = round(self.seconds.get(stage, 0.0) + time.perf_counter() - started, 3)


def analyze(inputs: Iterable | str, progress: Progress | None = None, processes: int | None = None) -> Result:
    """Read files, folders, dicts or Articles and analyse them together."""
    ingested = read_inputs(inputs)
    return analyze_articles(ingested.articles, ingested.errors, progress, processes)


@with_single_threaded_blas
def compare(text_a: str, text_b: str) -> Pair:
    """One pair, always reported (relation "unrelated" when nothing links the texts)."""
    a, b = Article("a", text_a), Article("b", text_b)
    pa, pb = prepare([a, b])
    tfidf = corpus_tfidf([pa.doc, pb.doc])
    cosine = float(pair_cosines(tfidf.matrix, np.array([[0, 1]]))[0])
    return compare_prepared(pa, pb, cosine, tfidf.weight, always_report=True)
