#!/usr/bin/env python
"""The locked MRPC split: 20% of MRPC train set aside before any model selection (issue 11, item 4).

Nothing is selected on the locked pairs (no feature, model, threshold or recipe choice); training
scripts leave them out and ``benchmarks/accuracy.py`` reports them once. The split is stratified by
label and seeded; the pairs' ids (``"#1 ID-#2 ID"`` of the MSR file) are written to
``benchmarks/mrpc_locked.json`` so the split never depends on this code again.

    python scripts/mrpc_split.py [--data DIR]     # writes the file once; refuses to overwrite it
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
LOCKED_PATH = REPO / "benchmarks" / "mrpc_locked.json"
SEED = 20261206
SHARE = 0.2


def read_mrpc_ids(path: Path) -> tuple[list[str], np.ndarray]:
    """Pair ids ("#1 ID-#2 ID", unique in MRPC train) and labels, in file order (as read_mrpc)."""
    ids, labels = [], []
    with open(path, encoding="utf-8-sig") as fh:
        rows = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows)
        for row in rows:
            if len(row) < 5:
                continue
            ids.append(f"{row[1]}-{row[2]}")
            labels.append(int(row[0]))
    return ids, np.asarray(labels, dtype=np.int64)


def make_split(ids: list[str], labels: np.ndarray, seed: int = SEED, share: float = SHARE) -> list[str]:
    """Stratified: round(share x n) pairs of each label, drawn with a seeded generator."""
    rng = np.random.default_rng(seed)
    locked = []
    for label in (0, 1):
        rows = np.flatnonzero(labels == label)
        locked += [ids[i] for i in sorted(rng.choice(rows, size=round(share * len(rows)), replace=False))]
    return sorted(locked)


def locked_ids(path: Path = LOCKED_PATH) -> frozenset[str]:
    return frozenset(json.loads(path.read_text(encoding="utf-8"))["pairs"])


def locked_mask(mrpc_file: Path, path: Path = LOCKED_PATH) -> np.ndarray:
    """True for the rows of MRPC train (file order) that are locked away."""
    ids, _ = read_mrpc_ids(mrpc_file)
    locked = locked_ids(path)
    return np.array([i in locked for i in ids], dtype=bool)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    args = ap.parse_args(argv)
    if LOCKED_PATH.exists():
        print(f"{LOCKED_PATH} exists; the split is written once", file=sys.stderr)
        return 1
    ids, labels = read_mrpc_ids(args.data / "mrpc" / "msr_paraphrase_train.txt")
    locked = make_split(ids, labels)
    positives = sum(int(labels[ids.index(i)]) for i in locked)
    LOCKED_PATH.write_text(json.dumps({
        "what": "MRPC train pairs locked away (issue 11, item 4): no selection on them, reported once",
        "source": "mrpc/msr_paraphrase_train.txt (#1 ID-#2 ID)",
        "method": "stratified by label, numpy default_rng(seed).choice without replacement, "
                  "round(share x n) per label (scripts/mrpc_split.py)",
        "seed": SEED, "share": SHARE, "pairs_total": len(ids), "locked": len(locked),
        "locked_positive": positives, "pairs": locked}, indent=1) + "\n", encoding="utf-8")
    print(f"locked {len(locked)} of {len(ids)} pairs ({positives} paraphrases) -> {LOCKED_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
