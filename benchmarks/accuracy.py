"""Accuracy of storytrace on public data, every figure beside a baseline from the same run.

    python benchmarks/accuracy.py [--data ../shared/data] [--limit N] [--cache VECS.npz] [--skip PART,...]

Parts (``--skip`` takes their names):

* ``mrpc``: MRPC train, 5-fold stratified cross-validated F1 of the pair scorer's recipe
  (``scripts/train_scorer.py``: fitted on four folds, threshold chosen by an inner CV on those
  four, F1 on the fifth; no test data) vs the all-MiniLM-L6-v2 cosine with its threshold chosen
  on the same four folds. Also, for information, the in-sample F1 of ``compare()``'s relation
  (duplicate/version/rewrite = paraphrase): the shipped scorer was trained on these pairs.
* ``stsb``: STS-B dev (never trained on), genre main-news and all genres: Pearson of
  ``compare().similarity`` with the gold score vs the cosine.
* ``semeval``: SemEval-2022 Task 8 English subset (70 article pairs): Pearson of
  ``compare().similarity`` with -Overall vs the title+lead cosine and a TF-IDF cosine. The event
  model was fitted on these pairs: ``scripts/calibrate_events.py`` prints its cross-validated figure.
* ``wikiref``: ``storytrace.analyze`` on the 220 WikiRef220 articles (topic groups): article pairs
  from different topics reported as same_event (target 0) and within one topic. Baseline: TF-IDF
  cosine over all pairs, thresholded to link as many within-topic pairs as storytrace reports
  same_event; how many cross-topic pairs it then links.
* ``locked``: the MRPC train pairs locked away before any selection (``benchmarks/mrpc_locked.json``,
  20%, seeded; issue 11): F1, precision and recall of ``compare()``'s relation (duplicate/version/
  rewrite = paraphrase; the judge of ``judge/sentence_judge.py`` decides: cross-encoder + a pair scorer
  fitted without the locked pairs), of the cross-encoder alone, of today's
  pair-scorer recipe refitted without the locked pairs (``train_scorer.fit_recipe``), of the shipped
  pair scorer (trained on all MRPC train, these pairs included: in-sample, information), and of the
  cosine with its F1-best threshold on the other 80%. Report it once: nothing is selected on it.
* ``storylines``: ``benchmarks/storylines.py`` (issue 11, item 3): storylines against WikiRef220's
  five large topics (pairwise F1, target >= 0.85; storylines joining two large topics, target 0) and
  SemEval's Narrative <= 2 (F1, AUC), on the locked 30% (``benchmarks/storylines_locked.json``,
  nothing selected on it) and on the whole sets; baseline: each story its own storyline.
* ``pan``: alignment on the PAN-13 no-obfuscation subset (``benchmarks/alignment.py``).
* ``example``: the example corpus's relations and stories (``examples/nato-kyiv``).
* ``compare`` on two sentences after the first call: median of 200 (printed, never asserted).
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import storytrace  # noqa: E402
from storytrace.encode.embed import get_encoder  # noqa: E402

PARTS = ("mrpc", "locked", "stsb", "semeval", "wikiref", "storylines", "pan", "example", "compare")
REUSE = ("duplicate", "version", "rewrite")


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


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


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple] = []
        print(f"{'figure':<44} {'storytrace':>10} {'baseline':>10} {'ratio':>7}  target", flush=True)

    def row(self, name: str, ours: float, base: float | None, target: str = "", met: bool | None = None,
            fmt: str = ".4f") -> None:
        ratio = ours / base if base else math.nan
        mark = "" if met is None else (" met" if met else " NOT met")
        b = f"{base:>10{fmt}}" if base is not None else f"{'':>10}"
        print(f"{name:<44} {ours:>10{fmt}} {b} {ratio:>7.3f}  {target}{mark}", flush=True)
        self.rows.append((name, ours, base, target, met))


def _mrpc_data(args):
    """train_scorer's Data (vectors, features), built once per run for the MRPC parts."""
    if getattr(args, "mrpc_data", None) is None:
        ts = _load("train_scorer", ROOT / "scripts" / "train_scorer.py")
        args.mrpc_data = (ts, ts.Data(args.data, args.cache))
    return args.mrpc_data


def precision_recall(pred: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    tp = float((pred & labels).sum())
    return tp / max(1.0, float(pred.sum())), tp / max(1.0, float(labels.sum()))


def part_mrpc(args, table: Table) -> None:
    from storytrace.judge.pairscore import get_scorer

    ts, d = _mrpc_data(args)
    sts_extra = bool(get_scorer().spec.get("training", {}).get("sts_extra", False))
    cv = ts.cv_paraphrase(d, "blend", sts_extra)
    table.row("MRPC train 5-fold CV F1 (vs cosine, same CV)", cv["f1"], cv["baseline_f1"], ">= 0.85",
              cv["f1"] >= 0.85)
    print(f"    folds {cv['f1_folds']}", flush=True)
    pairs, labels = d.mrpc_pairs, np.asarray(d.mrpc_y, bool)
    if args.limit:
        pairs, labels = pairs[: args.limit], labels[: args.limit]
    relations = [storytrace.compare(a, b)["relation"] for a, b in pairs]
    pred = np.array([r in REUSE for r in relations])
    table.row("MRPC train F1 of compare() (in-sample)", f1(pred, labels), best_f1(cosines(pairs), labels),
              "(information)")


def part_locked(args, table: Table) -> None:
    from storytrace.judge.cross_encoder import get_judge
    from storytrace.judge.pairscore import features_batch, get_scorer

    ts, d = _mrpc_data(args)
    split = _load("mrpc_split", ROOT / "scripts" / "mrpc_split.py")
    locked = split.locked_mask(args.data / "mrpc" / "msr_paraphrase_train.txt")
    rows, rest = np.flatnonzero(locked), np.flatnonzero(~locked)
    if args.limit:
        rows = rows[: args.limit]
    labels = np.asarray(d.mrpc_y[rows], bool)
    pairs = [d.mrpc_pairs[i] for i in rows]
    print(f"    locked MRPC train pairs: {len(rows)} ({int(labels.sum())} paraphrases), seed "
          f"{split.SEED}; reported once, nothing selected on them", flush=True)
    relations = [storytrace.compare(a, b)["relation"] for a, b in pairs]
    judge = get_judge()
    cross = judge.probabilities(pairs) >= judge.threshold
    refit_p, refit_thr = ts.fit_recipe(d, rest, rows)
    scorer = get_scorer()
    shipped = scorer.paraphrase_probability(features_batch(pairs, d.mrpc_X[rows, 0])) >= scorer.paraphrase_threshold
    cos_thr, _ = ts.best_f1_threshold(d.mrpc_X[rest, 0], d.mrpc_y[rest])
    cosine = d.mrpc_X[rows, 0] >= cos_thr
    base = f1(cosine, labels)
    named = [("compare() (new judge)", np.array([r in REUSE for r in relations])),
             ("cross-encoder alone", cross),
             ("scorer recipe refit on 80%", refit_p >= refit_thr),
             ("shipped scorer (in-sample)", shipped),
             ("cosine (threshold on 80%)", cosine)]
    for n, (name, pred) in enumerate(named):
        target = ">= 0.87" if n == 0 else ""
        table.row(f"MRPC locked F1, {name}", f1(pred, labels), base, target,
                  f1(pred, labels) >= 0.87 if n == 0 else None)
        precision, recall = precision_recall(pred, labels)
        print(f"    {name}: precision {precision:.4f}, recall {recall:.4f}", flush=True)


def part_stsb(args, table: Table) -> None:
    from train_scorer import read_sts

    pairs, gold, genre = read_sts(args.data / "stsb" / "sts-dev.csv")
    if args.limit:
        pairs, gold, genre = pairs[: args.limit], gold[: args.limit], genre[: args.limit]
    sim = np.array([storytrace.compare(a, b)["similarity"] for a, b in pairs])
    cos = cosines(pairs)
    news = np.asarray(genre) == "main-news"
    ours = pearson(sim[news], gold[news])
    table.row("STS-B dev main-news Pearson (vs cosine)", ours, pearson(cos[news], gold[news]), ">= 0.82",
              ours >= 0.82)
    table.row("STS-B dev all genres Pearson (vs cosine)", pearson(sim, gold), pearson(cos, gold))


def _as_dict(result) -> dict:
    return result if isinstance(result, dict) else result.to_json()


def _full(article) -> str:
    return f"{article.title}\n\n{article.text}" if article.title else article.text


def _lead(article) -> str:
    return " ".join(((article.title or "") + " " + article.text).split()[:100])


def _tfidf_matrix(texts: list[str]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(sublinear_tf=True).fit_transform(texts)


def part_semeval(args, table: Table) -> None:
    from calibrate_events import semeval

    articles, pairs = semeval(args.data)
    by_id = {a.id: a for a in articles}
    if args.limit:
        pairs = pairs[: args.limit]
    target = -np.array([o for _, _, o in pairs])
    sims = [storytrace.compare(_full(by_id[a]), _full(by_id[b]))["similarity"] for a, b, _ in pairs]
    leads = cosines([(_lead(by_id[a]), _lead(by_id[b])) for a, b, _ in pairs])
    matrix = _tfidf_matrix([_full(a) for a in articles])
    index = {a.id: n for n, a in enumerate(articles)}
    tfidf = np.array([(matrix[index[a]] @ matrix[index[b]].T).toarray()[0, 0] for a, b, _ in pairs])
    ours = pearson(sims, target)
    table.row("SemEval en Pearson (vs TF-IDF cosine)", ours, pearson(tfidf, target), ">= 0.90", ours >= 0.90)
    table.row("SemEval en Pearson (vs title+lead cosine)", ours, pearson(leads, target))


def part_wikiref(args, table: Table) -> None:
    from calibrate_events import wikiref

    items = wikiref(args.data)
    if args.limit:
        items = items[: max(args.limit, 20)]
    topic = {a.id: t for a, t in items}
    t = time.perf_counter()
    result = _as_dict(storytrace.analyze([a for a, _ in items]))
    seconds = time.perf_counter() - t
    same = [(p["a"], p["b"]) for p in result["pairs"] if p["relation"] == "same_event"]
    cross = [(a, b) for a, b in same if topic[a] != topic[b]]
    within = len(same) - len(cross)
    # baseline: TF-IDF cosine linking as many within-topic pairs as storytrace calls same_event
    ids = [a.id for a, _ in items]
    matrix = _tfidf_matrix([a.text for a, _ in items])
    sims = (matrix @ matrix.T).toarray()
    iu = np.triu_indices(len(ids), 1)
    same_topic = np.array([topic[ids[i]] == topic[ids[j]] for i, j in zip(*iu)])
    values = sims[iu]
    k = max(1, within)
    threshold = np.sort(values[same_topic])[::-1][k - 1]
    base_cross = int(((values >= threshold) & ~same_topic).sum())
    print(f"{'WikiRef cross-topic same_event pairs':<44} {len(cross):>10d} {base_cross:>10d} {'':>7}  == 0"
          f"{' met' if not cross else ' NOT met'}", flush=True)
    print(f"    {len(items)} articles, {len(set(topic.values()))} topics, {result['stats']['candidate_pairs']} "
          f"candidate pairs, {len(result['pairs'])} reported; same_event within a topic: {within} "
          f"(baseline: TF-IDF cosine >= {threshold:.3f}, the value linking as many within-topic pairs); "
          f"{seconds:.0f}s", flush=True)
    for a, b in cross[:10]:
        print(f"    cross-topic same_event: {a} ~ {b}")
    table.rows.append(("WikiRef cross-topic same_event", len(cross), base_cross, "== 0", not cross))


def part_storylines(args, table: Table) -> None:
    storylines = _load("storylines_benchmark", ROOT / "benchmarks" / "storylines.py")
    for name, ours, base, target, met in storylines.report(args.data, out=lambda s: print(s, flush=True)):
        table.row(name, ours, base, target, met)


def part_pan(args, table: Table) -> None:
    alignment = _load("alignment", ROOT / "benchmarks" / "alignment.py")
    res = alignment.run(args.data, args.limit, out=lambda s: print("    " + s, flush=True))
    ours, base = res["storytrace"], res["baseline"]
    for key in ("recall", "precision", "granularity", "plagdet"):
        table.row(f"PAN-13 subset {key} (vs 5-gram runs)", ours[key], base[key])


def part_example(args, table: Table) -> None:
    corpus = ROOT / "examples" / "nato-kyiv"
    ids = sorted(p.stem for p in corpus.glob("*.txt"))
    later, earlier, rewrite, other, independent = ids
    result = _as_dict(storytrace.analyze([corpus]))

    def rel(a: str, b: str) -> str | None:
        return next((p["relation"] for p in result["pairs"] if {p["a"], p["b"]} == {a, b}), None)

    sources = {a["id"]: a["sources"] for a in result["articles"]}
    stories = {frozenset(s["articles"]) for s in result["stories"]}
    checks = [
        ("000 ~ 001 version", rel(later, earlier) == "version"),
        ("000 ~ 002 rewrite, best source of 002 is 000", rel(later, rewrite) == "rewrite"
         and bool(sources[rewrite]) and sources[rewrite][0]["id"] == later),
        ("004 same_event with 000, 001, 002", all(rel(independent, o) == "same_event"
                                                   for o in (later, earlier, rewrite))),
        ("003 only related (at least once) to the others",
         all(rel(other, o) in ("related", None) for o in (later, earlier, rewrite, independent))
         and any(rel(other, o) == "related" for o in (later, earlier, rewrite, independent))),
        ("stories {000, 001, 002, 004} and {003}",
         stories == {frozenset({later, earlier, rewrite, independent}), frozenset({other})}),
    ]
    passed = sum(ok for _, ok in checks)
    print(f"{'example corpus checks passed':<44} {passed:>10d} {len(checks):>10d} {'':>7}  all"
          f"{' met' if passed == len(checks) else ' NOT met'}", flush=True)
    for name, ok in checks:
        print(f"    {'ok  ' if ok else 'FAIL'} {name}", flush=True)
    table.rows.append(("example corpus checks", passed, len(checks), "all", passed == len(checks)))


def part_compare(args, table: Table) -> None:
    a, b = "The company said profits rose 5% in the quarter.", "Profits at the company increased by 5%, it said."
    storytrace.compare(a, b)
    times = []
    for _ in range(200):
        t = time.perf_counter()
        storytrace.compare(a, b)
        times.append(time.perf_counter() - t)
    ms = 1000 * statistics.median(times)
    print(f"{'compare() two sentences, after the first call':<44} {ms:>8.2f}ms {'':>10} {'':>7}  < 20 ms"
          f"{' met' if ms < 20 else ' NOT met'} (encoder: {get_encoder().backend})", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="storytrace accuracy on public data")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N pairs of each set (quick check)")
    parser.add_argument("--cache", type=Path, help="optional .npz caching MRPC/STS-B sentence vectors between runs")
    parser.add_argument("--skip", default="", help=f"comma-separated parts to skip: {','.join(PARTS)}")
    args = parser.parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = skip - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    table = Table()
    started = time.perf_counter()
    for name in PARTS:
        if name not in skip:
            globals()[f"part_{name}"](args, table)
    print(f"({time.perf_counter() - started:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
