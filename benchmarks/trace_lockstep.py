"""Warm ``trace`` latency of two versions of storytrace traced side by side, query by query.

    python benchmarks/trace_lockstep.py DB QUERIES --baseline SRC [--rounds 3]

On a machine whose load comes and goes (other people's benchmarks), two versions timed one after
the other (``store.py --against``) can each meet a different load. Here one process of each (this
checkout's ``src`` and ``SRC``, vector cache off) traces the same query at the same moment: both
load the store and trace the first query untimed, then for each query the parent starts both and
waits for both. Each query so gives a pair of latencies measured under the same load (the two
processes also share the cores, alike). Prints, over ``--rounds`` fresh pairs of processes: the
median of the per-query ratios (this / baseline), each version's p50 / p99 / mean, and whether
both gave the same trace documents (a digest of each). Timing is reported, never asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def worker(db: str, queries: str) -> None:
    from storytrace.ingest import read_inputs
    from storytrace.store import Store, trace_article

    articles = read_inputs([queries]).articles
    with Store(db, create=False) as store:
        trace_article(store, articles[0])  # warm-up: encoder, index matrix, caches
        print("ready", flush=True)
        for line in sys.stdin:
            article = articles[int(line)]
            started = time.perf_counter()
            result = trace_article(store, article)
            seconds = time.perf_counter() - started
            digest = hashlib.sha256(json.dumps(result, sort_keys=True).encode()).hexdigest()
            print(json.dumps({"ms": 1000 * seconds, "digest": digest}), flush=True)


def _start(src: str, db: str, queries: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": src, "STORYTRACE_VECTOR_CACHE": "off"}
    process = subprocess.Popen([sys.executable, __file__, "--worker", db, queries], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, env=env)
    return process


def one_round(db: str, queries: str, sources: dict[str, str], count: int) -> dict[str, list[dict]]:
    processes = {name: _start(src, db, queries) for name, src in sources.items()}
    for process in processes.values():
        assert process.stdout.readline().strip() == "ready"
    times: dict[str, list[dict]] = {name: [] for name in processes}
    for n in range(1, count + 1):
        for process in processes.values():
            process.stdin.write(f"{n}\n")
            process.stdin.flush()
        for name, process in processes.items():
            times[name].append(json.loads(process.stdout.readline()))
    for process in processes.values():
        process.stdin.close()
        process.wait()
    return times


def _quantile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="?")
    parser.add_argument("queries", nargs="?")
    parser.add_argument("--baseline", metavar="SRC", help="the other version's src folder")
    parser.add_argument("--rounds", type=int, default=3, help="fresh pairs of processes")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    if not (args.db and args.queries and args.baseline):
        parser.error("DB, QUERIES and --baseline SRC are needed")
    count = sum(1 for line in open(args.queries, encoding="utf-8") if line.strip()) - 1
    sources = {"baseline": args.baseline, "this": str(HERE.parent / "src")}
    ratios, summary, digests = [], {name: [] for name in sources}, set()
    for n in range(args.rounds):
        times = one_round(args.db, args.queries, sources, count)
        ratios += [t["ms"] / b["ms"] for t, b in zip(times["this"], times["baseline"])]
        for name, measured in times.items():
            ms = [m["ms"] for m in measured]
            summary[name].append((_quantile(ms, 0.5), _quantile(ms, 0.99), statistics.fmean(ms)))
            digests.add(tuple(m["digest"] for m in measured))
        print(f"round {n + 1}: " + ", ".join(f"{k} p50 {v[-1][0]:.0f} p99 {v[-1][1]:.0f} mean {v[-1][2]:.0f} ms"
                                             for k, v in summary.items()), file=sys.stderr)
    print("| code | trace warm p50 ms | p99 ms | mean ms | same traces |")
    print("|---|---|---|---|---|")
    for name, rounds in summary.items():
        p50, p99, mean = (statistics.median(r[i] for r in rounds) for i in range(3))
        print(f"| {name} | {p50:.0f} | {p99:.0f} | {mean:.0f} | {len(digests) == 1} |")
    print(f"\nper-query ratio this / baseline over {len(ratios)} queries: median {statistics.median(ratios):.2f}, "
          f"quartiles {_quantile(ratios, 0.25):.2f}-{_quantile(ratios, 0.75):.2f}")


if __name__ == "__main__":
    main()
