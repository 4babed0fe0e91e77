"""The store (storytrace add / trace) on synthetic corpora: trace latency, add throughput against
analyze on the same articles, and the store's size per article.

    python benchmarks/store.py                      # stores of 2,000 and 20,000 articles
    python benchmarks/store.py --sizes 2000 --queries 50
    python benchmarks/store.py --sizes 2000 --keep /tmp/st    # keep the corpus and the store file
    python benchmarks/store.py --breakdown /tmp/st/store-2000.db  # where its bytes go
    python benchmarks/store.py --sizes 200000 --corpus c300k.jsonl --planted pairs.tsv --keep /tmp/st200
    python benchmarks/store.py --against /tmp/st/store-2000.db /tmp/st/queries-2000.jsonl \
        --baseline /tmp/base/src --rounds 3             # this code against another, same store

For each size N, ``benchmarks/synthetic.py`` makes N + Q articles (seeded); Q of them, half drawn
from planted reuse families and half at random, are held out as queries and the N others are:

* added with ``storytrace.store.add_articles`` in batches of 1,000 (a subprocess; the vector
  cache may serve lead vectors already computed, as it may for analyze);
* analysed with ``storytrace.analyze`` in another subprocess (same articles, same cache);
* then, in a third subprocess with the vector cache off, each query is traced with
  ``trace_article`` after one untimed warm-up trace: every timed trace encodes its own article.
  p50 / p99 of those Q latencies are the warm figures;
* again with the vector cache on as ``add`` and ``analyze`` left it (``stored_vectors_*``), but
  every text of the traced article itself (lead, sentences, words that reach the encoder) encoded,
  once in the trace: what a stored partner's texts cost depends on what ``add`` encoded before;
* cold: the first ``--cold`` queries (default 10) each traced by ``storytrace trace FILE --db DB
  --json /dev/null`` in a new process (interpreter, imports, model and index loaded each time; the
  vector cache off): p50 / p99 of those wall times (with 10, p99 is the slowest);
* the store's size: the database file (and any WAL left) per article, and per article beyond the
  UTF-8 bytes of its text.

``--against DB QUERIES --baseline SRC`` compares two versions of storytrace on a kept store:
warm traces of the same queries in alternating processes (this checkout's ``src`` and ``SRC``, e.g.
an older commit's ``git archive``), ``--rounds`` times each, timed by the wall clock and by the
process's CPU time (all its threads; on a shared machine contention slows the work too, so it
varies less than wall time but still varies: ``trace_lockstep.py`` compares under one load);
with ``--add CORPUS``, one batch of those articles added by each to its own copy of DB. It prints medians of each and their ratio, and
whether both gave the same traces (a digest of each trace document) and the same stored pairs.

Timing is reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BATCH = 1000


def _corpus(size: int, queries: int, seed: int, corpus: str | None = None,
            planted: str | None = None) -> tuple[list[dict], list[dict]]:
    if corpus:
        return _corpus_from_file(size, queries, seed, corpus, planted)
    sys.path.insert(0, str(HERE))
    from synthetic import stored_and_queries

    return stored_and_queries(size, queries, seed)


def _corpus_from_file(size: int, queries: int, seed: int, corpus: str,
                      planted: str | None) -> tuple[list[dict], list[dict]]:
    """The first ``size`` articles of a corpus written by ``synthetic.py`` as the store's, and
    ``queries`` of the articles after them as queries: half (with ``planted``, the ``--pairs`` file
    written with it) with a planted partner among the stored, half at random. A large corpus already
    analysed with a vector cache builds its stores from that cache; each timed trace still encodes
    its own article (the trace workers run with the cache off)."""
    import random

    with open(corpus, encoding="utf-8") as f:
        stored = [json.loads(next(f)) for _ in range(size)]
        rest = [json.loads(line) for line in f]
    if len(rest) < queries:
        raise SystemExit(f"{corpus}: {len(rest):,} articles after the first {size:,}, fewer than --queries {queries}")
    rng = random.Random(seed)
    stored_ids = {a["id"] for a in stored}
    with_source: set[str] = set()
    if planted:
        with open(planted, encoding="utf-8") as f:
            for line in f:
                a, b, _kind = line.rstrip("\n").split("\t")
                if (a in stored_ids) != (b in stored_ids):
                    with_source.add(b if a in stored_ids else a)
    picked = set(rng.sample(sorted(with_source), min(len(with_source), queries // 2)))
    picked |= set(rng.sample(sorted({a["id"] for a in rest} - picked), queries - len(picked)))
    return stored, [a for a in rest if a["id"] in picked]


def _run(kind: str, *args: str, env: dict | None = None) -> dict:
    # the worker's stderr (its progress, any traceback) goes to ours as it runs
    out = subprocess.run([sys.executable, __file__, "--worker", kind, *args], check=True, stdout=subprocess.PIPE,
                         text=True, env={**os.environ, **(env or {})})
    return json.loads(out.stdout.strip().splitlines()[-1])


def worker_add(corpus: str, db: str) -> dict:
    from storytrace.ingest import read_inputs
    from storytrace.store import Store, add_articles

    articles = read_inputs([corpus]).articles
    seconds = []
    with Store(db) as store:
        for first in range(0, len(articles), BATCH):
            started = time.perf_counter()
            add_articles(store, articles[first:first + BATCH])
            seconds.append(time.perf_counter() - started)
            print(f"add: {first + BATCH:,} of {len(articles):,} articles, this batch {seconds[-1]:.1f} s",
                  file=sys.stderr, flush=True)
        pairs = store.db.execute("SELECT COUNT(*) FROM pairs").fetchone()[0]
    return {"seconds": sum(seconds), "batches": seconds, "articles": len(articles), "pairs": pairs}


def worker_analyze(corpus: str) -> dict:
    from storytrace import analyze

    started = time.perf_counter()
    result = analyze([corpus])
    return {"seconds": time.perf_counter() - started, "articles": len(result["articles"]), "pairs": len(result["pairs"])}


def worker_trace(queries: str, db: str, count: str = "0", own_encoded: str = "") -> dict:
    import hashlib

    from storytrace.ingest import read_inputs
    from storytrace.store import Store, trace_article

    articles = read_inputs([queries]).articles
    if int(count):
        articles = articles[:int(count) + 1]
    latencies, each, cpu, related, digest = [], [], [], 0, hashlib.sha256()
    query = _encode_own_texts() if own_encoded else None
    with Store(db, create=False) as store:
        trace_article(store, articles[0])  # warm-up: encoder, index matrix, caches
        for article in articles[1:]:
            if query is not None:
                query.article = article
            started, started_cpu = time.perf_counter(), time.process_time()
            result = trace_article(store, article)
            latencies.append(time.perf_counter() - started)
            each.append(latencies[-1])
            cpu.append(time.process_time() - started_cpu)  # all the process's threads (the encoder's too)
            related += bool(result["pairs"])
            digest.update(json.dumps(result, sort_keys=True).encode())
    latencies.sort()
    cpu.sort()

    def quantile(values: list[float], q: float) -> float:
        return values[min(len(values) - 1, int(q * len(values)))]

    return {"p50_ms": 1000 * quantile(latencies, 0.5), "p99_ms": 1000 * quantile(latencies, 0.99),
            "max_ms": 1000 * latencies[-1], "mean_ms": 1000 * sum(latencies) / len(latencies),
            "cpu_p50_ms": 1000 * quantile(cpu, 0.5), "cpu_p99_ms": 1000 * quantile(cpu, 0.99),
            "cpu_mean_ms": 1000 * sum(cpu) / len(cpu), "queries": len(latencies), "with_relations": related,
            "digest": digest.hexdigest(), "each_ms": [round(1000 * s, 3) for s in each]}


class _Query:
    def __init__(self) -> None:
        self.article = None  # the article being traced; set it before each trace
        self._of, self._encoded = None, {}

    def encoded(self) -> dict:
        """(text, word pieces) -> vector of the own texts this trace has encoded (a new dict for a
        new article): within one trace a text is encoded once, as the encoder's cache would have it."""
        if self._of is not self.article:
            self._of, self._encoded = self.article, {}
        return self._encoded


def _encode_own_texts() -> _Query:
    """With the vector cache on (as ``add`` and ``analyze`` left it: the stored articles' leads and
    the sentences and words their pairs needed), still make every trace encode its own article: any
    text to encode that is part of the traced article (its lead, a sentence, a word) skips both
    caches and is encoded, whatever a stored article shares with it, once in the trace."""
    import numpy as np

    from storytrace.encode.embed import DIMENSIONS, MAX_WORD_PIECES, get_encoder

    encoder, query = get_encoder(), _Query()
    cached_encode = encoder.encode

    def normal(text: str) -> str:
        return " ".join(text.split())

    def encode(texts: list[str], max_word_pieces: int = MAX_WORD_PIECES):
        own_text = normal(f"{query.article.title or ''} {query.article.text}") if query.article else ""
        own = [i for i, t in enumerate(texts) if own_text and normal(t) in own_text]
        if not own:
            return cached_encode(texts, max_word_pieces)
        others = [i for i in range(len(texts)) if i not in set(own)]
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if others:
            out[others] = cached_encode([texts[i] for i in others], max_word_pieces)
        done = query.encoded()
        fresh = sorted({texts[i] for i in own if (texts[i], max_word_pieces) not in done})
        if fresh:
            with encoder._lock:
                done.update(((t, max_word_pieces), v) for t, v in zip(fresh, encoder._run(fresh, max_word_pieces)))
        for i in own:
            out[i] = done[(texts[i], max_word_pieces)]
        return out

    encoder.encode = encode
    return query


def worker_add_batch(corpus: str, db: str) -> dict:
    """One batch of ``corpus``'s articles into ``db``: seconds, and a digest of the stored pairs
    (and of every row the batch writes: pair data bytes, stories, sources)."""
    import hashlib

    from storytrace.ingest import read_inputs
    from storytrace.store import Store, add_articles

    articles = read_inputs([corpus]).articles
    with Store(db) as store:
        started = time.perf_counter()
        report = add_articles(store, articles)
        seconds = time.perf_counter() - started
        rows = store.db.execute("SELECT a, b, relation, similarity FROM pairs ORDER BY a, b").fetchall()
        # every column the batch writes, the pair data's bytes and the re-judged pairs' batch included
        written = repr([store.db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
                        for table in ("pair_rows", "stories", "story_of", "sources")])
    digest = hashlib.sha256(json.dumps(rows).encode() + written.encode()).hexdigest()
    return {"seconds": seconds, "per_s": len(articles) / seconds, "pairs": len(rows), "added_pairs": len(report.pairs),
            "digest": digest}


def against(db: str, queries: str, baseline: str, rounds: int, count: int, add: str | None) -> None:
    """This checkout against ``baseline`` (a ``src`` folder) on one store, alternating processes."""
    import sqlite3
    import statistics

    mine = str(HERE.parent / "src")
    runs: dict[str, list[dict]] = {"this": [], "baseline": []}
    adds: dict[str, list[dict]] = {"this": [], "baseline": []}
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(rounds):
            for name, src in (("baseline", baseline), ("this", mine)) if n % 2 == 0 else (("this", mine), ("baseline", baseline)):
                env = {"PYTHONPATH": src, "STORYTRACE_VECTOR_CACHE": "off"}
                runs[name].append(_run("trace", queries, db, str(count), env=env))
                print(name, json.dumps(runs[name][-1]), file=sys.stderr)
                if add:
                    copy = Path(tmp) / "copy.db"
                    source, target = sqlite3.connect(db), sqlite3.connect(copy)
                    source.backup(target)  # a consistent copy, WAL included
                    target.close()
                    source.close()
                    adds[name].append(_run("add_batch", add, str(copy), env={"PYTHONPATH": src}))
                    print(name, "add", json.dumps(adds[name][-1]), file=sys.stderr)
                    for extra in Path(tmp).glob("copy.db*"):
                        extra.unlink()
    fields = ("p50_ms", "p99_ms", "mean_ms", "cpu_p50_ms", "cpu_p99_ms", "cpu_mean_ms")
    med = {k: {f: statistics.median(r[f] for r in v) for f in fields} for k, v in runs.items()}
    print("| code | trace warm p50 ms | p99 ms | mean ms | CPU p50 ms | CPU p99 ms | CPU mean ms | same traces |")
    print("|---|---|---|---|---|---|---|---|")
    same = len({r["digest"] for v in runs.values() for r in v}) == 1
    for name in ("baseline", "this"):
        print(f"| {name} | " + " | ".join(f"{med[name][f]:.0f}" for f in fields) + f" | {same} |")
    print("| ratio this / baseline | " + " | ".join(f"{med['this'][f] / med['baseline'][f]:.2f}" for f in fields) + " | |")
    # paired: each query's median over the rounds in both versions, then the median of the ratios
    # (a query's own cost cancels; the load's drift between rounds stays in the rounds' medians)
    per_query = {k: [statistics.median(q) for q in zip(*(r["each_ms"] for r in v))] for k, v in runs.items()}
    ratios = sorted(t / b for t, b in zip(per_query["this"], per_query["baseline"]) if b > 0)
    if ratios:
        print(f"\nper query, this / baseline: median {statistics.median(ratios):.3f} "
              f"(quartiles {ratios[len(ratios) // 4]:.3f}, {ratios[3 * len(ratios) // 4]:.3f}; {len(ratios)} queries)")
    if add:
        per_s = {k: statistics.median(r["per_s"] for r in v) for k, v in adds.items()}
        same_pairs = len({r["digest"] for v in adds.values() for r in v}) == 1
        print(f"\nadd one batch: baseline {per_s['baseline']:.1f} articles/s, this {per_s['this']:.1f} "
              f"(ratio {per_s['this'] / per_s['baseline']:.2f}); same stored pairs: {same_pairs}")


def cold_traces(held_out: list[dict], db: Path, folder: Path, count: int) -> dict:
    """Wall seconds of ``storytrace trace`` as a new process, one query each."""
    seconds = []
    for n, article in enumerate(held_out[:count]):
        query = folder / f"cold-{n}.jsonl"
        query.write_text(json.dumps(article) + "\n", "utf-8")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "storytrace.cli", "trace", str(query), "--db", str(db), "--json", os.devnull],
                       check=True, capture_output=True, env={**os.environ, "STORYTRACE_VECTOR_CACHE": "off"})
        seconds.append(time.perf_counter() - started)
    seconds.sort()
    if not seconds:
        return {}
    return {"cold_p50_ms": 1000 * seconds[len(seconds) // 2],
            "cold_p99_ms": 1000 * seconds[min(len(seconds) - 1, int(0.99 * len(seconds)))], "cold_queries": len(seconds)}


def measure(size: int, queries: int, seed: int, folder: Path, cold: int = 10, corpus: str | None = None,
            planted: str | None = None) -> dict:
    stored, held_out = _corpus(size, queries, seed, corpus, planted)
    corpus, query_file, db = folder / f"corpus-{size}.jsonl", folder / f"queries-{size}.jsonl", folder / f"store-{size}.db"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in stored), "utf-8")
    query_file.write_text("".join(json.dumps(a) + "\n" for a in held_out), "utf-8")
    for old in folder.glob(f"store-{size}.db*"):  # a kept folder's store of an earlier run
        old.unlink()
    analysed = _run("analyze", str(corpus))
    added = _run("add", str(corpus), str(db))
    traced = _run("trace", str(query_file), str(db), env={"STORYTRACE_VECTOR_CACHE": "off"})
    # the default set-up: the vector cache on, as add and analyze left it (each query's own texts encoded)
    cached = _run("trace", str(query_file), str(db), "0", "own")
    traced.update({f"stored_vectors_{k}": cached[k] for k in ("p50_ms", "p99_ms", "mean_ms")})
    traced["same_traces_both_ways"] = cached["digest"] == traced["digest"]
    traced.update(cold_traces(held_out, db, folder, cold))
    size_bytes = sum(p.stat().st_size for p in folder.glob(f"store-{size}.db*"))
    text_bytes = sum(len(a["text"].encode("utf-8")) for a in stored)
    return {"size": size, "analyze_s": analysed["seconds"], "analyze_per_s": size / analysed["seconds"],
            "analyze_pairs": analysed["pairs"], "add_s": added["seconds"], "add_per_s": size / added["seconds"],
            "add_pairs": added["pairs"], "last_batch_s": added["batches"][-1], **traced,
            "bytes_per_article": size_bytes / size, "beyond_text_per_article": (size_bytes - text_bytes) / size}


def breakdown(db: str) -> list[tuple[str, float, str]]:
    """Where a store's bytes go: (table or index, KB per article on its pages (``dbstat``), KB per
    article of each column's values (``SUM(LENGTH(col))``: payload without row and page overhead))."""
    import sqlite3

    con = sqlite3.connect(db)
    count = con.execute("SELECT COUNT(*) FROM articles").fetchone()[0] or 1
    tables = {name for name, in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    rows = []
    for name, pages in con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY SUM(pgsize) DESC"):
        columns = ""
        if name in tables:
            names = [c[1] for c in con.execute(f"PRAGMA table_info({name})")]
            # a number counts 8 bytes (SQLite stores an integer in 0-8 bytes), else its length in bytes
            sizes = [f"SUM(CASE typeof({c}) WHEN 'integer' THEN 8 WHEN 'real' THEN 8 WHEN 'null' THEN 0 "
                     f"ELSE LENGTH(CAST({c} AS BLOB)) END)" for c in names]
            sums = con.execute(f"SELECT {', '.join(sizes)} FROM {name}").fetchone()
            columns = ", ".join(f"{c} {(n or 0) / count / 1024:.2f}" for c, n in zip(names, sums))
        rows.append((name, pages / count / 1024, columns))
    con.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cold", type=int, default=10, help="queries traced each by a new storytrace process")
    parser.add_argument("--keep", help="a folder to keep the corpora and stores in (else a temporary one)")
    parser.add_argument("--breakdown", metavar="DB", help="only print where a store's bytes go, per table and column")
    parser.add_argument("--against", nargs=2, metavar=("DB", "QUERIES"),
                        help="only compare this code with --baseline on a kept store and query file")
    parser.add_argument("--baseline", metavar="SRC", help="with --against: the other version's src folder")
    parser.add_argument("--rounds", type=int, default=3, help="with --against: processes per version")
    parser.add_argument("--count", type=int, default=0, help="with --against: timed queries (default all)")
    parser.add_argument("--add", metavar="CORPUS", help="with --against: also add these articles as one batch")
    parser.add_argument("--corpus", help="take each size's store from the first N articles of this synthetic.py "
                        "corpus, and the queries from the articles after them (else a corpus is made per size)")
    parser.add_argument("--planted", help="with --corpus: its planted pairs (synthetic.py --pairs), so that half "
                        "the queries have a source among the stored")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.breakdown:
        print("| table or index | KB per article (pages) | columns: KB per article of values |")
        print("|---|---|---|")
        for name, kb, columns in breakdown(args.breakdown):
            print(f"| {name} | {kb:.2f} | {columns} |")
        return
    if args.worker:
        kind, *rest = args.worker
        workers = {"add": worker_add, "analyze": worker_analyze, "trace": worker_trace, "add_batch": worker_add_batch}
        print(json.dumps(workers[kind](*rest)))
        return
    if args.against:
        if not args.baseline:
            parser.error("--against needs --baseline SRC")
        against(*args.against, args.baseline, args.rounds, args.count, args.add)
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for size in [int(s) for s in args.sizes.split(",")]:
            rows.append(measure(size, args.queries, args.seed, folder, args.cold, args.corpus, args.planted))
            print(json.dumps(rows[-1]), file=sys.stderr)
    print("| store | analyze s (art/s) | add s in batches of 1,000 (art/s) | last batch s | trace warm p50 / p99 ms | "
          "trace warm, vector cache on, p50 / p99 ms | trace cold p50 / p99 ms | traces with relations | "
          "store KB/article (beyond text) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        cold = f"{r['cold_p50_ms']:.0f} / {r['cold_p99_ms']:.0f}" if "cold_p50_ms" in r else "-"
        print(f"| {r['size']:,} | {r['analyze_s']:.0f} ({r['analyze_per_s']:.0f}) | {r['add_s']:.0f} ({r['add_per_s']:.0f}) | "
              f"{r['last_batch_s']:.1f} | {r['p50_ms']:.0f} / {r['p99_ms']:.0f} | "
              f"{r['stored_vectors_p50_ms']:.0f} / {r['stored_vectors_p99_ms']:.0f} | {cold} | {r['with_relations']}/{r['queries']} | "
              f"{r['bytes_per_article'] / 1024:.1f} ({r['beyond_text_per_article'] / 1024:.1f}) |")


if __name__ == "__main__":
    main()
