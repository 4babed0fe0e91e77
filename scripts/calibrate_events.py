"""Fit the same-event model (src/storytrace/data/event_model.json) on public data.

Data (read from ../shared/data by default, never copied into the repo):
* SemEval-2022 Task 8, English subset (70 article pairs): target = (4 - Overall) / 3, so 1 is
  "very similar" (same event) and 0 "very dissimilar".
* WikiRef220: pairs of articles from *different* topics that storytrace's candidate stage would
  compare are added as negatives (target 0): topic groups say nothing about events within a topic,
  but two topics are never one event.

Model: ridge regression on standardised features (numpy, closed form), alpha chosen by 5-fold
cross-validation on SemEval (seeded). Thresholds: ``same_event`` maximises F0.5 (precision first:
same-event links are transitive, so one false link merges two stories) of Overall < 1.5 on
out-of-fold SemEval predictions (the annotators' mean rounds to 1, "very similar": SemEval's
guidelines keep "somewhat similar" for related events), raised if needed above every cross-topic WikiRef pair;
``related`` maximises F1 of Overall <= 3. Run:

    python scripts/calibrate_events.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

import numpy as np

from storytrace.judge.event import FEATURES
from storytrace.model import Article
from storytrace.judge import pair_event_features
from storytrace.engine.pipeline import candidate_pairs
from storytrace.text.prepared import prepare
from storytrace.text.tfidf import corpus_tfidf, pair_cosines

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "storytrace" / "data" / "event_model.json"
SEED = 13


def semeval(data: Path) -> tuple[list[Article], list[tuple[str, str, float]]]:
    folder = data / "semeval8_en"
    articles = {}
    for f in sorted((folder / "articles").glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        articles[d["id"]] = Article(d["id"], d["text"] or "", title=d.get("title"), url=d.get("url"),
                                    outlet=d.get("source"), published=d.get("published"))
    pairs = []
    with open(folder / "pairs.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            pairs.append((row["id1"], row["id2"], float(row["Overall"])))
    return list(articles.values()), pairs


def wikiref(data: Path) -> list[tuple[Article, str]]:
    folder = data / "wikiref220" / "wikiref" / "WikiRef220"
    out = []
    for f in sorted(folder.glob("*.txt")):
        topic = re.sub(r"[\s.]*\(?\d+\)?$", "", f.stem).lower().replace(".", "")
        text = f.read_bytes().decode("utf-8", errors="replace")
        if text.strip():
            out.append((Article(f.stem, text), topic))
    return out


def matrix(feature_dicts: list[dict]) -> np.ndarray:
    return np.array([[d[f] for f in FEATURES] for d in feature_dicts], dtype=float)


def ridge(X: np.ndarray, y: np.ndarray, w: np.ndarray, alpha: float) -> tuple[np.ndarray, float]:
    Xb = np.c_[X, np.ones(len(X))]
    W = np.diag(w)
    reg = alpha * np.eye(Xb.shape[1])
    reg[-1, -1] = 0.0
    beta = np.linalg.solve(Xb.T @ W @ Xb + reg, Xb.T @ W @ y)
    return beta[:-1], float(beta[-1])


def best_threshold(pred: np.ndarray, positive: np.ndarray, beta: float = 1.0) -> tuple[float, float]:
    """(F-beta, threshold) maximising F-beta of ``pred >= threshold``; beta < 1 favours precision."""
    best = (0.0, 0.5)
    b2 = beta * beta
    for t in np.unique(pred):
        tp = ((pred >= t) & positive).sum()
        fp = ((pred >= t) & ~positive).sum()
        fn = ((pred < t) & positive).sum()
        f = (1 + b2) * tp / max(1, (1 + b2) * tp + b2 * fn + fp)
        if f > best[0]:
            best = (f, float(t))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()

    articles, pairs = semeval(args.data)
    prepared = prepare(articles)
    index = {p.doc.id: n for n, p in enumerate(prepared)}
    pair_index = np.array([[index[a], index[b]] for a, b, _ in pairs])
    cos = pair_cosines(corpus_tfidf([p.doc for p in prepared]).matrix, pair_index)
    X_sem = matrix([pair_event_features(prepared[i], prepared[j], c) for (i, j), c in zip(pair_index, cos)])
    overall = np.array([o for _, _, o in pairs])
    y_sem = (4.0 - overall) / 3.0

    wiki = wikiref(args.data)
    wprep = prepare([a for a, _ in wiki])
    topic = {a.id: t for a, t in wiki}
    wpairs, wcos, _ = candidate_pairs(wprep, corpus_tfidf([p.doc for p in wprep]).matrix)
    cross = [(i, j, c) for (i, j), c in zip(wpairs.tolist(), wcos.tolist())
             if topic[wprep[i].doc.id] != topic[wprep[j].doc.id]]
    X_neg = matrix([pair_event_features(wprep[i], wprep[j], c) for i, j, c in cross]) if cross \
        else np.zeros((0, len(FEATURES)))
    print(f"SemEval pairs: {len(pairs)}; WikiRef cross-topic candidate pairs: {len(cross)}", file=sys.stderr)

    X_all = np.r_[X_sem, X_neg]
    mean, scale = X_all.mean(axis=0), X_all.std(axis=0) + 1e-9
    Z_sem, Z_neg = (X_sem - mean) / scale, (X_neg - mean) / scale
    # the negatives together weigh as much as a quarter of the SemEval pairs: they anchor "unrelated"
    neg_weight = 0.25 * len(pairs) / max(1, len(cross))

    rng = np.random.default_rng(SEED)
    folds = rng.permutation(len(pairs)) % 5
    results = {}
    for alpha in (0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0):
        oof = np.zeros(len(pairs))
        for k in range(5):
            train = folds != k
            Z = np.r_[Z_sem[train], Z_neg]
            y = np.r_[y_sem[train], np.zeros(len(Z_neg))]
            w = np.r_[np.ones(train.sum()), np.full(len(Z_neg), neg_weight)]
            coef, icpt = ridge(Z, y, w, alpha)
            oof[~train] = np.clip(Z_sem[~train] @ coef + icpt, 0, 1)
        results[alpha] = (float(np.corrcoef(oof, y_sem)[0, 1]), oof)
    alpha = max(results, key=lambda a: results[a][0])
    pearson, oof = results[alpha]
    print(f"alpha {alpha}: 5-fold CV Pearson with -Overall {pearson:.4f}", file=sys.stderr)

    # same_event links are transitive (stories are connected components): one false link merges two
    # stories, so its threshold favours precision (F0.5); "related" only annotates a pair (F1)
    f1_same, same_t = best_threshold(oof, overall < 1.5, beta=0.5)
    f1_rel, related_t = best_threshold(oof, overall <= 3.0)
    coef, icpt = ridge(np.r_[Z_sem, Z_neg], np.r_[y_sem, np.zeros(len(Z_neg))],
                       np.r_[np.ones(len(pairs)), np.full(len(Z_neg), neg_weight)], alpha)
    neg_pred = np.clip(Z_neg @ coef + icpt, 0, 1) if len(Z_neg) else np.zeros(0)
    if len(neg_pred) and neg_pred.max() >= same_t:
        same_t = float(neg_pred.max()) + 0.01
    related_t = min(related_t, same_t - 0.05)
    print(f"same_event threshold {same_t:.3f} (OOF F0.5 {f1_same:.3f}); related threshold {related_t:.3f} "
          f"(OOF F1 {f1_rel:.3f}); highest cross-topic WikiRef prediction {neg_pred.max() if len(neg_pred) else 0:.3f}",
          file=sys.stderr)
    model = {
        "features": list(FEATURES), "mean": mean.tolist(), "scale": scale.tolist(), "coef": coef.tolist(),
        "intercept": icpt, "same_event_threshold": round(same_t, 4), "related_threshold": round(related_t, 4),
        "trained_on": "SemEval-2022 Task 8 en subset (70 pairs) + WikiRef220 cross-topic candidate pairs",
        "cv_pearson": round(pearson, 4), "ridge_alpha": alpha, "seed": SEED,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
