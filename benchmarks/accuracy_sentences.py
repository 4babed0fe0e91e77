#!/usr/bin/env python
"""Sentence-pair accuracy of storytrace's learned pair scorer against raw embedding cosine.

Figures:

* MRPC train, 5-fold stratified CV F1 (seeded). storytrace: the training recipe of
  ``scripts/train_scorer.py`` re-fitted on four folds with its threshold chosen by an inner CV on
  those four folds, F1 on the fifth. Baseline: the all-MiniLM-L6-v2 cosine with its threshold
  chosen on the four training folds. (The shipped model was trained on all of MRPC train, so it
  cannot be scored on it; the CV scores the recipe.)
* STS-B dev Pearson, genre main-news and all genres: ``PairScorer.similarity`` of the shipped
  model (``src/storytrace/data/pair_scorer.json``, never trained on dev) vs the cosine.
* Feature time per pair (encoder excluded), warm word caches.

Usage::

    python benchmarks/accuracy_sentences.py [--data DIR] [--cache VECS.npz]

Needs scikit-learn for the CV part (the ``bench``/``train`` extras).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def _load_recipe():
    spec = importlib.util.spec_from_file_location("train_scorer", REPO / "scripts" / "train_scorer.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="storytrace sentence-pair accuracy vs cosine")
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--cache", type=Path, help="optional .npz caching sentence vectors between runs")
    args = ap.parse_args(argv)

    from storytrace.pairscore import features_batch, get_scorer

    ts = _load_recipe()
    d = ts.Data(args.data, args.cache)
    scorer = get_scorer()
    sts_extra = bool(scorer.spec.get("training", {}).get("sts_extra", False))
    cv = ts.cv_paraphrase(d, "blend", sts_extra)

    news = d.dev_genre == "main-news"
    sim = scorer.similarity(d.dev_X)
    cos = d.dev_X[:, 0]
    rows = [
        ("MRPC train 5-fold CV F1", cv["f1"], cv["baseline_f1"]),
        ("STS-B dev Pearson main-news", ts.pearson(sim[news], d.dev_score[news]), ts.pearson(cos[news], d.dev_score[news])),
        ("STS-B dev Pearson all genres", ts.pearson(sim, d.dev_score), ts.pearson(cos, d.dev_score)),
    ]
    # Timing of the features alone (encoder excluded), on MRPC pairs, caches warm.
    pairs = d.mrpc_pairs[:2000]
    features_batch(pairs, np.zeros(len(pairs)))
    t = time.perf_counter()
    for _ in range(3):
        X = features_batch(pairs, np.zeros(len(pairs)))
    per_pair_ms = (time.perf_counter() - t) / (3 * len(pairs)) * 1e3
    t = time.perf_counter()
    for _ in range(20):
        scorer.paraphrase_probability(X)
        scorer.similarity(X)
    heads_ms = (time.perf_counter() - t) / (20 * len(pairs)) * 1e3

    print(f"{'figure':32s}  {'storytrace':>10s}  {'baseline':>8s}  {'ratio':>6s}")
    for name, ours, base in rows:
        print(f"{name:32s}  {ours:10.4f}  {base:8.4f}  {ours / base:6.3f}")
    print(f"\nMRPC CV F1 per fold: {cv['f1_folds']}; shipped threshold {scorer.paraphrase_threshold:.3f}")
    print(f"features {per_pair_ms:.3f} ms/pair (encoder excluded); both heads {heads_ms * 1e3:.1f} us/pair (batched)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
