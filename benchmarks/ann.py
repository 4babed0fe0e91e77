"""Nearest lead vectors at scale: the exact blocked product storytrace uses
(``index.candidate_pairs.vector_neighbour_candidates``) against an approximate nearest-neighbour index
(usearch's HNSW), on seeded clustered unit vectors of the encoder's size (384).

    python benchmarks/ann.py --sizes 20000,50000          (needs usearch: pip install usearch)

Prints, per size: seconds for each (median of --repeat runs), the ratio, and the recall of the
exact candidate pairs (each article's 20 nearest above the cosine floor) by the approximate ones.
The baseline is the exact product, run in the same command."""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from storytrace import thresholds as T
from storytrace.index.candidate_pairs import unique_pairs, vector_neighbour_candidates


def clustered_vectors(n: int, seed: int, dim: int = 384) -> np.ndarray:
    """Unit vectors around n/20 centres: stories of about 20 articles, as a news stream has."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((n // 20 + 1, dim)).astype(np.float32)
    v = centres[rng.integers(0, len(centres), n)] + 0.9 * rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def hnsw_pairs(vectors: np.ndarray, threads: int) -> np.ndarray:
    from usearch.index import Index

    k = T.VECTOR_NEIGHBOURS
    index = Index(ndim=vectors.shape[1], metric="ip", dtype="f32", connectivity=16, expansion_add=128,
                  expansion_search=64)
    index.add(np.arange(len(vectors)), vectors, threads=threads)
    found = index.search(vectors, k + 1, threads=threads)
    rows = np.broadcast_to(np.arange(len(vectors))[:, None], found.keys.shape)
    keep = (found.keys != rows) & (1 - found.distances >= T.MIN_ARTICLE_COSINE) & (found.keys < len(vectors))
    i, j = rows[keep], found.keys[keep].astype(np.int64)
    return unique_pairs(np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1), len(vectors))


def timed(fn, repeat: int):
    times, out = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,50000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    print("| vectors | exact product | HNSW (usearch) | HNSW / exact | recall of exact pairs |")
    print("|---|---|---|---|---|")
    for n in (int(s) for s in args.sizes.split(",")):
        vectors = clustered_vectors(n, args.seed)
        exact_s, exact = timed(lambda: vector_neighbour_candidates(vectors), args.repeat)
        hnsw_s, approx = timed(lambda: hnsw_pairs(vectors, args.threads), args.repeat)
        codes = lambda p: set((p[:, 0] * n + p[:, 1]).tolist())
        recall = len(codes(exact) & codes(approx)) / max(1, len(exact))
        print(f"| {n:,} | {exact_s:.1f} s | {hnsw_s:.1f} s | {hnsw_s / exact_s:.2f} | {recall:.4f} |", flush=True)


if __name__ == "__main__":
    main()
