"""The on-disk vector cache (``encode/vector_store.py``): what keeping it bounded costs its writes and
reads, against another version of storytrace (the baseline, e.g. a checkout before the bound),
each in its own processes, alternated round by round on the same machine.

    python benchmarks/vector_cache.py --baseline /tmp/old/src [--rows 100000] [--rounds 3]
    python benchmarks/vector_cache.py --bounded --rows 200000      # this code alone, under a bound

One round of a version, in a fresh process and a fresh cache file: ``--rows`` random unit vectors
written as the encoder writes them (``put_many`` of 64 at a time), then every one read back in
random order (``get_many`` of 256 at a time). Prints each phase's median vectors per second over
the rounds, this code's ratio to the baseline's, and the file's size. With ``--bounded``: the same
writes into a cache bounded at half of what they take unbounded, then the file's pages in use
against the bound, the trims made, the vectors left and how many of the newest 1,024 are among
them. Timing is reported, never asserted.
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

HERE = Path(__file__).resolve()
OWN_SRC = HERE.parents[1] / "src"
DIMENSIONS = 384


def worker(rows: int, seed: int, limit: int | None) -> dict:
    import numpy as np
    from storytrace.encode import vector_store

    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(rows, DIMENSIONS)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    keys = [rng.bytes(16) for _ in range(rows)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vectors.sqlite3"
        store = (vector_store.VectorStore(path, DIMENSIONS) if limit is None
                 else vector_store.VectorStore(path, DIMENSIONS, limit))
        out = {}
        started = time.perf_counter()
        for first in range(0, rows, 64):
            store.put_many(list(zip(keys[first:first + 64], vectors[first:first + 64])))
        out["put"] = rows / (time.perf_counter() - started)
        order = rng.permutation(rows).tolist()
        started, found = time.perf_counter(), 0
        for first in range(0, rows, 256):
            found += len(store.get_many([keys[k] for k in order[first:first + 256]]))
        out["get"] = rows / (time.perf_counter() - started)
        out["found"] = found
        if limit is not None:
            db = store._connect()
            out["live_bytes"] = store.live_bytes()
            out["trims"] = store.trims
            out["left"] = db.execute("SELECT count(*) FROM vectors").fetchone()[0]
            newest = sum(len(store.get_many(keys[first:first + 256])) for first in range(rows - 1024, rows, 256))
            out["newest_1024_kept"] = newest
        if store._db is not None:
            store._db.close()  # the last connection checkpoints the WAL into the file
        out["file_bytes"] = path.stat().st_size
    return out


def _run(src: Path, rows: int, seed: int, limit: int | None) -> dict:
    env = dict(os.environ, PYTHONPATH=str(src))
    args = [sys.executable, str(HERE), "--worker", str(rows), str(seed)] + ([str(limit)] if limit else [])
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        rows, seed = int(sys.argv[2]), int(sys.argv[3])
        limit = int(sys.argv[4]) if len(sys.argv) > 4 else None
        print(json.dumps(worker(rows, seed, limit)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="another version's src directory")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bounded", action="store_true", help="this code under a bound of half the rows' size")
    args = parser.parse_args()
    if args.bounded:
        unbounded = _run(OWN_SRC, args.rows, 0, None)
        limit = unbounded["file_bytes"] // 2
        bounded = _run(OWN_SRC, args.rows, 0, limit)
        print(f"{args.rows:,} vectors: unbounded file {unbounded['file_bytes']:,} bytes, put {unbounded['put']:,.0f}/s")
        print(f"bounded at {limit:,} bytes: pages in use {bounded['live_bytes']:,} ({bounded['live_bytes'] / limit:.3f} of the "
              f"bound), file {bounded['file_bytes']:,}, {bounded['trims']} trims, {bounded['left']:,} vectors left, "
              f"the newest 1,024 kept: {bounded['newest_1024_kept']:,}; put {bounded['put']:,.0f}/s "
              f"({bounded['put'] / unbounded['put']:.2f}x unbounded)")
        return
    if args.baseline is None:
        parser.error("--baseline SRC (or --bounded)")
    runs = {"baseline": [], "this": []}
    for round_ in range(args.rounds):
        for name, src in (("baseline", args.baseline), ("this", OWN_SRC)) if round_ % 2 == 0 else \
                (("this", OWN_SRC), ("baseline", args.baseline)):
            runs[name].append(_run(src, args.rows, round_, None))
            print(f"round {round_ + 1} {name}: " + ", ".join(f"{k} {v:,.0f}" for k, v in runs[name][-1].items()),
                  flush=True)
    print(f"\n{args.rows:,} vectors, {args.rounds} rounds, medians (vectors/s):")
    for phase in ("put", "get"):
        base = statistics.median(r[phase] for r in runs["baseline"])
        this = statistics.median(r[phase] for r in runs["this"])
        print(f"  {phase:10} baseline {base:10,.0f}   this {this:10,.0f}   ratio {this / base:.2f}")
    for name in runs:
        print(f"  file bytes, {name}: {statistics.median(r['file_bytes'] for r in runs[name]):,.0f}")


if __name__ == "__main__":
    main()
