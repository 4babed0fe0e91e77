"""JSONL: one JSON object a line (fields in ``records``); id defaults to ``<stem>:<line>``."""

from __future__ import annotations

import json
from pathlib import Path

from ..model import Article
from .records import from_record


def read_jsonl(text: str, path: Path, errors: list[str]) -> list[Article]:
    articles = []
    errors_before = len(errors)
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            errors.append(f"{where}: not valid JSON ({getattr(exc, 'msg', 'nested too deeply')})")
            continue
        article = from_record(record, f"{path.stem}:{number}", where, errors)
        if article:
            articles.append(article)
    if not articles and len(errors) == errors_before:  # only blank lines
        errors.append(f"{path}: empty file, skipped")
    return articles
