#!/usr/bin/env python
"""The locked storyline split: 30% of WikiRef220's articles and of the SemEval-2022 Task 8 English
pairs set aside before any storyline method or threshold was chosen (issue 11, item 3).

Nothing is selected on the locked part; ``benchmarks/storylines.py`` reports it once. WikiRef220 is
stratified by topic, SemEval by Narrative band (<= 2: same narrative, > 2: not), both seeded; the ids
are written to ``benchmarks/storylines_locked.json`` so the split never depends on this code again.

    python scripts/storylines_split.py [--data DIR]     # writes the file once; refuses to overwrite it
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
LOCKED_PATH = REPO / "benchmarks" / "storylines_locked.json"
SEED = 20261206
SHARE = 0.3


def wikiref_topics(data: Path) -> dict[str, str]:
    """Article id (file stem) -> topic, as ``scripts/calibrate_events.wikiref`` names them."""
    folder = data / "wikiref220" / "wikiref" / "WikiRef220"
    return {f.stem: re.sub(r"[\s.]*\(?\d+\)?$", "", f.stem).lower().replace(".", "")
            for f in sorted(folder.glob("*.txt"))}


def semeval_pairs(data: Path) -> list[tuple[str, float]]:
    with open(data / "semeval8_en" / "pairs.csv", encoding="utf-8") as fh:
        return [(row["pair_id"], float(row["Narrative"])) for row in csv.DictReader(fh)]


def stratified(ids: list[str], strata: list[str], rng) -> list[str]:
    out = []
    for stratum in sorted(set(strata)):
        members = sorted(i for i, s in zip(ids, strata) if s == stratum)
        k = round(SHARE * len(members))
        out += [members[n] for n in sorted(rng.choice(len(members), size=k, replace=False).tolist())]
    return sorted(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args()
    if LOCKED_PATH.exists():
        print(f"{LOCKED_PATH} exists: the split is locked; not overwriting it", file=sys.stderr)
        return 1
    rng = np.random.default_rng(SEED)
    topics = wikiref_topics(args.data)
    wiki = stratified(list(topics), list(topics.values()), rng)
    pairs = semeval_pairs(args.data)
    sem = stratified([p for p, _ in pairs], ["same" if n <= 2 else "other" for _, n in pairs], rng)
    LOCKED_PATH.write_text(json.dumps({
        "what": "storyline calibration data locked away (issue 11, item 3): no selection on it, reported once",
        "method": f"numpy default_rng({SEED}).choice without replacement, round({SHARE} x n) per stratum "
                  "(scripts/storylines_split.py); WikiRef220 stratified by topic, SemEval by Narrative <= 2",
        "seed": SEED, "share": SHARE,
        "wikiref_total": len(topics), "wikiref_locked": wiki,
        "semeval_total": len(pairs), "semeval_locked": sem,
    }, indent=1) + "\n", encoding="utf-8")
    print(f"locked {len(wiki)} WikiRef220 articles and {len(sem)} SemEval pairs -> {LOCKED_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
