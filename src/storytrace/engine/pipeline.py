"""The local engine: the whole analysis in this process (worker processes for aligning pairs).
Each step is a plain function over plain data; this module finds the candidate pairs and wires the
steps together, with the beginning and end every engine shares in engine/run.py (the CLI and the API are
shells over ``analyze`` and ``compare``)."""

from __future__ import annotations

import time
from typing import Iterable

import numpy as np

from .. import thresholds as T
from ..encode.embed import get_encoder
from ..index import CandidateIndex, features_of
from ..index.candidate_pairs import strongest_per_document
from ..index.features import Features, sketches_of
from ..ingest import read_inputs
from ..judge import compare_many, compare_prepared
from ..model import Article, Pair
from ..output.result import Result
from ..text.doc_file import DocFile
from ..text.prepared import Prepared, Progress, prepare
from ..text.tfidf import bag_of, corpus_tfidf, pair_cosines, tfidf_of_bags
from .give_back import give_back
from .processes import default_processes
from .run import StageClock, begin_run, finish_run, no_progress
from .threads import with_single_threaded_blas


def candidate_pairs(prepared: list[Prepared] | None, tfidf) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index pairs to compare, with their TF-IDF cosines and whether they share text: the candidate
    sources' self-join (index/: the same objects the store inserts into and queries), then
    ``ranked_candidates``."""
    features = features_of(prepared)
    return ranked_candidates(CandidateIndex.self_join(features), sketches_of(features), tfidf)


def candidate_stage(features: list, make_tfidf) -> tuple[np.ndarray, np.ndarray, np.ndarray, object]:
    """Both engines' candidates stage: the self-join over ``features`` (emptied once the text joins
    have read them: only their sketches, terms and leads are read again), then ``make_tfidf()``,
    the corpus TF-IDF, built only now so that it and the self-join do not add up in the stage's
    peak, then ``ranked_candidates``.
    (candidates, their cosines, whether they share text, the TF-IDF word weight); the bags of words
    are let go past the pair cosines."""
    text = CandidateIndex.text_self_join(features)
    sketches = sketches_of(features)
    # the meaning joins read terms and leads only: the sampled n-grams and the sketch rows (2 KB an
    # article; the sketches are one matrix now) are let go of before the vector search's peak
    slim = [Features(None, None, f.shingles, f.terms, f.packed_lead) for f in features]
    features.clear()
    give_back()  # their arrays were small C-heap chunks: freed, they would stay resident
    found = text, CandidateIndex.meaning_self_join(slim, text)
    del slim
    give_back()  # the vector search's blocks, freed: not resident under the TF-IDF bags' peak
    tfidf = make_tfidf()
    return (*ranked_candidates(found, sketches, tfidf.matrix), tfidf.weight)


def ranked_candidates(found: tuple[np.ndarray, np.ndarray], sketches,
                      tfidf) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The self-join's (text pairs, meaning pairs) made candidates: pairs sharing text are always
    compared; pairs found by meaning or by shared names must also share vocabulary (one sparse
    product). The engines build the TF-IDF bags only once the self-join is done, so the two do not
    add up in the stage's peak."""
    # the n-gram index ignores n-grams in over 100 documents: copies of a story syndicated wider
    # are found by the near-duplicate sketches
    text_pairs, meaning_pairs = found
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


def _share_sketch_bins(sketches, pairs: np.ndarray, chunk: int = 8192) -> np.ndarray:
    # a chunk's two sketch rows a pair are copies: 16 MB at 8,192 pairs (65,536 took 134 MB, the
    # candidates stage's peak at 20k)
    out = np.zeros(len(pairs), bool)
    usable = sketches.shingles > 0
    for first in range(0, len(pairs), chunk):
        i, j = pairs[first:first + chunk, 0], pairs[first:first + chunk, 1]
        equal = (sketches.values[i] == sketches.values[j]).any(axis=1)
        # a text under five words has no sketch to tell by: align it (it is short, so that is cheap)
        out[first:first + chunk] = (equal & usable[i] & usable[j]) | ~usable[i] | ~usable[j]
    return out


@with_single_threaded_blas
def analyze_articles(articles: list[Article], errors: list[str] | None = None,
                     progress: Progress | None = None, processes: int | None = None,
                     read_seconds: float | None = None) -> Result:
    """Relations, stories and sources of already-ingested articles. ``processes``: worker processes
    for aligning pairs (default: $STORYTRACE_PROCESSES, else one per core; 1 keeps it in-process).
    ``read_seconds``: how long reading them took, reported with the stage times."""
    progress = progress or no_progress
    processes = processes or default_processes()
    clock = StageClock()
    encoded_before, stored_before = get_encoder().encoded, get_encoder().from_store
    articles = begin_run(articles, clock, progress, read_seconds)
    progress("prepare", 0, len(articles))
    with clock("prepare"):
        cached = get_encoder().cached
        # the documents' arrays (~5 KB an article, held to compare's end) in a temporary file, not the heap
        doc_file = DocFile()
        prepared = prepare(articles, progress, doc_file)
        doc_file.finish()
        get_encoder().forget_since(cached)  # the leads: the prepared articles hold them
    progress("candidates", 0, 1)
    with clock("candidates"):
        features = features_of(prepared)
        doc_file.release()  # the pages that pass read: the file holds them

        def bags_of_words(kept=prepared):  # each document's words read again, their pages dropped as it goes
            return tfidf_of_bags(doc_file.releasing(bag_of(p.doc) for p in kept), len(kept))

        candidates, cosines, shares_text, weight = candidate_stage(features, bags_of_words)
        del features
        give_back()  # the stage's tables, freed: compare's workers and pairs start lower
    progress("candidates", 1, 1)
    progress("compare", 0, len(candidates))
    with clock("compare"):
        compared = compare_many(prepared, prepared, candidates, cosines, shares_text, weight,
                                doc_file.releasing_progress(progress), processes)
    docs = claim_docs(prepared, compared)
    del prepared  # lead vectors, terms and the other documents: done with
    doc_file.release()  # the pages compare read: claims reads the documents of one event's pairs alone
    give_back()
    # claims reads those documents story by story: its progress reports drop the pages now and then
    return finish_run(articles, compared, errors, clock, doc_file.releasing_progress(progress),
                      candidate_pairs=len(candidates),
                      encoded_texts=get_encoder().encoded - encoded_before,
                      stored_vectors_used=get_encoder().from_store - stored_before,
                      encoder=get_encoder().backend, engine={"name": "local", "processes": processes},
                      docs=docs)


def claim_docs(prepared: list[Prepared], compared: list[Pair | None]) -> dict:
    """The segmented articles claims may read (those of pairs of one event), by id: the others are
    let go before the run's last stages (claims segments again any it is not given)."""
    wanted = {aid for p in compared if p is not None and p.relation not in ("related", "unrelated")
              for aid in (p.a, p.b)}
    return {p.doc.id: p.doc for p in prepared if p.doc.id in wanted}


def analyze(inputs: Iterable | str, progress: Progress | None = None, processes: int | None = None) -> Result:
    """Read files, folders, dicts or Articles and analyse them together."""
    started = time.perf_counter()
    ingested = read_inputs(inputs)
    return analyze_articles(ingested.articles, ingested.errors, progress, processes,
                            read_seconds=time.perf_counter() - started)


@with_single_threaded_blas
def compare(text_a: str, text_b: str) -> Pair:
    """One pair, always reported (relation "unrelated" when nothing links the texts)."""
    a, b = Article("a", text_a), Article("b", text_b)
    pa, pb = prepare([a, b])
    tfidf = corpus_tfidf([pa.doc, pb.doc])
    cosine = float(pair_cosines(tfidf.matrix, np.array([[0, 1]]))[0])
    return compare_prepared(pa, pb, cosine, tfidf.weight, always_report=True)
