"""The dask engine: the local engine's stage functions run on a dask distributed cluster.

Nothing is re-implemented here; this module only decides where each stage runs:

* workers read the input files (a partition of them each) -- ingest;
* the client marks furniture (corpus-aware: it needs every article's lines) and sorts by id,
  exactly as ``pipeline.analyze_articles`` does;
* workers ``prepare`` contiguous partitions of the sorted articles (segmentation, fingerprints,
  lead vectors; the encoder loads once per worker process) and keep them in memory;
* the client builds the corpus TF-IDF and the candidate pairs from compact data the workers send
  back (each article's candidate features -- sampled n-grams, sketch, key terms, lead vector -- and
  word counts), with the same functions;
* workers run ``compare_many`` on batches of pairs, each batch reading the one or two prepared
  partitions its pairs fall in (dask moves a partition to a worker at most once);
* the client groups stories and attaches sources.

Results equal the local engine's whatever the partitioning: partitions group texts for the encoder
differently from one process, which changes nothing as long as a text's vector does not depend on
the texts encoded with it (ONNX runs one text at a time; torch's batches move only float rounding).
"""

from __future__ import annotations

import math
import os
import time
from contextlib import contextmanager
from typing import Iterable, Iterator

import numpy as np

from ..index import features_of
from ..ingest import IngestResult, input_files, read_inputs
from ..model import Article
from ..judge import compare_many
from .pipeline import candidate_stage
from ..text.prepared import Progress, prepare
from ..output.result import Result
from .run import StageClock, begin_run, finish_run, no_progress
from ..text.tfidf import tfidf_of_bags
from ..text.vocab import word_ids
from .threads import with_single_threaded_blas

PARTITION_ARTICLES = 1000  # at most this many articles prepared per task (encoder batches stay full)
PAIRS_PER_TASK = 256       # candidate pairs compared per task: small enough to balance, big enough to amortise


@contextmanager
def dask_client(scheduler: str | None = None, workers: int = 2, processes: bool = True) -> Iterator:
    """A client of the cluster at ``scheduler`` (e.g. ``tcp://host:8786``), or of a LocalCluster of
    ``workers`` single-threaded workers on loopback (processes, or threads of this process), closed on
    exit. One thread per worker: the encoder already uses the cores, and each worker's encoder
    counts stay its own."""
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    # loopback only, and the HTTP server on any free port (8787 may be taken)
    where = {"host": "127.0.0.1"} if processes else {}
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes, dashboard_address="127.0.0.1:0",
                      silence_logs=40, **where) as cluster, Client(cluster) as client:
        yield client


# ---- ingest --------------------------------------------------------------------------------


def _read_files(paths: list[str]) -> list[IngestResult]:
    """On a worker: each file read on its own, as ingest reads it."""
    return [read_inputs([p]) for p in paths]


def _worker_count(client) -> int:
    return max(1, len(client.scheduler_info().get("workers", {})))


def read_partitioned(client, inputs: Iterable | str | os.PathLike, workers: int | None = None) -> IngestResult:
    """``ingest.read_inputs`` with the files read on the workers: the same articles, ids and error
    lines, in the same order. Paths must name the same files on the workers (a shared file system).
    Dicts and Article records are already in memory, and an id repeated across files is renamed by
    the order of all files: those inputs are read on the client."""
    if isinstance(inputs, (str, os.PathLike, dict, Article)):
        inputs = [inputs]
    inputs = list(inputs)
    if not all(isinstance(i, (str, os.PathLike)) for i in inputs):
        return read_inputs(inputs)
    # What the local engine meets, in its order: folder errors, files named twice, files.
    events: list[tuple[str, object]] = []
    errors: list[str] = []
    for path in input_files(inputs, errors):
        events += [("error", e) for e in errors]
        errors.clear()
        events.append(("file", str(path)))
    events += [("error", e) for e in errors]
    files = [value for kind, value in events if kind == "file"]
    parts = _split_by_size(files, 4 * (workers or _worker_count(client)))
    futures = [client.submit(_read_files, part, pure=False) for part in parts]
    per_file = iter([r for f in futures for r in f.result()])
    result = IngestResult()
    ids: set[str] = set()
    for kind, value in events:
        if kind == "error":
            result.errors.append(value)
            continue
        read = next(per_file)
        if not ids.isdisjoint(a.id for a in read.articles):
            return read_inputs(inputs)  # rare: let ingest number the repeats over all files
        ids.update(a.id for a in read.articles)
        result.articles += read.articles
        result.errors += read.errors
        result.skipped_records += read.skipped_records
    return result


def _split_by_size(files: list[str], parts: int) -> list[list[str]]:
    """Contiguous runs of files of about equal total size."""
    sizes = [max(1, os.path.getsize(f)) if os.path.isfile(f) else 1 for f in files]
    target = sum(sizes) / max(1, parts)
    out: list[list[str]] = []
    run, total = [], 0
    for f, s in zip(files, sizes):
        run.append(f)
        total += s
        if total >= target:
            out.append(run)
            run, total = [], 0
    return out + [run] if run else out


# ---- prepare, on workers ----------------------------------------------------------------------


def _encoder():
    from ..encode.embed import get_encoder

    return get_encoder()


def _use_encoder(backend: str) -> None:
    from ..encode.embed import use_encoder

    use_encoder(backend)


def use_encoder(client, backend: str) -> None:
    """Switch every worker to an encoder backend ("auto", "onnx", "torch"), as ``--encoder`` does."""
    client.run(_use_encoder, backend)


@with_single_threaded_blas
def _prepare_part(articles: list[Article]) -> tuple[list, np.ndarray, str | None]:
    """Prepared articles, with the encoder's counts for them (``_vector_counts``) and its backend."""
    before = _vector_counts()
    prepared = prepare(articles)
    return prepared, _vector_counts() - before, _encoder().backend


def _vector_counts() -> np.ndarray:
    """Texts this worker's encoder has run, and vectors it has read from the on-disk store."""
    return np.array([_encoder().encoded, _encoder().from_store], dtype=np.int64)


def _tfidf_of(summaries: list[dict]):
    """The corpus TF-IDF from the workers' word counts, which are then let go."""
    bags = _Bags(summaries)
    tfidf = tfidf_of_bags(bags, len(bags))
    for s in summaries:
        del s["bags"], s["vocabulary"]
    return tfidf


def _summary(part: tuple) -> dict:
    """What the client needs of a prepared partition: candidate inputs, and each document's words
    with their counts in order of first appearance (all the TF-IDF reads of a document)."""
    prepared, encoded, backend = part
    vocabulary: dict[str, int] = {}
    bags = []
    for p in prepared:
        counts: dict[int, int] = {}
        for w in p.doc.norms:
            k = vocabulary.setdefault(w, len(vocabulary))
            counts[k] = counts.get(k, 0) + 1
        bags.append((np.fromiter(counts, np.int32, len(counts)), np.fromiter(counts.values(), np.int32, len(counts))))
    return {"features": features_of(prepared),
            "vocabulary": list(vocabulary), "bags": bags, "encoded": encoded, "encoder": backend}


class _Bags:
    """The workers' bags for ``tfidf_of_bags``: each partition's words given this process's word ids
    (the words in order of first appearance, with their counts: the same vocabulary order, counts
    and matrix as the real tokens). Made one document at a time: the client never holds every token."""

    def __init__(self, summaries: list[dict]) -> None:
        self._summaries = summaries

    def __len__(self) -> int:
        return sum(len(s["bags"]) for s in self._summaries)

    def __iter__(self):
        for s in self._summaries:
            ids = word_ids(s["vocabulary"])
            for words, counts in s["bags"]:
                yield ids[words], counts


# ---- compare, on workers -----------------------------------------------------------------------


@with_single_threaded_blas
def _compare_batch(part_a: tuple, part_b: tuple, pairs: np.ndarray, cosines: np.ndarray,
                   shares_text: np.ndarray, weight: dict[str, float]) -> tuple[list, np.ndarray]:
    """``compare_many`` on pairs (indices into part_a, part_b); None where unrelated."""
    before = _vector_counts()
    out = compare_many(part_a[0], part_b[0], pairs, cosines, shares_text, weight)
    return out, _vector_counts() - before


def _batches(candidates: np.ndarray, size: int) -> list[tuple[int, int, np.ndarray]]:
    """Candidate indices grouped by the partitions of their two articles, cut into tasks."""
    if not len(candidates):
        return []
    parts = candidates // size
    order = np.lexsort((parts[:, 1], parts[:, 0]))  # stable: candidate order kept inside a block
    keys = parts[order]
    starts = np.flatnonzero(np.r_[True, (keys[1:] != keys[:-1]).any(axis=1)])
    out = []
    for s, e in zip(starts, np.r_[starts[1:], len(order)]):
        for c in range(s, e, PAIRS_PER_TASK):
            out.append((int(keys[s, 0]), int(keys[s, 1]), order[c:min(e, c + PAIRS_PER_TASK)]))
    return out


# ---- the whole analysis ----------------------------------------------------------------------


def analyze_articles(client, articles: list[Article], errors: list[str] | None = None,
                     progress: Progress | None = None, partition_size: int | None = None,
                     read_seconds: float | None = None, encoder: str | None = None) -> Result:
    """``pipeline.analyze_articles`` on the cluster behind ``client``: the same Result. ``read_seconds``
    (the time ``read_partitioned`` took) is reported with the stage times; ``encoder`` names the
    encoder backend the workers use (default: theirs, from $STORYTRACE_ENCODER)."""
    from distributed import as_completed

    progress = progress or no_progress
    clock = StageClock()
    workers = _worker_count(client)
    if encoder:
        use_encoder(client, encoder)
    articles = begin_run(articles, clock, progress, read_seconds)
    n = len(articles)
    # a few partitions per worker, so the work balances and no task holds too much
    size = partition_size or max(1, min(PARTITION_ARTICLES, math.ceil(n / (4 * workers))))
    progress("prepare", 0, n)
    with clock("prepare"):
        chunks = [articles[s:s + size] for s in range(0, n, size)]
        parts = [client.submit(_prepare_part, c, pure=False) for c in client.scatter(chunks, hash=False)]
        summary_futures = [client.submit(_summary, p, pure=False) for p in parts]
        sizes = {f: len(c) for f, c in zip(summary_futures, chunks)}
        done = 0
        for future in as_completed(summary_futures):
            done += sizes[future]
            progress("prepare", done, n)
        summaries = client.gather(summary_futures)
        del summary_futures, sizes  # the workers keep only the prepared partitions
    encoded = sum((s["encoded"] for s in summaries), np.zeros(2, np.int64))  # texts run, vectors from the store
    with clock("candidates"):
        candidates, cosines, shares_text, weight = candidate_stage(
            [f for s in summaries for f in s.pop("features")], lambda: _tfidf_of(summaries))
    results: list = [None] * len(candidates)
    with clock("compare"):
        weight = client.scatter([weight], broadcast=True, hash=False)[0]
        futures = {}
        for pa, pb, idx in _batches(candidates, size):
            local = candidates[idx] - np.array([pa * size, pb * size])
            f = client.submit(_compare_batch, parts[pa], parts[pb], local, cosines[idx], shares_text[idx], weight,
                              pure=False)
            futures[f] = idx
        done = 0
        progress("compare", 0, len(candidates))
        for future in as_completed(futures):
            pairs, count = future.result()
            encoded += count
            for k, pair in zip(futures[future].tolist(), pairs):
                results[k] = pair
            done += len(futures[future])
            progress("compare", done, len(candidates))
        del futures, parts, weight
    # claims on the client, which holds every text
    return finish_run(articles, results, errors, clock, progress, candidate_pairs=len(candidates),
                      encoded_texts=encoded[0], stored_vectors_used=encoded[1],
                      encoder=next((s["encoder"] for s in summaries if s["encoder"]), None),
                      engine={"name": "dask", "workers": workers, "partitions": len(chunks)})


def analyze(inputs: Iterable | str, progress: Progress | None = None, scheduler: str | None = None,
            workers: int = 2, encoder: str | None = None) -> Result:
    """Read and analyse on a cluster (a LocalCluster of ``workers`` processes when no scheduler)."""
    with dask_client(scheduler, workers) as client:
        started = time.perf_counter()
        ingested = read_partitioned(client, inputs)
        read_seconds = time.perf_counter() - started
        return analyze_articles(client, ingested.articles, ingested.errors, progress, read_seconds=read_seconds,
                                encoder=encoder)
