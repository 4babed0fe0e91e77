"""The result as JSONL parts, for outputs too large for one JSON document: one record a line, so
neither the writer nor a reader ever holds the whole output as one string.

    DIR/result.json            schema, claims, errors, stats, and the part files of each array
    DIR/articles-00000.jsonl   the "articles" array, one object a line, in order, then -00001 ...
    DIR/pairs-00000.jsonl      the "pairs" array
    DIR/stories-00000.jsonl    the "stories" array
    DIR/storylines-00000.jsonl the "storylines" array

Concatenating a kind's parts in order gives exactly the array ``--json`` writes.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

ARRAYS = ("articles", "pairs", "stories", "storylines")
LINES_PER_PART = 100_000


def write_parts(data: dict, folder: str | Path, lines_per_part: int = LINES_PER_PART) -> Path:
    """Write ``data`` (the result as ``Result.to_json`` gives it) into ``folder``; returns result.json."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    head = {k: v for k, v in data.items() if k not in ARRAYS}
    head["parts"] = {}
    for kind in ARRAYS:
        records = data.get(kind, [])
        remaining = iter(records)  # one pass: a store's pairs are read from it as they are written
        names = []
        for n in range(max(1, -(-len(records) // lines_per_part))):  # one part at least, if empty
            name = f"{kind}-{n:05d}.jsonl"
            with open(folder / name, "w", encoding="utf-8", newline="\n") as f:
                for record in itertools.islice(remaining, lines_per_part):
                    f.write(json.dumps(record, ensure_ascii=False) + "\n")
            names.append(name)
        head["parts"][kind] = names
    target = folder / "result.json"
    with open(target, "w", encoding="utf-8") as f:  # written as encoded: the claims can be hundreds of MB
        json.dump(head, f, ensure_ascii=False, indent=1)
        f.write("\n")
    return target


def read_parts(folder: str | Path) -> dict:
    """The result dict back from its parts (what ``--json`` would have written)."""
    folder = Path(folder)
    head = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    parts = head.pop("parts")
    for kind in ARRAYS:
        if kind not in parts:
            continue  # written before the kind existed (storylines)
        head[kind] = [json.loads(line) for name in parts[kind]
                      for line in (folder / name).read_text(encoding="utf-8").splitlines() if line]
    return head
