"""Output paths are checked before any work starts: a run of many minutes must not end in a
traceback because `--json` names a folder that does not exist. One line each, exit status 2."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path


def write_json(data, target: str) -> bool:
    """``data`` as indented JSON into the file ``target``, or stdout for ``-``; True for stdout
    (the caller then prints no summary there). Written as it is encoded: ``json.dumps`` would first
    hold every piece of the text in a list (~7 times the file's size: 0.5 GB at 20,000 articles).
    The text is ``json.dump(data, indent=1, ensure_ascii=False)``'s, byte for byte; a top-level
    value that is a sequence but not a list (``PairRecords``) is read one record at a time."""
    if target == "-":
        _dump(data, sys.stdout)
        sys.stdout.write("\n")
        return True
    with open(target, "w", encoding="utf-8") as f:
        _dump(data, f)
        f.write("\n")
    return False


def _lazy(value) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (list, tuple, str, bytes))


_ENCODER = json.JSONEncoder(ensure_ascii=False, indent=1)  # json.dump(..., ensure_ascii=False, indent=1)'s


def _dump(data, f) -> None:
    if not isinstance(data, dict) or not any(_lazy(v) for v in data.values()):
        json.dump(data, f, ensure_ascii=False, indent=1)
        return
    f.write("{")
    for n, (key, value) in enumerate(data.items()):
        f.write(("\n " if n == 0 else ",\n ") + json.dumps(key, ensure_ascii=False) + ": ")
        if not _lazy(value):
            _write_nested(value, f, 1)
            continue
        f.write("[")
        empty = True
        for record in value:
            f.write("\n  " if empty else ",\n  ")
            _write_nested(record, f, 2)
            empty = False
        f.write("]" if empty else "\n ]")
    f.write("\n}")


def _write_nested(value, f, level: int) -> None:
    """``value``'s JSON as it reads nested ``level`` deep, written a piece at a time (``json.dumps``
    would hold the pieces of a whole array in a list first). JSON strings hold no raw newline, so
    indenting each piece's newlines is exact."""
    indent = "\n" + " " * level
    for chunk in _ENCODER.iterencode(value):
        f.write(chunk.replace("\n", indent))


def file_problem(option: str, value: str | None) -> str | None:
    """Why ``value`` cannot be written as the file of ``option`` ("--json"), or None. ``-`` is stdout."""
    if not value or value == "-":
        return None
    path = Path(value)
    if path.is_dir():
        return f"{option} {value}: is a folder; name a file"
    if path.exists() and not os.access(path, os.W_OK):
        return f"{option} {value}: the file is not writable"
    return _parent_problem(option, value, path)


def folder_problem(option: str, value: str | None) -> str | None:
    """Why ``value`` cannot be the folder of ``option`` ("--jsonl-parts"), or None. A missing folder
    is made, but only inside an existing one."""
    if not value:
        return None
    path = Path(value)
    if path.exists() and not path.is_dir():
        return f"{option} {value}: exists and is not a folder"
    if path.is_dir():
        return None if os.access(path, os.W_OK | os.X_OK) else f"{option} {value}: the folder is not writable"
    return _parent_problem(option, value, path)


def _parent_problem(option: str, value: str, path: Path) -> str | None:
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        return f"{option} {value}: the folder {parent} does not exist"
    if not parent.is_dir():
        return f"{option} {value}: {parent} is not a folder"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"{option} {value}: the folder {parent} is not writable"
    return None
