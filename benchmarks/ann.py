"""Nearest lead vectors at scale: the exact blocked product storytrace uses
(``index.candidate_pairs.vector_neighbour_candidates``) against an approximate nearest-neighbour index
(usearch's or faiss's HNSW), on seeded clustered unit vectors of the encoder's size (384) or on the
real lead vectors of a synthetic corpus prepared by ``benchmarks/candidates.py``.

    python benchmarks/ann.py --sizes 20000,50000                       (needs usearch: pip install usearch)
    python benchmarks/ann.py --index faiss --features /tmp/cand/features-100000.pkl --sizes 20000,100000
                                                                        (needs faiss-cpu: pip install faiss-cpu)

Prints, per size: seconds for each (median of --repeat runs), the ratio, and the recall of the
exact vector pairs (each article's 20 nearest above the cosine floor) by the approximate ones.
With ``--features`` (the first N articles of the kept features), also what the rest of the
candidates stage (``engine.pipeline.candidate_pairs``: the TF-IDF filter and each article's
strongest) keeps from each: how many of the exact run's final candidates the approximate run
misses, and how many it adds. With ``--analysis`` (the ``storytrace analyze --json`` output of
the same corpus, whose sorted article ids are the features' order), also the relations that
analysis gave the missed candidates. The baseline is the exact product, run in the same command."""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import time
from collections import Counter

import numpy as np

from storytrace import thresholds as T
from storytrace.index.candidate_pairs import unique_pairs, vector_neighbour_candidates


def clustered_vectors(n: int, seed: int, dim: int = 384) -> np.ndarray:
    """Unit vectors around n/20 centres: stories of about 20 articles, as a news stream has."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((n // 20 + 1, dim)).astype(np.float32)
    v = centres[rng.integers(0, len(centres), n)] + 0.9 * rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _pairs(rows: np.ndarray, keys: np.ndarray, cosines: np.ndarray, n: int) -> np.ndarray:
    keep = (keys != rows) & (keys >= 0) & (keys < n) & (cosines >= T.MIN_ARTICLE_COSINE)
    i, j = rows[keep], keys[keep].astype(np.int64)
    return unique_pairs(np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1), n)


def usearch_pairs(vectors: np.ndarray, threads: int) -> np.ndarray:
    from usearch.index import Index

    k = T.VECTOR_NEIGHBOURS
    index = Index(ndim=vectors.shape[1], metric="ip", dtype="f32", connectivity=16, expansion_add=128,
                  expansion_search=64)
    index.add(np.arange(len(vectors)), vectors, threads=threads)
    found = index.search(vectors, k + 1, threads=threads)
    rows = np.broadcast_to(np.arange(len(vectors))[:, None], found.keys.shape)
    return _pairs(rows, found.keys, 1 - found.distances, len(vectors))


def faiss_pairs(vectors: np.ndarray, threads: int) -> np.ndarray:
    """faiss's HNSW (inner product; 32 links a node, 80 candidates on add, 64 on search: at 20,000
    real lead vectors the best recall per second of a 16/32 x 40/80 x 32/64 grid)."""
    import faiss

    faiss.omp_set_num_threads(threads)
    index = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 80
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    index.hnsw.efSearch = 64
    cosines, keys = index.search(np.ascontiguousarray(vectors, dtype=np.float32), T.VECTOR_NEIGHBOURS + 1)
    rows = np.broadcast_to(np.arange(len(vectors))[:, None], keys.shape)
    return _pairs(rows, keys, cosines, len(vectors))


def timed(fn, repeat: int):
    times, out = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), out


def final_candidates(features, matrix, vector_pairs: np.ndarray) -> set[int]:
    """The candidates stage's pairs (as codes) when the vector source gives ``vector_pairs``."""
    from storytrace.engine import pipeline
    from storytrace.index.vectors import VectorIndex

    n = len(features)
    pipeline.features_of = lambda prepared: features
    VectorIndex.self_join = staticmethod(lambda f: vector_pairs)
    pairs, _, _ = pipeline.candidate_pairs(None, matrix)
    return set((pairs[:, 0] * n + pairs[:, 1]).tolist())


def _relations(path: str) -> tuple[list[str], dict[tuple[str, str], str]]:
    """Sorted article ids and {(a, b): relation} of an analyze JSON (a < b)."""
    with open(path, encoding="utf-8") as f:
        result = json.load(f)
    ids = sorted(a["id"] for a in result["articles"])
    return ids, {tuple(sorted((p["a"], p["b"]))): p["relation"] for p in result["pairs"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,50000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--index", choices=("usearch", "faiss"), default="usearch")
    parser.add_argument("--features", help="a features pickle kept by benchmarks/candidates.py: its lead vectors "
                                           "(the first N for each size) instead of clustered ones, and the final "
                                           "candidates compared")
    parser.add_argument("--analysis", help="with --features: an analyze JSON of the same corpus, for the relations "
                                           "of the missed candidates")
    args = parser.parse_args()
    relations = _relations(args.analysis) if args.analysis else None
    kept = None
    if args.features:
        with open(args.features, "rb") as f:
            kept = pickle.load(f)
    approximate = usearch_pairs if args.index == "usearch" else faiss_pairs
    print(f"| vectors | exact product | HNSW ({args.index}) | HNSW / exact | recall of exact pairs |"
          + (" final candidates (exact) | missed | added |" if kept else ""))
    print("|---|---|---|---|---|" + ("---|---|---|" if kept else ""))
    for n in (int(s) for s in args.sizes.split(",")):
        if kept:
            features, matrix = kept[0][:n], kept[1][:n]
            vectors = np.stack([f.lead for f in features]).astype(np.float32)
        else:
            vectors = clustered_vectors(n, args.seed)
        exact_s, exact = timed(lambda: vector_neighbour_candidates(vectors), args.repeat)
        hnsw_s, approx = timed(lambda: approximate(vectors, args.threads), args.repeat)
        codes = lambda p: set((p[:, 0] * n + p[:, 1]).tolist())
        recall = len(codes(exact) & codes(approx)) / max(1, len(exact))
        line = f"| {n:,} | {exact_s:.1f} s | {hnsw_s:.1f} s | {hnsw_s / exact_s:.2f} | {recall:.4f} |"
        if kept:
            before, after = final_candidates(features, matrix, exact), final_candidates(features, matrix, approx)
            line += f" {len(before):,} | {len(before - after):,} | {len(after - before):,} |"
            if relations is not None:
                ids, by_pair = relations
                lost = Counter(by_pair.get((ids[c // n], ids[c % n]), "none") for c in before - after)
                line += " missed candidates' relations: " + ", ".join(f"{r} {k:,}" for r, k in lost.most_common())
        print(line, flush=True)


if __name__ == "__main__":
    main()
