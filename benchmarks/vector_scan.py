"""The store's lead-vector scan (one trace's cosines with every stored vector): the 8-bit rows of
``index/vector_rows.py`` (simsimd's int8 dot products) against the float32 matrix-vector product
the index used before (the baseline), in the same process, on one core (BLAS held to one thread,
as ``trace`` holds it).

    python benchmarks/vector_scan.py                         # 100,000 / 500,000 / 1,000,000 random rows
    python benchmarks/vector_scan.py --sizes 200000 --repeat 51
    python benchmarks/vector_scan.py --db /tmp/st/store-100000.db   # a store's own vectors
    python benchmarks/vector_scan.py --threads --sizes 2000,20000,100000,300000

Random rows are unit vectors rounded as the encoder's leads are (``leads.round_leads``); a store's
are read from it. Prints, per size: the median time of each (``--repeat`` scans, alternating), the
ratio, the memory each holds, and the largest difference between their cosines (vectors.TIE is
what the index allows). With ``--threads``: the int8 scan on one thread (the baseline) against
``vector_rows.SCAN_THREADS`` threads instead, whose cosines must be equal (integer sums). Timing is
reported, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_limits

from storytrace.encode import leads
from storytrace.index import vector_rows
from storytrace.index.vector_rows import VectorRows
from storytrace.index.vectors import TIE

DIMENSIONS = 384


def _random_rows(size: int, seed: int) -> VectorRows:
    rows = VectorRows(DIMENSIONS)
    rng = np.random.default_rng(seed)
    for first in range(0, size, 50_000):  # rounded a chunk at a time: no float32 copy of them all
        chunk = rng.normal(size=(min(50_000, size - first), DIMENSIONS)).astype(np.float32)
        chunk /= np.linalg.norm(chunk, axis=1, keepdims=True)
        for k, packed in enumerate(leads.rounded_packs(chunk)):
            rows.append(first + k, packed, -2.0)
    return rows


def _stored_rows(db: str) -> VectorRows:
    from storytrace.store import Store

    with Store(db, create=False) as store:
        return store.storage.vectors()[1]


def measure(rows: VectorRows, repeat: int) -> dict:
    matrix = rows.unpacked(0, len(rows))  # the baseline's float32 matrix
    picks = np.random.default_rng(7).integers(0, len(rows), size=repeat)
    ours, base, worst = [], [], 0.0
    for n, row in enumerate(picks.tolist()):
        lead = matrix[row].copy()
        packed = leads.pack(lead)  # as Features keep it
        for name in (("base", "ours") if n % 2 == 0 else ("ours", "base")):
            started = time.perf_counter()
            found = matrix @ lead if name == "base" else rows.cosines(packed)
            (base if name == "base" else ours).append(time.perf_counter() - started)
            if name == "base":
                expected = found
            else:
                mine = found
        worst = max(worst, float(np.abs(mine - expected).max()))
    return {"rows": len(rows), "base_ms": 1000 * statistics.median(base), "ours_ms": 1000 * statistics.median(ours),
            "base_mb": matrix.nbytes / 1e6, "ours_mb": len(rows) * (DIMENSIONS + 4) / 1e6, "worst": worst}


def measure_threads(rows: VectorRows, repeat: int) -> dict:
    """The scan on one thread against SCAN_THREADS, alternating, each scan after a 64 MB sweep that
    pushes the rows out of the caches (a trace's scan finds them cold: the trace's other work ran
    in between)."""
    threads, sweep = vector_rows.SCAN_THREADS, np.ones(64 << 20, np.uint8)
    picks = np.random.default_rng(7).integers(0, len(rows), size=repeat)
    times: dict[int, list[float]] = {1: [], threads: []}
    for n, row in enumerate(picks.tolist()):
        packed = leads.pack(rows.unpacked(row, row + 1)[0])
        found = {}
        for count in ((1, threads) if n % 2 == 0 else (threads, 1)):
            sweep += 1
            vector_rows.SCAN_THREADS = count
            started = time.perf_counter()
            found[count] = rows.cosines(packed)
            times[count].append(time.perf_counter() - started)
        if not np.array_equal(found[1], found[threads]):
            raise SystemExit(f"{threads} threads gave other cosines than one")
    vector_rows.SCAN_THREADS = threads
    return {"rows": len(rows), "one_ms": 1000 * statistics.median(times[1]),
            "many_ms": 1000 * statistics.median(times[threads]), "threads": threads}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,500000,1000000")
    parser.add_argument("--repeat", type=int, default=21, help="scans of each kind per size")
    parser.add_argument("--db", help="scan a store's own vectors instead of random ones")
    parser.add_argument("--threads", action="store_true", help="the int8 scan on one thread against SCAN_THREADS")
    args = parser.parse_args()
    with threadpool_limits(1):
        sources = [(args.db, lambda: _stored_rows(args.db))] if args.db else \
            [(f"random {int(s):,}", lambda s=int(s): _random_rows(s, seed=1)) for s in args.sizes.split(",")]
        if args.threads:
            print(f"| rows | int8 scan, 1 thread (baseline) ms | {vector_rows.SCAN_THREADS} threads ms | ratio | same cosines |")
            print("|---|---|---|---|---|")
            for name, make in sources:
                r = measure_threads(make(), args.repeat)
                print(f"| {name} | {r['one_ms']:.2f} | {r['many_ms']:.2f} | {r['many_ms'] / r['one_ms']:.2f} | yes |",
                      flush=True)
            return
        print("| rows | float32 product (baseline) ms | int8 rows ms | ratio int8 / float32 | "
              "held MB: float32 / int8 | largest cosine difference (TIE " + f"{TIE:g})" + " |")
        print("|---|---|---|---|---|---|")
        for name, make in sources:
            r = measure(make(), args.repeat)
            print(f"| {name} ({r['rows']:,}) | {r['base_ms']:.2f} | {r['ours_ms']:.2f} | "
                  f"{r['ours_ms'] / r['base_ms']:.2f} | {r['base_mb']:.0f} / {r['ours_mb']:.0f} | {r['worst']:.1e} |",
                  flush=True)


if __name__ == "__main__":
    main()
