"""Furniture for a batch: clean.mark_furniture over the batch and the stored articles that share a
line with it, so a line recurring across the store (an outlet's template) is found as ``analyze``
would find it. Each stored line keeps the articles holding it (table ``lines``).

Not the same as ``analyze`` on the whole corpus (README): stored articles are not re-marked when a
later batch makes one of their lines recurrent; at most STORE_LINE_HOLDERS holders of a line are
read; a sentence recurring inside paragraphs is only found among the articles read; and the
corpus-share rule (2% of the corpus) counts the articles read, not the whole store.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sqlite3

from ..text.clean import _lines, mark_furniture  # _lines: the lines exactly as mark_furniture compares them
from ..model import Article
from ..thresholds import MIN_LINE_CHARS, STORE_LINE_HOLDERS

_CHUNK = 500


def line_keys(article: Article) -> list[int]:
    norms = {ln.norm for ln in _lines(article.text) if len(ln.norm) >= MIN_LINE_CHARS}
    return sorted(int.from_bytes(hashlib.blake2b(n.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                                 "little", signed=True) for n in norms)


def mark_batch(db: sqlite3.Connection, articles: list[Article], load) -> None:
    """Mark the batch's furniture in place. ``load(numbers)`` gives stored articles by number."""
    keys = sorted({k for a in articles for k in line_keys(a)})
    holders: set[int] = set()
    for first in range(0, len(keys), _CHUNK):
        chunk = keys[first:first + _CHUNK]
        rows = db.execute(f"SELECT hash, article FROM lines WHERE hash IN ({','.join('?' * len(chunk))})", chunk)
        seen: dict[int, int] = {}
        for key, number in rows:
            if seen.get(key, 0) < STORE_LINE_HOLDERS:
                seen[key] = seen.get(key, 0) + 1
                holders.add(number)
    # stored articles are copies: their furniture stays as stored (re-marking them is a later step)
    stored = [dataclasses.replace(a, furniture=[], credits=list(a.credits)) for a in load(sorted(holders))]
    mark_furniture(sorted(articles + stored, key=lambda a: a.id))  # analyze marks in id order


def remember(db: sqlite3.Connection, number: int, article: Article) -> None:
    db.executemany("INSERT OR IGNORE INTO lines (hash, article) VALUES (?, ?)",
                   [(k, number) for k in line_keys(article)])
