"""The candidates stage alone at scale, this source tree against a baseline tree, on the same
prepared features.

    python benchmarks/candidates.py --sizes 20000,50000,100000 --baseline /tmp/scale-base/src --dir /tmp/cand

For each size the seeded synthetic corpus (``benchmarks/synthetic.py``) is written to ``--dir``,
read, cleaned and prepared once by this tree (the vector store serves leads encoded before; a
pickle of the features and the TF-IDF matrix is kept in ``--dir``, so a second run skips all
that), then each tree times, in its own subprocess, every candidate source's self-join and
the rest of ``engine.pipeline.candidate_pairs`` (its own ``features_of`` replaced by the kept
features, the sources by their pairs); the stage is the sum (the TF-IDF bags and the features,
made before, are not in it). Printed: seconds per part and tree, the ratio baseline / this, the growth from the
smallest size, peak RSS, and whether the two trees' candidate pairs are equal (a digest of
pairs, cosines and shares-text flags). Timing is reported, never asserted; the machine's load
shows in every figure, so both trees run back to back on each size.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (VmHWM: peak, VmRSS: now), in MB."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    return _status_mb("VmHWM")


def _rss_mb() -> float:
    return _status_mb("VmRSS")


def _prepare(corpus: Path, out: Path) -> None:
    """Read, clean, prepare and keep the features (this tree's code)."""
    from storytrace.engine.run import StageClock, begin_run, no_progress
    from storytrace.index import features_of
    from storytrace.ingest import read_inputs
    from storytrace.text.prepared import prepare
    from storytrace.text.tfidf import corpus_tfidf

    started = time.perf_counter()
    articles = begin_run(read_inputs([str(corpus)]).articles, StageClock(), no_progress)
    prepared = prepare(articles)
    matrix = corpus_tfidf([p.doc for p in prepared]).matrix
    features = features_of(prepared)
    with open(out, "wb") as f:
        pickle.dump((features, matrix), f, protocol=5)
    print(f"  prepared {len(features):,} articles in {time.perf_counter() - started:.1f} s "
          f"(peak {_peak_mb():,.0f} MB)", flush=True)


def _time(features_file: Path, first: int = 0) -> dict:
    """Each candidate source and the whole candidates stage of the tree on sys.path (on the first
    ``first`` articles only, when given)."""
    import numpy as np

    from storytrace.engine import pipeline
    from storytrace.index.bands import BandIndex
    from storytrace.index.ngrams import NgramIndex
    from storytrace.index.terms import TermIndex
    from storytrace.index.vectors import VectorIndex

    with open(features_file, "rb") as f:
        features, matrix = pickle.load(f)
    if first:
        features, matrix = features[:first], matrix[:first]
    loaded = _rss_mb()
    try:  # restart the peak here (Linux), so the stage's own memory shows beside the loaded features
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        pass
    seconds, sizes = {}, {}
    for name, index in (("ngrams", NgramIndex), ("bands", BandIndex), ("terms", TermIndex), ("vectors", VectorIndex)):
        started = time.perf_counter()
        found = index.self_join(features)
        seconds[name] = time.perf_counter() - started
        sizes[name] = len(found)
        index.self_join = staticmethod(lambda features, found=found: found)  # the stage reuses it
    pipeline.features_of = lambda prepared: features
    started = time.perf_counter()
    pairs, cosines, shares = pipeline.candidate_pairs(None, matrix)
    seconds["rest"] = time.perf_counter() - started  # merging, TF-IDF cosines, strongest per article, sketch bins
    seconds["stage"] = sum(seconds.values())
    digest = hashlib.sha256(np.ascontiguousarray(pairs, dtype=np.int64).tobytes()
                            + np.round(cosines, 9).tobytes() + np.asarray(shares, bool).tobytes()).hexdigest()[:16]
    return {"seconds": seconds, "pairs": sizes, "candidates": len(pairs), "digest": digest, "peak_mb": _peak_mb(),
            "stage_mb": _peak_mb() - loaded}


def _run(src: Path, features_file: Path, first: int = 0) -> dict:
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run([sys.executable, __file__, "--worker", str(features_file), str(first)], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,50000,100000")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (synthetic.py's default)")
    parser.add_argument("--dir", default="/tmp/storytrace-candidates", help="corpora and kept features")
    parser.add_argument("--baseline", help="another tree's src folder (e.g. a worktree of main)")
    parser.add_argument("--prefixes-of", type=int, metavar="N",
                        help="prepare only the N-article corpus and take each size as its first articles "
                             "(one preparation; the word weights stay those of the N articles)")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_time(Path(args.worker[0]), int(args.worker[1]))))
        return
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    trees = [("this", SRC)] + ([("baseline", Path(args.baseline))] if args.baseline else [])
    first: dict[str, float] = {}
    for n in [int(s) for s in args.sizes.split(",")]:
        whole = args.prefixes_of or n
        corpus, kept = folder / f"corpus-{whole}.jsonl", folder / f"features-{whole}.pkl"
        if not corpus.exists():
            subprocess.run([sys.executable, str(HERE / "synthetic.py"), str(whole), "--seed", str(args.seed),
                            "--out", str(corpus)], check=True, stderr=subprocess.DEVNULL)
        if not kept.exists():
            _prepare(corpus, kept)
        print(f"{n:,} articles" + (f" (the first of {whole:,})" if whole != n else ""), flush=True)
        results = {}
        for name, src in trees:
            r = results[name] = _run(src, kept, n if whole != n else 0)
            s = r["seconds"]
            first.setdefault(name, s["stage"])
            parts = ", ".join(f"{k} {s[k]:.2f} s ({r['pairs'][k]:,})" for k in ("ngrams", "bands", "terms", "vectors"))
            parts += f", rest {s['rest']:.2f} s"
            print(f"  {name:8s} stage {s['stage']:7.2f} s (x{s['stage'] / first[name]:.2f} the first size's), "
                  f"{r['candidates']:,} candidates, peak {r['peak_mb']:,.0f} MB (the stage's own "
                  f"{r.get('stage_mb', 0):,.0f} MB above the loaded features); {parts}; digest {r['digest']}",
                  flush=True)
        if len(results) == 2:
            this, base = results["this"], results["baseline"]
            print(f"  baseline / this: stage {base['seconds']['stage'] / this['seconds']['stage']:.2f}x; "
                  f"candidates {'equal' if this['digest'] == base['digest'] else 'DIFFERENT'}", flush=True)


if __name__ == "__main__":
    main()
