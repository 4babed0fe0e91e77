"""Where `analyze`'s memory goes (issue 13): what a prepared article holds, field by field; what
each step of the candidates stage adds; and this process's RSS as each stage of a whole run starts.

    python benchmarks/memory.py fields CORPUS.jsonl          # tracemalloc over prepare, bytes by field
    python benchmarks/memory.py candidates CORPUS.jsonl      # each step of the candidates stage
    python benchmarks/memory.py joins CORPUS.jsonl           # each index's self-join alone
    python benchmarks/memory.py stages CORPUS.jsonl OUT.json # a whole local run, as the CLI makes it
                                                             # (a long stage: how far it got every 5 min)
    python benchmarks/memory.py read CORPUS.jsonl            # reading alone: peak RSS, articles' digest
    python benchmarks/memory.py clean CORPUS.jsonl           # mark_furniture alone: peak, what it marked

``--src OTHER/src`` measures another source tree (``fields``, ``joins``, ``stages``, ``read`` and ``clean``;
``candidates`` needs this tree's ``pipeline.ranked_candidates``). ``read`` and ``clean`` print a
digest of what they made, to compare two trees' outputs.

CORPUS: e.g. ``python benchmarks/synthetic.py 2000 --out /tmp/mem/c2000.jsonl``. ``fields`` and
``candidates`` read, clean and prepare the corpus first (the vector store serves leads encoded
before: set STORYTRACE_CACHE_DIR to choose it). ``stages`` writes the JSON as ``storytrace analyze
--json`` does and prints the peak RSS (VmHWM) of this process at the end; forked workers are not in
it (watch them with ``/usr/bin/time -v`` or /proc). It also prints the peak of the process's
anonymous memory (RssAnon, sampled every 50 ms): the documents' arrays are pages of a mapped file
(``text/doc_file.py``), which VmHWM counts once read although the kernel can drop them. Memory
figures are reliable on a loaded machine; the seconds printed are not.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

SRC = Path(__file__).resolve().parent.parent / "src"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from candidates import _status_mb  # noqa: E402  (VmRSS now, VmHWM peak, in MB)


def _articles(corpus: str) -> list:
    from storytrace.engine.run import StageClock, begin_run, no_progress
    from storytrace.ingest import read_inputs

    return begin_run(read_inputs([corpus]).articles, StageClock(), no_progress)


def _deep_size(obj, seen: set[int]) -> int:
    """Bytes of ``obj`` and everything it holds that ``seen`` does not hold yet (shared objects, such
    as one word string in many documents, count once)."""
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    size = sys.getsizeof(obj)
    if isinstance(obj, np.ndarray):
        return size + (_deep_size(obj.base, seen) if obj.base is not None else 0)
    if isinstance(obj, (list, tuple, set, frozenset)):
        return size + sum(_deep_size(x, seen) for x in obj)
    if isinstance(obj, dict):
        return size + sum(_deep_size(k, seen) + _deep_size(v, seen) for k, v in obj.items())
    if hasattr(obj, "__dict__") and not isinstance(obj, type):
        size += _deep_size(obj.__dict__, seen)
    for name in getattr(type(obj), "__slots__", ()):
        if hasattr(obj, name):
            size += _deep_size(getattr(obj, name), seen)
    return size


def fields(corpus: str) -> None:
    """tracemalloc over ``prepare`` (what it leaves allocated, caches included), then each field's bytes."""
    from storytrace.text.prepared import prepare

    articles = _articles(corpus)
    n = len(articles)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    prepared = prepare(articles)
    gc.collect()
    after = tracemalloc.take_snapshot()
    kept = sum(s.size_diff for s in after.compare_to(before, "filename"))
    tracemalloc.stop()
    print(f"{n:,} articles: prepare leaves {kept / n / 1024:.1f} KB an article allocated (tracemalloc)")
    print("  largest allocation sites:")
    for s in after.compare_to(before, "lineno")[:8]:
        print(f"    {s}")
    seen: set[int] = set()
    for a in articles:  # the articles are not the prepared articles' cost
        _deep_size(a, seen)
    sizes: dict[str, int] = {}
    for p in prepared:
        d = p.doc
        for obj in (p, p.__dict__, d, d.__dict__):
            seen.add(id(obj))
            sizes["objects (Prepared, Doc, their dicts)"] = sizes.get("objects (Prepared, Doc, their dicts)", 0) \
                + sys.getsizeof(obj)
        for name, value in d.__dict__.items():
            if name not in ("article", "body_chars"):
                sizes[f"doc.{name}"] = sizes.get(f"doc.{name}", 0) + _deep_size(value, seen)
        for name, value in p.__dict__.items():
            if name != "doc":
                sizes[name] = sizes.get(name, 0) + _deep_size(value, seen)
    print("  by field (KB an article):")
    for name, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
        print(f"    {name:38s} {size / n / 1024:6.2f}")
    print(f"    {'sum':38s} {sum(sizes.values()) / n / 1024:6.2f}   ({sum(len(p.doc) for p in prepared) / n:.0f} tokens, "
          f"{sum(len(p.doc.sentences) for p in prepared) / n:.1f} sentences an article)")


def candidates(corpus: str) -> None:
    """Each step of the candidates stage, as the local engine runs them: tracemalloc's peak above
    what was allocated when the step began, and what the step leaves."""
    from storytrace.engine import pipeline
    from storytrace.index import CandidateIndex, features_of
    from storytrace.index.features import sketches_of
    from storytrace.text.prepared import prepare
    from storytrace.text.tfidf import corpus_tfidf

    try:  # as the local engine keeps them: the documents' arrays in a mapped file (a tree before: the heap)
        from storytrace.text.doc_file import DocFile

        doc_file = DocFile()
        prepared = prepare(_articles(corpus), doc_file=doc_file)
        doc_file.finish()
    except ImportError:
        prepared = prepare(_articles(corpus))
    n = len(prepared)
    gc.collect()
    print(f"{n:,} articles prepared: RSS {_status_mb('VmRSS'):,.0f} MB (anonymous {_status_mb('RssAnon'):,.0f})")
    tracemalloc.start()

    def step(name: str, make):
        gc.collect()
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        started = time.perf_counter()
        out = make()
        now, peak = tracemalloc.get_traced_memory()
        print(f"  {name:16s} peak +{(peak - base) / 2**20:7.1f} MB ({(peak - base) / n / 1024:5.2f} KB an article), "
              f"leaves +{(now - base) / 2**20:7.1f} MB; {time.perf_counter() - started:5.1f} s")
        return out

    features = step("features_of", lambda: features_of(prepared))
    found = step("self-join", lambda kept=features: CandidateIndex.self_join(kept))
    sketches = sketches_of(features)
    del features
    tfidf = step("TF-IDF bags", lambda: corpus_tfidf([p.doc for p in prepared]))
    pairs = step("ranking", lambda: pipeline.ranked_candidates(found, sketches, tfidf.matrix))
    print(f"  {len(pairs[0]):,} candidates; RSS {_status_mb('VmRSS'):,.0f} MB, peak {_status_mb('VmHWM'):,.0f} MB")


def joins(corpus: str) -> None:
    """Each index's self-join alone (n-grams, bands, names, lead vectors) on the corpus's features:
    tracemalloc's peak above what was allocated before it, and the pairs it found."""
    from storytrace.index import features_of
    from storytrace.index.bands import BandIndex
    from storytrace.index.ngrams import NgramIndex
    from storytrace.index.terms import TermIndex
    from storytrace.index.vectors import VectorIndex
    from storytrace.text.prepared import prepare

    features = features_of(prepare(_articles(corpus)))
    n = len(features)
    tracemalloc.start()
    for index in (NgramIndex, BandIndex, TermIndex, VectorIndex):
        gc.collect()
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        started = time.perf_counter()
        pairs = index.self_join(features)
        now, peak = tracemalloc.get_traced_memory()
        print(f"  {index.__name__:12s} peak +{(peak - base) / 2**20:7.1f} MB ({(peak - base) / n / 1024:5.2f} KB an article), "
              f"leaves +{(now - base) / 2**20:5.1f} MB; {len(pairs):,} pairs; {time.perf_counter() - started:5.1f} s")
        del pairs


def _digest(rows) -> str:
    import hashlib
    import pickle

    return hashlib.blake2b(pickle.dumps(rows, protocol=4), digest_size=8).hexdigest()


def read(corpus: str) -> None:
    """Reading alone, in a fresh process: the peak RSS (VmHWM) it reaches, what it leaves."""
    from storytrace.ingest import read_inputs

    base = _status_mb("VmRSS")
    started = time.perf_counter()
    ingested = read_inputs([corpus])
    seconds = time.perf_counter() - started
    n = len(ingested.articles)
    rows = [(a.id, a.text, a.title, a.outlet, a.published, a.origin) for a in ingested.articles]
    print(f"{n:,} articles read in {seconds:.1f} s: RSS {base:,.0f} MB before, {_status_mb('VmRSS'):,.0f} after, "
          f"peak {_status_mb('VmHWM'):,.0f} MB ({(_status_mb('VmHWM') - base) * 1024 / max(1, n):.1f} KB an article "
          f"above the start); {len(ingested.errors)} errors; digest "
          f"{_digest(rows + ingested.errors)}")


def clean(corpus: str) -> None:
    """``mark_furniture`` alone: tracemalloc's peak above the read articles, the seconds, and a
    digest of what it marked (furniture, credits, the metadata read from the text)."""
    from storytrace.ingest import read_inputs
    from storytrace.text.clean import mark_furniture

    articles = sorted(read_inputs([corpus]).articles, key=lambda a: a.id)
    n = len(articles)
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    started = time.perf_counter()
    mark_furniture(articles)
    seconds = time.perf_counter() - started
    now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rows = [(a.id, a.furniture, a.credits, a.title, a.byline, a.published, a.dateline) for a in articles]
    print(f"{n:,} articles cleaned in {seconds:.1f} s (under tracemalloc): peak +{(peak - base) / 2**20:,.1f} MB "
          f"({(peak - base) / n / 1024:.2f} KB an article), leaves +{(now - base) / 2**20:,.1f} MB; "
          f"{sum(len(a.furniture) for a in articles):,} furniture spans; digest {_digest(rows)}")


PROGRESS_EVERY = 300.0  # seconds between a long stage's progress lines (stages)


class _AnonymousPeak:
    """The peak of this process's anonymous memory (RssAnon: its heap, not the mapped file pages the
    kernel can drop), sampled every 50 ms on a thread: the kernel keeps no peak of it."""

    def __init__(self) -> None:
        import threading

        self.peak = _status_mb("RssAnon")
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, _status_mb("RssAnon"))
            time.sleep(0.05)


def stages(corpus: str, out: str) -> None:
    """A whole local run: this process's RSS as each stage starts, and its peak at the end."""
    from storytrace.engine import pipeline
    from storytrace.output.paths import write_json

    started, seen, last = time.perf_counter(), [], [0.0]
    anonymous = _AnonymousPeak()

    def line(what: str) -> None:
        last[0] = time.perf_counter()
        print(f"  {last[0] - started:7.1f} s  {what:22s} RSS {_status_mb('VmRSS'):6,.0f} MB, "
              f"peak so far {_status_mb('VmHWM'):6,.0f} MB (anonymous {anonymous.peak:6,.0f}; "
              f"file pages now {_status_mb('RssFile'):5,.0f})", flush=True)

    def progress(stage: str, done: int, total: int) -> None:
        if not seen or seen[-1] != stage:
            seen.append(stage)
            line(f"{stage} starts")
        elif time.perf_counter() - last[0] >= PROGRESS_EVERY:  # a long stage says how far it got
            line(f"{stage} {done:,} of {total:,}")

    result = pipeline.analyze([corpus], progress)
    line("result ready")
    try:  # as the CLI builds it: the pairs' records made as they are written (a tree before that: a list)
        data = result.to_json(lazy_pairs=True)
    except TypeError:
        data = result.to_json()
    line("JSON document built")
    write_json(data, out)
    line("JSON written")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("fields", "candidates", "joins", "stages", "read", "clean"):
        p = sub.add_parser(name)
        p.add_argument("corpus")
        if name == "stages":
            p.add_argument("out")
        p.add_argument("--src", default=str(SRC), help="the source tree to measure (default: this checkout's)")
    args = parser.parse_args()
    sys.path.insert(0, args.src)
    if args.command == "stages":
        stages(args.corpus, args.out)
    else:
        globals()[args.command](args.corpus)


if __name__ == "__main__":
    main()
