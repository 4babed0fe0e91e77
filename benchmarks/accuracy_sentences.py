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
* ``--dev``: the paraphrase decision on the development split of ``scripts/train_cross.py`` (15% of
  the unlocked MRPC train pairs; the locked 20% is never read here): today's scorer recipe refitted
  on the cross-encoder's MRPC training rows (threshold by its inner CV), the cross-encoder (its
  threshold was chosen on this split, so its figure is optimistic), each at its F1-best cut on the
  split, and the scorer with the cross-encoder deciding only the pairs whose scorer probability is
  within BAND of its threshold. This is where the choice of judge was made.

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


BANDS = (0.05, 0.1, 0.15, 0.2, 0.3)  # half-widths around the scorer's threshold tried for the cross-encoder


def _figures(pred: np.ndarray, y: np.ndarray) -> str:
    tp = float((pred & y).sum())
    precision, recall = tp / max(1.0, float(pred.sum())), tp / max(1.0, float(y.sum()))
    return f"F1 {2 * tp / max(1.0, float(pred.sum() + y.sum())):.4f}  precision {precision:.4f}  recall {recall:.4f}"


def development(ts, d, data: Path) -> int:
    sys.path.insert(0, str(REPO / "scripts"))
    from mrpc_split import locked_mask
    from train_cross import development_mask

    from storytrace.judge.cross_encoder import get_judge

    dev = development_mask(data)
    train = ~dev & ~locked_mask(data / "mrpc" / "msr_paraphrase_train.txt")
    rows, y = np.flatnonzero(dev), d.mrpc_y[dev].astype(bool)
    p_scorer, thr = ts.fit_recipe(d, np.flatnonzero(train), rows)
    judge = get_judge()
    p_cross = judge.probabilities([d.mrpc_pairs[i] for i in rows])
    print(f"development split: {len(rows)} pairs ({int(y.sum())} paraphrases); scorer recipe fitted on "
          f"{int(train.sum())} MRPC pairs")
    print(f"scorer recipe, inner-CV threshold {thr:.3f}:        {_figures(p_scorer >= thr, y)}")
    print(f"cross-encoder, threshold {judge.threshold:.3f} (chosen here): {_figures(p_cross >= judge.threshold, y)}")
    for name, p in (("scorer", p_scorer), ("cross-encoder", p_cross)):
        cut, _ = ts.best_f1_threshold(p, y.astype(int))
        print(f"{name} at its F1-best cut here ({cut:.3f}):      {_figures(p >= cut, y)}")
    logit = lambda p: np.log(np.clip(p, 1e-6, 1 - 1e-6) / np.clip(1 - p, 1e-6, 1))  # noqa: E731
    for w in (0.3, 0.5, 0.7):
        blend = 1 / (1 + np.exp(-(w * logit(p_cross) + (1 - w) * logit(p_scorer))))
        cut, _ = ts.best_f1_threshold(blend, y.astype(int))
        print(f"blend {w:.1f} cross-encoder + {1 - w:.1f} scorer (log-odds), F1-best cut {cut:.3f}: "
              f"{_figures(blend >= cut, y)}")
    for band in BANDS:
        near = np.abs(p_scorer - thr) < band
        pred = np.where(near, p_cross >= judge.threshold, p_scorer >= thr)
        print(f"scorer, cross-encoder within {band:.2f} ({near.mean():.0%} of pairs): {_figures(pred, y)}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="storytrace sentence-pair accuracy vs cosine")
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--cache", type=Path, help="optional .npz caching sentence vectors between runs")
    ap.add_argument("--dev", action="store_true", help="only the judges on the development split")
    args = ap.parse_args(argv)

    from storytrace.judge.pairscore import features_batch, get_scorer

    ts = _load_recipe()
    d = ts.Data(args.data, args.cache)
    if args.dev:
        return development(ts, d, args.data)
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
