"""The claims stage alone, on what a whole run hands it: this code against another, same inputs.

    python benchmarks/claims_stage.py dump CORPUS.jsonl INPUTS.pkl   # analyze up to claims, keep its inputs
    python benchmarks/claims_stage.py time INPUTS.pkl --baseline OTHER/src --rounds 3

``dump`` runs ``analyze`` (local engine) on CORPUS and pickles what ``find_claims`` is given (the
articles, pairs, stories, segmented articles and this process's word vocabulary, which the
segmented articles' word ids index), then stops. ``time`` runs ``find_claims`` on them in a fresh
process for each tree, alternating (this checkout's ``src`` first), ``--rounds`` times each, and
prints each run's wall and CPU seconds (all threads: the encoder runs on a thread pool), the medians,
their ratio, and a digest of the claims so that a change that alters them shows. The vector store
serves sentence and word vectors as in a second run (set STORYTRACE_CACHE_DIR to the one the dump's
run used, or STORYTRACE_VECTOR_CACHE=off to encode everything in every run).

Timing is reported, never asserted; on a loaded machine compare the CPU seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import statistics
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def dump(corpus: str, out: str) -> None:
    sys.path.insert(0, str(SRC))
    from storytrace.engine import pipeline, run
    from storytrace.text import vocab

    class Dumped(Exception):
        pass

    def keep(articles, pairs, stories, docs=None, **_):
        with open(out, "wb") as f:
            pickle.dump((articles, pairs, stories, dict(docs or {}), list(vocab.WORDS)), f, protocol=5)
        print(f"{out}: {len(articles):,} articles, {len(pairs):,} pairs, {len(stories):,} stories")
        raise Dumped

    run.find_claims = keep
    try:
        pipeline.analyze([corpus], lambda *a: None)
    except Dumped:
        return
    raise SystemExit("the run did not reach the claims stage")


def worker(inputs: str, src: str) -> None:
    """One timed find_claims in this process, on ``src``'s code: prints a JSON line."""
    sys.path.insert(0, src)
    from storytrace.text import vocab

    with open(inputs, "rb") as f:
        articles, pairs, stories, docs, words = pickle.load(f)
    vocab.WORDS[:] = words
    vocab._IDS.clear()
    vocab._IDS.update({w: i for i, w in enumerate(words)})
    from storytrace.claims import find_claims
    from storytrace.encode.embed import get_encoder

    get_encoder().encode(["The model is loaded before the clock starts."])
    wall, cpu = time.perf_counter(), time.process_time()
    claims = find_claims(articles, pairs, stories, docs, forget_encoded=True)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    digest = hashlib.sha256(json.dumps(claims, sort_keys=True).encode()).hexdigest()[:16]
    print(json.dumps({"wall": wall, "cpu": cpu, "claims": len(claims), "digest": digest}))


def compare(inputs: str, baseline: str, rounds: int) -> None:
    trees = {"this": str(SRC), "baseline": baseline}
    runs: dict[str, list[dict]] = {name: [] for name in trees}
    for r in range(rounds):
        for name, src in trees.items():
            done = subprocess.run([sys.executable, __file__, "worker", inputs, src], check=True,
                                  capture_output=True, text=True, env=dict(os.environ))
            result = json.loads(done.stdout.strip().splitlines()[-1])
            runs[name].append(result)
            print(f"round {r + 1} {name:8s} wall {result['wall']:7.2f} s  CPU {result['cpu']:7.2f} s  "
                  f"{result['claims']:,} claims  digest {result['digest']}", flush=True)
    med = {name: {k: statistics.median(x[k] for x in rs) for k in ("wall", "cpu")} for name, rs in runs.items()}
    for k in ("wall", "cpu"):
        print(f"median {k}: this {med['this'][k]:.2f} s, baseline {med['baseline'][k]:.2f} s, "
              f"ratio this/baseline {med['this'][k] / med['baseline'][k]:.3f}")
    digests = {x["digest"] for rs in runs.values() for x in rs}
    print("the same claims in every run" if len(digests) == 1 else f"claims differ: {sorted(digests)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("corpus")
    d.add_argument("out")
    t = sub.add_parser("time")
    t.add_argument("inputs")
    t.add_argument("--baseline", required=True, help="another tree's src (e.g. a git archive of a commit)")
    t.add_argument("--rounds", type=int, default=3)
    w = sub.add_parser("worker")
    w.add_argument("inputs")
    w.add_argument("src")
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.corpus, args.out)
    elif args.command == "time":
        compare(args.inputs, args.baseline, args.rounds)
    else:
        worker(args.inputs, args.src)


if __name__ == "__main__":
    main()
