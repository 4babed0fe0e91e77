"""``storytrace serve`` under load: ``POST /api/trace`` from concurrent clients on loopback.

    python benchmarks/serve.py                                  # 20,000-article store, 16 clients, 60 s
    python benchmarks/serve.py --articles 2000 --seconds 30     # smaller and shorter
    python benchmarks/serve.py --db kept.db --keep              # build once, reuse the store next time

``benchmarks/synthetic.py`` makes N + Q articles (seeded); N are added to a store (batches of
1,000, ``add_articles``) unless ``--db`` names a store that already holds articles, and the Q
others (default 200, half from planted reuse families) are the queries: each client sends them
in turn, as JSON, for the given seconds. The server is the real command (``storytrace serve``) in
its own process; the clients are threads of this one (httpx), each waiting for its answer before
sending the next request.

Baseline, in the same command: the same queries traced one after another by ``trace_article`` in
this process (no HTTP, one at a time) for a third of the time. Reported: requests/s, p50, p99 and
max latency, errors (any answer but 200, or a failed request), and the ratios of the served p50 to
the baseline p50 and of the served throughput to the baseline's. Timing is reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BATCH = 1000


def queries_and_corpus(size: int, queries: int, seed: int) -> tuple[list[dict], list[dict]]:
    sys.path.insert(0, str(HERE))
    from synthetic import stored_and_queries

    stored, held_out = stored_and_queries(size, queries, seed)
    return held_out, stored


def build_store(db: Path, corpus: list[dict]) -> float:
    from storytrace.ingest import read_inputs
    from storytrace.store import Store, add_articles

    started = time.perf_counter()
    articles = read_inputs(corpus).articles
    with Store(db) as store:
        for first in range(0, len(articles), BATCH):
            add_articles(store, articles[first:first + BATCH])
            print(f"  stored {min(first + BATCH, len(articles)):,} / {len(articles):,} "
                  f"({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    return time.perf_counter() - started


def quantiles(latencies: list[float]) -> dict:
    ordered = sorted(latencies)
    if not ordered:
        return {"p50_ms": None, "p99_ms": None, "max_ms": None}

    def q(x: float) -> float:
        return 1000 * ordered[min(len(ordered) - 1, int(x * len(ordered)))]

    return {"p50_ms": q(0.5), "p99_ms": q(0.99), "max_ms": 1000 * ordered[-1]}


def baseline(db: Path, queries: list[dict], seconds: float) -> dict:
    """The same traces, one at a time, in this process: what one request costs without the server."""
    from storytrace.ingest import read_inputs
    from storytrace.store import Store, trace_article

    articles = read_inputs(queries).articles
    latencies = []
    with Store(db, create=False) as store:
        trace_article(store, articles[0])  # warm-up: encoder, index matrix
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            article = articles[len(latencies) % len(articles)]
            t0 = time.perf_counter()
            trace_article(store, article)
            latencies.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - started
    return {"requests": len(latencies), "per_s": len(latencies) / elapsed, **quantiles(latencies)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    import httpx

    server = subprocess.Popen([sys.executable, "-m", "storytrace.cli", "serve", "--db", str(db), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"storytrace serve ended: {server.stderr.read()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/stories?limit=1", timeout=5).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.terminate()
    raise SystemExit("storytrace serve did not answer within 300 s")


def load(port: int, queries: list[dict], clients: int, seconds: float) -> dict:
    import httpx

    url = f"http://127.0.0.1:{port}/api/trace"
    bodies = [json.dumps({k: a[k] for k in ("id", "title", "text", "outlet", "published") if a.get(k)}).encode()
              for a in queries]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(k: int) -> None:
        mine, wrong = [], []
        with httpx.Client(timeout=300, headers={"content-type": "application/json"}) as http:
            n = k
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                try:
                    r = http.post(url, content=bodies[n % len(bodies)])
                    if r.status_code != 200:
                        wrong.append(f"{r.status_code}: {r.text[:120]}")
                except httpx.HTTPError as exc:
                    wrong.append(f"{type(exc).__name__}: {exc}")
                mine.append(time.perf_counter() - t0)
                n += clients
        with lock:
            latencies.extend(mine)
            errors.extend(wrong)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {"requests": len(latencies), "per_s": len(latencies) / elapsed, "errors": len(errors),
            "error_examples": sorted(set(errors))[:3], **quantiles(latencies)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000, help="articles in the store (default 20,000)")
    parser.add_argument("--queries", type=int, default=200, help="held-out articles the clients trace (default 200)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--seconds", type=float, default=60, help="seconds of load (default 60)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", help="the store to use: built there if absent (default: a temporary file)")
    parser.add_argument("--keep", action="store_true", help="keep the store built (with --db)")
    args = parser.parse_args()

    queries, corpus = queries_and_corpus(args.articles, args.queries, args.seed)
    folder = Path(tempfile.mkdtemp(prefix="storytrace-serve-bench-"))
    db = Path(args.db) if args.db else folder / "store.db"
    built = None
    if not (db.exists() and db.stat().st_size > 0):
        print(f"building a store of {len(corpus):,} synthetic articles at {db} ...", file=sys.stderr)
        built = build_store(db, corpus)
    base = baseline(db, queries, max(5.0, args.seconds / 3))
    port = free_port()
    server = start_server(db, port)
    try:
        served = load(port, queries, args.clients, args.seconds)
    finally:
        server.terminate()
        server.wait(30)
    if args.db and not args.keep and built is not None:
        for p in db.parent.glob(db.name + "*"):
            p.unlink()
    shutil.rmtree(folder, ignore_errors=True)
    report = {"articles": args.articles, "queries": len(queries), "clients": args.clients, "seconds": args.seconds,
              "store_built_s": built, "baseline": base, "served": served,
              "p50_ratio": served["p50_ms"] / base["p50_ms"] if served["p50_ms"] and base["p50_ms"] else None,
              "throughput_ratio": served["per_s"] / base["per_s"] if base["per_s"] else None,
              "cpus": os.cpu_count(), "load_average": os.getloadavg()[0]}
    print(f"store {args.articles:,} articles, {args.clients} clients, {args.seconds:.0f} s")
    print(f"  baseline (trace_article, one at a time): {base['per_s']:.2f} traces/s, p50 {base['p50_ms']:.0f} ms, "
          f"p99 {base['p99_ms']:.0f} ms")
    print(f"  served (POST /api/trace): {served['per_s']:.2f} requests/s, p50 {served['p50_ms']:.0f} ms, "
          f"p99 {served['p99_ms']:.0f} ms, max {served['max_ms']:.0f} ms, errors {served['errors']} "
          f"of {served['requests']}")
    print(f"  ratios served/baseline: p50 {report['p50_ratio']:.2f}x, throughput {report['throughput_ratio']:.2f}x")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
