"""A cold `storytrace trace`: one held-out article traced by a new process, this checkout against
another version's ``src`` (``--baseline``), alternating, on the same store. Prints each version's
median and fastest wall time over the runs and their ratio; never asserts a time.

    python benchmarks/cold_trace.py STORE.db QUERIES.jsonl --baseline OTHER/src [--queries 5] [--rounds 3]

Each run is ``python -m storytrace.cli trace QUERY --db STORE --json /dev/null`` with the vector
cache off (the article's own lead and sentences are encoded, as a new article's would be), the
operating system's file cache as the previous runs left it (the store's pages warm), the cache
directory's derived files (the exported model, its optimised graph, the word table) made before
the timed runs by one untimed trace of each version.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def trace_once(src: str, query: Path, db: str) -> float:
    env = {**os.environ, "PYTHONPATH": src, "STORYTRACE_VECTOR_CACHE": "off"}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "storytrace.cli", "trace", str(query), "--db", db, "--json", os.devnull],
                   check=True, capture_output=True, env=env)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db")
    parser.add_argument("queries", help="JSONL of articles not in the store; the first --queries are traced")
    parser.add_argument("--baseline", required=True, metavar="SRC", help="the other version's src folder")
    parser.add_argument("--queries", dest="count", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each query by each version")
    args = parser.parse_args()
    versions = {"baseline": args.baseline, "this": str(HERE.parent / "src")}
    lines = Path(args.queries).read_text("utf-8").splitlines()[:args.count]
    seconds: dict[str, list[float]] = {name: [] for name in versions}
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for n, line in enumerate(lines):
            files.append(Path(tmp) / f"query-{n}.jsonl")
            files[-1].write_text(line + "\n", "utf-8")
        for src in versions.values():  # untimed: the cache directory's derived files made
            trace_once(src, files[0], args.db)
        for r in range(args.rounds):
            order = list(versions.items()) if r % 2 == 0 else list(versions.items())[::-1]
            for query in files:
                for name, src in order:
                    seconds[name].append(trace_once(src, query, args.db))
    summary = {name: {"median_ms": round(1000 * statistics.median(v), 1), "min_ms": round(1000 * min(v), 1),
                      "runs": len(v)} for name, v in seconds.items()}
    summary["ratio_median"] = round(summary["this"]["median_ms"] / summary["baseline"]["median_ms"], 3)
    summary["load"] = round(os.getloadavg()[0], 2)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
