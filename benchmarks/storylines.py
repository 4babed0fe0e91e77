"""Storylines (provenance/storylines.py) against WikiRef220's topics and SemEval-2022 Task 8's Narrative scores.

    python benchmarks/storylines.py [--data ../shared/data]            # the report (locked part once)
    python benchmarks/storylines.py --select [--data ../shared/data]   # the selection, on the rest only
    python benchmarks/storylines.py --speed [N]                         # cost on the example and N synthetic
    python benchmarks/storylines.py --undated [--data ../shared/data]  # undated stories joining dated ones, on the rest

Rows named "locked" analyse only the locked part (reported once: nothing is selected on it); rows
named "all" analyse the whole sets, selection data included (information).

The split: ``benchmarks/storylines_locked.json`` (``scripts/storylines_split.py``, seeded, 30%,
written before anything was chosen) locks 67 WikiRef220 articles (stratified by topic) and 21
SemEval pairs (stratified by Narrative <= 2). ``--select`` reads only the other 70% and prints the
grid of ``STORYLINE_MIN_EVENT_SIMILARITY`` cuts with the one the rule picks (thresholds.py says which
and why); the report analyses the locked part on its own, then (information: selection data
included) the whole of both sets.

Figures:

* WikiRef220: ``storytrace.analyze`` on the articles; pairwise F1 of "same storyline" against "same
  topic" over the articles of the five large topics (the 11 small ones are noise, as in the paper);
  storylines joining two large topics (target 0), and joining any two topics (information: the
  small topics sit beside large ones -- Barack and Michelle Obama, smartphones and the Galaxy S5).
* SemEval: ``analyze`` on the pairs' articles together; for each rated pair, "same storyline"
  against Narrative <= 2 (the annotators' mean rounds to "very" or "somewhat similar" narrative):
  F1, precision, recall; AUC of the storyline evidence (1 in one story, the strongest link between
  the two stories, 0 without a link) against the same labels.
* Baseline, same run: each story its own storyline (the grouping storytrace had before).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from storytrace import thresholds as T  # noqa: E402
from storytrace.engine.pipeline import analyze_articles  # noqa: E402
from storytrace.provenance.storylines import group_storylines, story_links  # noqa: E402

LOCKED = ROOT / "benchmarks" / "storylines_locked.json"
LARGE = ("malaysiaairlinesflight", "michelleobama", "premierleague", "parisattacks2015", "samsunggalaxys5")
NARRATIVE_SAME = 2.0
EVENT_GRID = [round(x, 2) for x in np.arange(0.10, 0.80, 0.05)]
LEAD_GRID = [round(x, 2) for x in np.arange(0.0, 0.65, 0.05)]


@contextmanager
def cut(event: float, lead: float):
    saved = T.STORYLINE_MIN_EVENT_SIMILARITY, T.STORYLINE_MIN_LEAD_COSINE
    T.STORYLINE_MIN_EVENT_SIMILARITY, T.STORYLINE_MIN_LEAD_COSINE = event, lead
    try:
        yield
    finally:
        T.STORYLINE_MIN_EVENT_SIMILARITY, T.STORYLINE_MIN_LEAD_COSINE = saved


def line_of(result) -> dict[str, str]:
    """Article id -> storyline id."""
    story = {a: s.id for s in result.stories for a in s.articles}
    line = {s: sl.id for sl in result.storylines for s in sl.stories}
    return {a: line[s] for a, s in story.items()}


def story_as_line(result) -> dict[str, str]:
    return {a: s.id for s in result.stories for a in s.articles}


def wikiref_figures(line: dict[str, str], topic: dict[str, str], large=LARGE) -> dict:
    ids = sorted(i for i in line if topic[i] in large)
    tp = fp = fn = 0
    for a, b in itertools.combinations(ids, 2):
        same_line, same_topic = line[a] == line[b], topic[a] == topic[b]
        tp += same_line and same_topic
        fp += same_line and not same_topic
        fn += same_topic and not same_line
    topics: dict[str, set] = {}
    for i, n in line.items():
        topics.setdefault(n, set()).add(topic[i])
    return {"f1": 2 * tp / max(1, 2 * tp + fp + fn), "precision": tp / max(1, tp + fp), "recall": tp / max(1, tp + fn),
            "large_joins": sum(len(t & set(large)) > 1 for t in topics.values()),
            "any_joins": sum(len(t) > 1 for t in topics.values()), "storylines": len(topics)}


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    pos, neg = scores[labels], scores[~labels]
    if not len(pos) or not len(neg):
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def semeval_figures(result, rated: list[tuple[str, str, float]], line: dict[str, str], graded: bool = True) -> dict:
    """``graded``: the AUC reads the storyline evidence; else only whether the two share a story (baseline)."""
    story = {a: n for n, s in enumerate(result.stories) for a in s.articles}
    links = story_links(result.articles, result.stories, result.pairs) if graded else {}
    labels = np.array([n <= NARRATIVE_SAME for _, _, n in rated])
    pred = np.array([line[a] == line[b] for a, b, _ in rated])
    score = np.array([1.0 if story[a] == story[b] else links.get((min(story[a], story[b]), max(story[a], story[b])), 0.0)
                      for a, b, _ in rated])
    tp = float((pred & labels).sum())
    return {"f1": 2 * tp / max(1.0, pred.sum() + labels.sum()), "precision": tp / max(1.0, pred.sum()),
            "recall": tp / max(1.0, labels.sum()), "auc": auc(score, labels), "pairs": len(rated),
            "same": int(labels.sum())}


def wikiref_items(data: Path, keep) -> list:
    from calibrate_events import wikiref

    return [(a, t) for a, t in wikiref(data) if keep(a.id)]


def semeval_items(data: Path, keep) -> tuple[list, list[tuple[str, str, float]]]:
    from calibrate_events import semeval

    articles, _ = semeval(data)
    rated = []
    with open(data / "semeval8_en" / "pairs.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if keep(row["pair_id"]):
                rated.append((row["id1"], row["id2"], float(row["Narrative"])))
    ids = {a for a, _, _ in rated} | {b for _, b, _ in rated}
    return [a for a in articles if a.id in ids], rated


def locked_ids() -> tuple[set[str], set[str]]:
    locked = json.loads(LOCKED.read_text(encoding="utf-8"))
    return set(locked["wikiref_locked"]), set(locked["semeval_locked"])


def evaluate(data: Path, wiki_keep, sem_keep) -> dict:
    """Analyse the chosen parts once; figures at today's cut and the baseline's."""
    items = wikiref_items(data, wiki_keep)
    topic = {a.id: t for a, t in items}
    wiki = analyze_articles([a for a, _ in items])
    articles, rated = semeval_items(data, sem_keep)
    sem = analyze_articles(articles)
    return {"wiki": wiki, "topic": topic, "sem": sem, "rated": rated}


def report(data: Path, out=print) -> list[tuple]:
    """(name, storytrace, baseline, target, met) rows: the locked part, then the whole sets."""
    wiki_locked, sem_locked = locked_ids()
    rows = []
    for label, wkeep, skeep in (("locked", lambda i: i in wiki_locked, lambda p: p in sem_locked),
                                ("all", lambda i: True, lambda p: True)):
        run = evaluate(data, wkeep, skeep)
        w = wikiref_figures(line_of(run["wiki"]), run["topic"])
        wb = wikiref_figures(story_as_line(run["wiki"]), run["topic"])
        s = semeval_figures(run["sem"], run["rated"], line_of(run["sem"]))
        sb = semeval_figures(run["sem"], run["rated"], story_as_line(run["sem"]), graded=False)
        rows += [(f"WikiRef storyline pairwise F1, {label}", w["f1"], wb["f1"], ">= 0.85", w["f1"] >= 0.85),
                 (f"WikiRef storylines joining 2 topics, {label}", w["large_joins"], wb["large_joins"], "== 0",
                  w["large_joins"] == 0),
                 (f"SemEval storyline F1 (Narr<=2), {label}", s["f1"], sb["f1"], "", None),
                 (f"SemEval storyline AUC (Narr<=2), {label}", s["auc"], sb["auc"], "", None)]
        out(f"    {label}: WikiRef {len(run['topic'])} articles, {len(run['wiki'].stories)} stories, "
            f"{w['storylines']} storylines; precision {w['precision']:.4f}, recall {w['recall']:.4f}; "
            f"storylines joining any two topics (small ones included): {w['any_joins']}")
        out(f"    {label}: SemEval {s['pairs']} pairs ({s['same']} with Narrative <= {NARRATIVE_SAME}): "
            f"precision {s['precision']:.4f}, recall {s['recall']:.4f}; baseline (stories) precision "
            f"{sb['precision']:.4f}, recall {sb['recall']:.4f}")
    return rows


def select(data: Path, out=print) -> tuple[float, float]:
    """The grid of (event similarity, lead cosine) cuts on the unlocked 70%, and the pair the rule
    picks: the best mean of the two F1 among cuts that, with their grid neighbours (one step on
    either axis), join no two large topics; on a tie, the stricter."""
    wiki_locked, sem_locked = locked_ids()
    run = evaluate(data, lambda i: i not in wiki_locked, lambda p: p not in sem_locked)
    out(f"selection data: WikiRef {len(run['topic'])} articles, SemEval {len(run['rated'])} pairs")
    grid = {}
    for e, event in enumerate(EVENT_GRID):
        for k, lead in enumerate(LEAD_GRID):
            with cut(event, lead):
                for name in ("wiki", "sem"):
                    run[name].storylines = group_storylines(run[name].articles, run[name].stories, run[name].pairs)
                w = wikiref_figures(line_of(run["wiki"]), run["topic"])
                s = semeval_figures(run["sem"], run["rated"], line_of(run["sem"]))
            grid[e, k] = (w, s)
            out(f"  event >= {event:.2f}, lead >= {lead:.2f}: WikiRef F1 {w['f1']:.3f} (P {w['precision']:.3f} "
                f"R {w['recall']:.3f}), large-topic joins {w['large_joins']}, any joins {w['any_joins']}, "
                f"{w['storylines']} storylines; SemEval F1 {s['f1']:.3f} (P {s['precision']:.3f} R {s['recall']:.3f})")

    def safe(e: int, k: int) -> bool:
        return all(grid[n][0]["large_joins"] == 0 for n in ((e, k), (e - 1, k), (e + 1, k), (e, k - 1), (e, k + 1))
                   if n in grid)

    best = max((n for n in grid if safe(*n)),
               key=lambda n: (round((grid[n][0]["f1"] + grid[n][1]["f1"]) / 2, 3), n[0] + n[1]))
    (w, s), event, lead = grid[best], EVENT_GRID[best[0]], LEAD_GRID[best[1]]
    out(f"picked event >= {event:.2f}, lead >= {lead:.2f}: WikiRef F1 {w['f1']:.3f}, SemEval F1 {s['f1']:.3f} "
        f"(thresholds.py: {T.STORYLINE_MIN_EVENT_SIMILARITY}, {T.STORYLINE_MIN_LEAD_COSINE})")
    return event, lead


def undated(data: Path, out=print) -> None:
    """Whether an undated story joins a dated one (``T.STORYLINE_UNDATED_JOINS_DATED``), on the unlocked
    70% only: both settings on the same analysis, the SemEval pairs split by how many of their two
    articles are dated (the mixed pairs are the ones the setting decides)."""
    wiki_locked, sem_locked = locked_ids()
    run = evaluate(data, lambda i: i not in wiki_locked, lambda p: p not in sem_locked)
    dated = {a.id: a.published is not None for r in (run["wiki"], run["sem"]) for a in r.articles}
    kinds = {"both dated": 2, "one dated": 1, "neither": 0}
    saved = T.STORYLINE_UNDATED_JOINS_DATED
    try:
        for setting in (True, False):
            T.STORYLINE_UNDATED_JOINS_DATED = setting
            for name in ("wiki", "sem"):
                run[name].storylines = group_storylines(run[name].articles, run[name].stories, run[name].pairs)
            w = wikiref_figures(line_of(run["wiki"]), run["topic"])
            s = semeval_figures(run["sem"], run["rated"], line_of(run["sem"]))
            out(f"undated joins dated = {setting}: WikiRef F1 {w['f1']:.3f} (P {w['precision']:.3f} R {w['recall']:.3f}, "
                f"large-topic joins {w['large_joins']}, {sum(dated[i] for i in run['topic'])} of "
                f"{len(run['topic'])} articles dated); SemEval F1 {s['f1']:.3f} (P {s['precision']:.3f} "
                f"R {s['recall']:.3f}, {s['pairs']} pairs)")
            for kind, n in kinds.items():
                rated = [r for r in run["rated"] if dated[r[0]] + dated[r[1]] == n]
                if rated:
                    k = semeval_figures(run["sem"], rated, line_of(run["sem"]), graded=False)
                    joined = sum(line_of(run["sem"])[a] == line_of(run["sem"])[b] for a, b, _ in rated)
                    out(f"    SemEval pairs {kind}: {len(rated)} ({k['same']} with Narrative <= {NARRATIVE_SAME}), "
                        f"{joined} in one storyline: F1 {k['f1']:.3f} (P {k['precision']:.3f} R {k['recall']:.3f})")
    finally:
        T.STORYLINE_UNDATED_JOINS_DATED = saved


def speed(n: int, out=print) -> None:
    """What storylines add to ``analyze``: median seconds of ``group_storylines`` over 5 runs on the
    example corpus and on ``n`` synthetic articles (benchmarks/synthetic.py, seed 0), beside the
    stories stage it follows (``group_stories``, the baseline) and the whole analysis (one run)."""
    import statistics
    import time

    from storytrace.ingest import read_inputs
    from storytrace.provenance.stories import group_stories

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synthetic

    records, topic = synthetic_with_topics(synthetic, n)
    corpora = [("example corpus", read_inputs([ROOT / "examples" / "nato-kyiv"]).articles),
               (f"synthetic {n}", read_inputs(records).articles)]
    for name, articles in corpora:
        started = time.perf_counter()
        result = analyze_articles(articles)
        total = time.perf_counter() - started

        def median(stage) -> float:
            times = []
            for _ in range(5):
                t = time.perf_counter()
                stage()
                times.append(time.perf_counter() - t)
            return statistics.median(times)

        lines = median(lambda: group_storylines(result.articles, result.stories, result.pairs))
        stories = median(lambda: group_stories(result.articles, result.pairs))
        out(f"{name}: {len(result.articles)} articles, {len(result.pairs)} pairs, {len(result.stories)} stories, "
            f"{len(result.storylines)} storylines (largest {max(len(s.stories) for s in result.storylines)} stories); "
            f"storylines {1000 * lines:.1f} ms (median of 5), stories {1000 * stories:.1f} ms "
            f"(ratio {lines / max(stories, 1e-9):.2f}), analyze {total:.2f} s (storylines {100 * lines / total:.2f}% of it)")
        if name.startswith("synthetic"):
            # the generator's topics (a cast of names, favourite words, dates within 3 days): not
            # storylines by construction, but two topics in one storyline would be chaining
            w = wikiref_figures(line_of(result), topic, large=set(topic.values()))
            wb = wikiref_figures(story_as_line(result), topic, large=set(topic.values()))
            out(f"  against the generator's {len(set(topic.values()))} topics: pairwise F1 {w['f1']:.4f} "
                f"(P {w['precision']:.4f}, R {w['recall']:.4f}; stories as storylines: {wb['f1']:.4f}), "
                f"storylines joining two topics: {w['large_joins']} of {w['storylines']}")


def synthetic_with_topics(synthetic, n: int) -> tuple[list[dict], dict[str, int]]:
    """``synthetic.make_corpus(n, 0)`` and each article's topic, read by watching the generator: every
    document made while a topic's writer is the latest one belongs to that topic (a family's copies
    are made right after its source, with its writer)."""
    import dataclasses

    current = {"topic": None}
    made: list = []  # (document, topic): keyed by their final text after the generator is done
    writer_init, doc_class = synthetic._Writer.__init__, synthetic._Doc

    def watch_writer(self, rng, lex, topic):
        current["topic"] = id(topic)
        writer_init(self, rng, lex, topic)

    @dataclasses.dataclass
    class Watched(doc_class):
        def __post_init__(self):
            made.append((self, current["topic"]))

    synthetic._Writer.__init__, synthetic._Doc = watch_writer, Watched
    try:
        records = synthetic.make_corpus(n, 0)[0]
    finally:
        synthetic._Writer.__init__, synthetic._Doc = writer_init, doc_class
    topic_of = {(d.title, d.text()): t for d, t in made}
    ids: dict = {}
    return records, {r["id"]: ids.setdefault(topic_of[r["title"], r["text"]], len(ids)) for r in records}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="storylines against WikiRef220 topics and SemEval Narrative")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--select", action="store_true", help="the selection grid, on the unlocked 70%% only")
    parser.add_argument("--speed", type=int, nargs="?", const=2000, metavar="N",
                        help="time storylines on the example corpus and N synthetic articles (default 2000)")
    parser.add_argument("--undated", action="store_true",
                        help="undated stories joining dated ones or not, on the unlocked 70%% only")
    args = parser.parse_args(argv)
    if args.undated:
        undated(args.data)
        return 0
    if args.speed:
        speed(args.speed)
        return 0
    if args.select:
        select(args.data)
        return 0
    print(f"{'figure':<52} {'storytrace':>10} {'baseline':>10}  target")
    for name, ours, base, target, met in report(args.data, out=lambda s: print(s, flush=True)):
        mark = "" if met is None else (" met" if met else " NOT met")
        print(f"{name:<52} {ours:>10.4f} {base:>10.4f}  {target}{mark}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
