"""The nearest lead vectors of a batch (``candidate_pairs.vector_neighbour_candidates``, the
quadratic part of ``analyze``'s candidates stage), this tree against a baseline tree, on the same
leads, each tree in its own subprocess, alternating.

    python benchmarks/vector_neighbours.py --leads LEADS.npy --sizes 20000,100000 --baseline OTHER/src

``LEADS.npy``: float32 lead vectors, one row an article (e.g. ``np.stack([f.lead for f in
features])`` of ``benchmarks/candidates.py``'s kept features); each size takes the first rows.
Both trees get them rounded and packed as ``analyze`` keeps them (``leads.rounded_packs``) and
read through ``PackedRows``. Printed per size and tree: wall and CPU seconds (medians of
``--rounds``), pairs, the ratio baseline / this, and how the two trees' pairs differ; a pair
found by one tree only is checked against the exact cosines (integers): its cosine against the
20th nearest of its two articles. Timing is reported, never asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"


def _worker(leads_path: str, size: int, out: str) -> None:
    from storytrace.encode.leads import rounded_packs
    from storytrace.index.candidate_pairs import PackedRows, vector_neighbour_candidates

    leads = np.load(leads_path, mmap_mode="r")[:size]
    packs = rounded_packs(np.asarray(leads))
    rows = PackedRows(packs, leads.shape[1])
    wall, cpu = time.perf_counter(), time.process_time()
    pairs = vector_neighbour_candidates(rows)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    np.save(out, pairs)
    print(json.dumps({"wall": wall, "cpu": cpu, "pairs": len(pairs),
                      "digest": hashlib.blake2b(np.ascontiguousarray(pairs, np.int64).tobytes(), digest_size=8).hexdigest()}))


def _run(src: Path, leads: str, size: int, out: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(src))
    done = subprocess.run([sys.executable, __file__, "--worker", leads, str(size), out],
                          env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _exact_cosines(leads: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sys.path.insert(0, str(SRC))
    from storytrace.encode.leads import rounded_packs, split_packs

    codes, scales = split_packs(rounded_packs(leads), leads.shape[1])
    return codes, scales.astype(np.float64)


def _explain(only: np.ndarray, leads: np.ndarray, k: int = 20) -> str:
    """For pairs one tree found and the other did not: how far each is from the k-th nearest
    cosine of the article that could hold it (the nearer of the two), in exact integers."""
    if not len(only):
        return "none"
    codes, scales = _exact_cosines(leads)
    wide = codes.astype(np.int32)  # once, not for every pair
    gaps = []
    for i, j in only.tolist():
        best = np.inf
        for a, b in ((i, j), (j, i)):
            row = scales[a] * (scales * (wide @ wide[a]))
            row[a] = -np.inf
            kth = np.partition(row, len(row) - k)[len(row) - k]
            best = min(best, abs(row[b] - kth))
        gaps.append(best)
    gaps = np.array(gaps)
    return (f"{len(only)} pairs; |cosine - nearer article's {k}th nearest|: median {np.median(gaps):.1e}, "
            f"max {gaps.max():.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", help="float32 .npy of lead vectors, one row an article")
    parser.add_argument("--sizes", default="20000,100000")
    parser.add_argument("--baseline", help="another tree's src folder")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each tree a size, alternating")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.worker[0], int(args.worker[1]), args.worker[2])
        return
    if not args.leads:
        parser.error("--leads is required")
    trees = [("this", SRC)] + ([("baseline", Path(args.baseline))] if args.baseline else [])
    print("| articles | tree | wall s (median) | CPU s (median) | pairs | baseline / this (wall) |")
    print("|---|---|---|---|---|---|")
    notes = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            runs = {name: [] for name, _ in trees}
            for _ in range(args.rounds):
                for name, src in trees:
                    runs[name].append(_run(src, args.leads, size, f"{tmp}/{name}-{size}.npy"))
            wall = {name: statistics.median(r["wall"] for r in runs[name]) for name in runs}
            for name, _ in trees:
                cpu = statistics.median(r["cpu"] for r in runs[name])
                ratio = f"{wall['baseline'] / wall['this']:.2f}" if name == "this" and "baseline" in wall else ""
                print(f"| {size:,} | {name} | {wall[name]:.2f} | {cpu:.2f} | {runs[name][-1]['pairs']:,} | {ratio} |", flush=True)
            if "baseline" in runs:
                mine, theirs = (np.load(f"{tmp}/{name}-{size}.npy") for name in ("this", "baseline"))
                a, b = ({tuple(p) for p in x.tolist()} for x in (mine, theirs))
                leads = np.asarray(np.load(args.leads, mmap_mode="r")[:size])
                notes.append(f"{size:,}: equal pairs: {a == b}; only this tree: "
                             f"{_explain(np.array(sorted(a - b)), leads)}; only the baseline: "
                             f"{_explain(np.array(sorted(b - a)), leads)}")
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
