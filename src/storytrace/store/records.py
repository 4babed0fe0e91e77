"""Articles and pairs as rows and back, exactly: floats are kept unrounded (JSON writes a float's
shortest exact form), so what the store gives the later stages is what the batch engine has."""

from __future__ import annotations

import dataclasses
import hashlib
import json

from ..model import Article, Coverage, Pair, Passage

_SPANS = ("furniture", "headings")


def text_hash(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def article_record(article: Article) -> str:
    """Everything but the text (stored in its own column): metadata, furniture, credits, headings."""
    fields = dataclasses.asdict(article)
    del fields["text"]
    return json.dumps(fields, ensure_ascii=False)


def article_from_row(text: str, record: str) -> Article:
    fields = json.loads(record)
    for name in _SPANS:
        fields[name] = [tuple(s) for s in fields[name]]
    return Article(text=text, **fields)


def pair_data(pair: Pair, meaning: bool = False) -> str:
    """``meaning``: found by names or vectors only, not by shared text (rejudge.py may drop it)."""
    data = {"coverage": [dataclasses.astuple(pair.coverage_a), dataclasses.astuple(pair.coverage_b)],
            "passages": [[*p.a, *p.b, p.kind, p.score] for p in pair.passages],
            "evidence": pair.evidence}
    if meaning:
        data["meaning"] = True
    return json.dumps(data, ensure_ascii=False)


def pair_row(pair: Pair, batch: int, meaning: bool = False) -> tuple:
    """Columns a, b, relation, similarity, own_source, own_derived, source, derived, data, batch."""
    return (pair.a, pair.b, pair.relation, pair.similarity, pair.source, pair.derived, pair.source, pair.derived,
            pair_data(pair, meaning), batch)


PAIR_COLUMNS = "a, b, relation, similarity, own_source, own_derived, source, derived, data, batch"


def pair_from_row(row, own: bool = False) -> Pair:
    """A Pair from the columns a, b, relation, similarity, own_source, own_derived, source, derived,
    data; ``own``: with the pair's own direction instead of the family's."""
    a, b, relation, similarity, own_source, own_derived, source, derived, data = row[:9]
    data = json.loads(data)
    passages = [Passage((p[0], p[1]), (p[2], p[3]), p[4], p[5]) for p in data["passages"]]
    if own:
        source, derived = own_source, own_derived
    return Pair(a, b, relation, similarity, Coverage(*data["coverage"][0]), Coverage(*data["coverage"][1]),
                passages, source, derived, data["evidence"])
