"""How far the store is from analyze on one corpus: pairs, relations, similarities, stories and
sources after adding a synthetic corpus in random batches, with and without re-judging.

    python benchmarks/store_equivalence.py --size 120 --batches 12 --growth 1.25,1.0,1e9

For each growth factor (thresholds.STORE_REJUDGE_GROWTH; 1e9 re-judges only once, when the store
crosses MIN_DOCUMENTS_FOR_CORPUS_IDF), the seeded corpus is shuffled and cut at random (--seed)
into --batches batches, added to a new store, and compared with analyze on the whole corpus.
One process, one aligning process; the figures are counts, not timings.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent


def compare(size: int, batches: int, growth: float, seed: int, expected: dict, records: list[dict]) -> dict:
    from storytrace import thresholds as T
    from storytrace.ingest import read_inputs
    from storytrace.store import Store, add_articles

    T.STORE_REJUDGE_GROWTH = growth
    articles = read_inputs(records).articles
    rng = random.Random(seed)
    rng.shuffle(articles)
    cuts = sorted(rng.sample(range(1, len(articles)), batches - 1))
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "s.db") as store:
        for first, last in zip([0, *cuts], [*cuts, len(articles)]):
            add_articles(store, articles[first:last], processes=1)
        got = store.export()
    pairs = lambda r: {(p["a"], p["b"]): p for p in r["pairs"]}
    mine, theirs = pairs(got), pairs(expected)
    both = mine.keys() & theirs.keys()
    relations = lambda r: {(p["a"], p["b"]): (p["relation"], p["source"]) for p in r["pairs"]}
    best = lambda r: {a["id"]: a["sources"][0]["id"] for a in r["articles"] if a["sources"]}
    moved = [abs(mine[k]["similarity"] - theirs[k]["similarity"]) for k in both]
    return {"growth": growth, "store_pairs": len(mine), "analyze_pairs": len(theirs),
            "only_store": dict(Counter(mine[k]["relation"] for k in mine.keys() - both)),
            "only_analyze": dict(Counter(theirs[k]["relation"] for k in theirs.keys() - both)),
            "relation_or_direction_differs": sum(relations(got)[k] != relations(expected)[k] for k in both),
            "similarity_max_difference": round(max(moved, default=0.0), 4),
            "similarities_differing": sum(m > 0.0001 for m in moved),
            "stories_equal": sorted(s["articles"] for s in got["stories"]) == sorted(s["articles"] for s in expected["stories"]),
            "best_sources_equal": best(got) == best(expected)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=120)
    parser.add_argument("--batches", type=int, default=12)
    parser.add_argument("--growth", default="1.25,1.0,1e9")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus-seed", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import synthetic
    from storytrace import analyze

    records, _ = synthetic.make_corpus(args.size, args.corpus_seed)
    expected = analyze(records, processes=1)
    for growth in [float(g) for g in args.growth.split(",")]:
        print(json.dumps(compare(args.size, args.batches, growth, args.seed, expected, records)))


if __name__ == "__main__":
    main()
