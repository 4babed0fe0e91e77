"""Accuracy of `storytrace.compare` on public data, each figure beside a baseline from the same run.

    python benchmarks/accuracy.py [--data ../shared/data] [--limit N]

* STS-B dev, genre main-news (and all genres): Pearson of `similarity` with the gold score;
  baseline: all-MiniLM-L6-v2 cosine.
* MRPC train: F1 of relation in {duplicate, version, rewrite} against the paraphrase label;
  baseline: cosine thresholded at its F1-best value on the same data (an optimistic baseline).
  The pair scorer is trained on MRPC train, so this figure is in-sample; the honest 5-fold
  cross-validated figure is printed by `benchmarks/accuracy_sentences.py`.
* SemEval-2022 Task 8 English subset: Pearson of `similarity` with -Overall; baselines: cosine of
  the articles' (title + lead) vectors, and a TF-IDF cosine fitted on the 140 articles.
  The event model was fitted on these pairs: its cross-validated Pearson is printed by
  `scripts/calibrate_events.py`.
Also times `compare` on two sentences after the first call (median of 200).
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import storytrace  # noqa: E402
from storytrace.embed import get_encoder  # noqa: E402
from train_scorer import read_mrpc, read_sts  # noqa: E402
from calibrate_events import semeval  # noqa: E402


def pearson(a, b) -> float:
    return float(np.corrcoef(np.asarray(a, float), np.asarray(b, float))[0, 1])


def cosines(pairs: list[tuple[str, str]]) -> np.ndarray:
    enc = get_encoder()
    va = enc.encode([a for a, _ in pairs])
    vb = enc.encode([b for _, b in pairs])
    return (va * vb).sum(axis=1)


def best_f1(scores: np.ndarray, labels: np.ndarray) -> float:
    best = 0.0
    for t in np.quantile(scores, np.linspace(0.01, 0.99, 197)):
        pred = scores >= t
        tp = (pred & labels).sum()
        best = max(best, 2 * tp / max(1, pred.sum() + labels.sum()))
    return float(best)


def f1(pred: np.ndarray, labels: np.ndarray) -> float:
    tp = (pred & labels).sum()
    return float(2 * tp / max(1, pred.sum() + labels.sum()))


def row(name: str, ours: float, base: float, target: str) -> None:
    print(f"{name:<34} {ours:>10.4f} {base:>10.4f} {ours / base if base else math.nan:>7.3f}  {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description="storytrace accuracy on public data")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N pairs of each set (quick check)")
    args = parser.parse_args()
    lim = (lambda xs: xs[: args.limit]) if args.limit else (lambda xs: xs)

    print(f"{'figure':<34} {'storytrace':>10} {'baseline':>10} {'ratio':>7}  target")
    sts_pairs, sts_gold, sts_news = read_sts(args.data / "stsb" / "sts-dev.csv")
    sts_pairs, sts_gold, sts_news = lim(sts_pairs), lim(sts_gold), lim(sts_news)
    sim = np.array([storytrace.compare(a, b)["similarity"] for a, b in sts_pairs])
    cos = cosines(sts_pairs)
    news = np.asarray(sts_news) == "main-news"
    row("STS-B dev news Pearson", pearson(sim[news], sts_gold[news]), pearson(cos[news], sts_gold[news]), ">= 0.82")
    row("STS-B dev all Pearson", pearson(sim, sts_gold), pearson(cos, sts_gold), "")

    mrpc_pairs, mrpc_labels = read_mrpc(args.data / "mrpc" / "msr_paraphrase_train.txt")
    mrpc_pairs, mrpc_labels = lim(mrpc_pairs), np.asarray(lim(mrpc_labels), bool)
    relations = [storytrace.compare(a, b)["relation"] for a, b in mrpc_pairs]
    pred = np.array([r in ("duplicate", "version", "rewrite") for r in relations])
    row("MRPC train F1 (in-sample)", f1(pred, mrpc_labels), best_f1(cosines(mrpc_pairs), mrpc_labels), ">= 0.85")

    articles, pairs = semeval(args.data)
    by_id = {a.id: a for a in articles}
    pairs = lim(pairs)
    target = -np.array([o for _, _, o in pairs])
    sims = [storytrace.compare(_full(by_id[a]), _full(by_id[b]))["similarity"] for a, b, _ in pairs]
    leads = cosines([(_lead(by_id[a]), _lead(by_id[b])) for a, b, _ in pairs])
    row("SemEval en Pearson (vs lead cosine)", pearson(sims, target), pearson(leads, target), ">= 0.88")
    row("SemEval en Pearson (vs TF-IDF)", pearson(sims, target), pearson(_tfidf(articles, pairs), target), ">= 0.88")

    a, b = "The company said profits rose 5% in the quarter.", "Profits at the company increased by 5%, it said."
    storytrace.compare(a, b)
    times = []
    for _ in range(200):
        t = time.perf_counter()
        storytrace.compare(a, b)
        times.append(time.perf_counter() - t)
    print(f"compare() on two sentences after the first call: median {1000 * statistics.median(times):.2f} ms")


def _full(article) -> str:
    return f"{article.title}\n\n{article.text}" if article.title else article.text


def _lead(article) -> str:
    return " ".join(((article.title or "") + " " + article.text).split()[:100])


def _tfidf(articles, pairs) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    ids = [a.id for a in articles]
    matrix = TfidfVectorizer(sublinear_tf=True).fit_transform([_full(a) for a in articles])
    index = {i: n for n, i in enumerate(ids)}
    return np.array([(matrix[index[a]] @ matrix[index[b]].T).toarray()[0, 0] for a, b, _ in pairs])


if __name__ == "__main__":
    main()
