#!/usr/bin/env python
"""Calibrate storytrace's sentence-pair paraphrase judge: the cross-encoder and a pair scorer, blended.

On the development split of ``scripts/train_cross.py`` (15% of the unlocked MRPC train pairs) the
cross-encoder alone was not better than today's pair-scorer recipe by much, but the two disagree
in different places, and their blend (the mean of their log-odds) was better than either
(``python benchmarks/accuracy_sentences.py --dev``). The scorer part here is the pair-scorer recipe
(``scripts/train_scorer.py``: features, word-evidence tables, logistic regression + boosted trees)
fitted on the same MRPC rows as the cross-encoder (unlocked, minus development), not the shipped
``pair_scorer.json``, which was fitted on all of MRPC train, the locked pairs included. The blend
weights are fixed (half each, not selected); the threshold is the bagged F1-best cut of the
blend's probabilities on the development split.

Writes ``src/storytrace/data/judge.json`` (scorer part, weights, threshold, development figures).
Run after ``scripts/train_cross.py``::

    python scripts/calibrate_judge.py [--data DIR] [--cache VECS.npz]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "scripts"))

import train_scorer as ts  # noqa: E402
from mrpc_split import locked_mask  # noqa: E402
from train_cross import SEED, development_mask  # noqa: E402

from storytrace.judge.pairscore import FEATURE_NAMES  # noqa: E402
from storytrace.judge.sentence_judge import JUDGE_PATH, blend  # noqa: E402

WEIGHTS = {"cross_encoder": 0.5, "scorer": 0.5}  # fixed a priori; 0.3 / 0.7 scored alike on the development split


def figures(pred: np.ndarray, y: np.ndarray) -> dict:
    tp = int((pred & y).sum())
    return {"f1": round(2 * tp / max(1, int(pred.sum() + y.sum())), 4),
            "precision": round(tp / max(1, int(pred.sum())), 4), "recall": round(tp / max(1, int(y.sum())), 4)}


def main(argv=None) -> int:
    from storytrace.judge.cross_encoder import get_judge

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--cache", type=Path, help="optional .npz caching sentence vectors between runs")
    args = ap.parse_args(argv)

    d = ts.Data(args.data, args.cache)
    dev = development_mask(args.data)
    train = ~dev & ~locked_mask(args.data / "mrpc" / "msr_paraphrase_train.txt")
    tr, te = np.flatnonzero(train), np.flatnonzero(dev)
    y = d.mrpc_y
    Z = d.z(ts.fold_matrix(d, tr, te, ts.SEED))
    model = ts.ParaphraseModel("blend", ts.SEED).fit(Z[tr], y[tr])
    p_scorer = model.proba(Z[te])
    cross = get_judge()
    dev_pairs = [d.mrpc_pairs[i] for i in te]
    p_cross = cross.probabilities(dev_pairs)
    p_blend = blend(p_cross, p_scorer, WEIGHTS)
    y_dev = y[te].astype(bool)
    threshold = ts.bagged_f1_threshold(p_blend, y[te], seed=SEED)
    unmatched, shared = ts.odds_tables(d.mrpc_sets, y, tr)
    spec = {
        "schema": "storytrace/judge/1",
        "weights": WEIGHTS,
        "threshold": round(threshold, 4),
        "scorer": {"features": list(FEATURE_NAMES), "mean": [float(v) for v in d.mean],
                   "scale": [float(v) for v in d.scale], "paraphrase": model.export(),
                   "word_odds": {"unmatched": unmatched, "shared": shared}},
        "training": {
            "script": "scripts/calibrate_judge.py", "seed": ts.SEED,
            "scorer_data": f"MRPC train, unlocked minus development ({len(tr)} pairs)",
            "development_pairs": len(te),
            "development": {"judge": figures(p_blend >= threshold, y_dev),
                            "cross_encoder": figures(p_cross >= cross.threshold, y_dev),
                            "scorer_part_at_0.5": figures(p_scorer >= 0.5, y_dev)},
        },
    }
    JUDGE_PATH.write_text(json.dumps(spec, separators=(",", ":")) + "\n", encoding="utf-8")
    # the run-time path must give what was calibrated: check it on development pairs
    from storytrace.judge import sentence_judge

    sentence_judge.load_judge.cache_clear()
    sample = np.arange(0, len(te), 10)
    runtime = np.array([sentence_judge.judge_sentence_pair(*dev_pairs[i], float(d.mrpc_X[te[i], 0]))[0]
                        for i in sample])
    gap = float(np.abs(runtime - p_blend[sample]).max())
    assert gap < 1e-3, gap
    print(json.dumps(spec["training"], indent=1))
    print(f"threshold {threshold:.4f}; run-time check max gap {gap:.2e}; wrote {JUDGE_PATH} "
          f"({JUDGE_PATH.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
