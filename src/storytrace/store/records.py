"""Articles and pairs as rows and back, exactly: floats are kept unrounded (the record's JSON writes
a float's shortest exact form; a pair's data is codec.py's binary, floats as 8-byte doubles), so
what the store gives the later stages is what the batch engine has."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import zlib

from ..model import Article, Coverage, Pair, Passage
from .codec import pack_pair_data, relation_code, unpack_pair_data

_SPANS = ("furniture", "headings")


def text_hash(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def article_record(article: Article) -> str:
    """Everything but the text (stored in its own column): metadata, furniture, credits, headings."""
    fields = dataclasses.asdict(article)
    del fields["text"]
    return json.dumps(fields, ensure_ascii=False)


def pack_text(text: str) -> bytes:
    """An article's text as stored (schema 3): its UTF-8 zlib-compressed, about 43% of the bytes on
    the synthetic corpus (BENCHMARKS.md, "Store size, schema 3"); a stored text of several KB no
    longer spills onto an overflow page mostly left empty."""
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 6)


def unpack_text(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8", "surrogatepass")


def article_from_row(text: bytes, record: str) -> Article:
    """From the columns text (pack_text) and record of table articles."""
    return article_from_record(record, unpack_text(text))


def article_from_record(record: str, text: str = "") -> Article:
    """From the column record of table articles (every field but the text) and the text, if read."""
    fields = json.loads(record)
    for name in _SPANS:
        fields[name] = [tuple(s) for s in fields[name]]
    return Article(text=text, **fields)


def pack_claims(claims: list[dict]) -> bytes:
    """A story's claims: their JSON zlib-compressed (the quoted texts repeat from item to item:
    about an eighth of the JSON on the synthetic corpus)."""
    return zlib.compress(json.dumps(claims, ensure_ascii=False).encode("utf-8", "surrogatepass"), 6)


def unpack_claims(blob: bytes) -> list[dict]:
    return json.loads(zlib.decompress(blob).decode("utf-8", "surrogatepass"))


def pair_data(pair: Pair, meaning: bool = False) -> bytes:
    """``meaning``: found by names or vectors only, not by shared text (rejudge.py may drop it)."""
    data = {"coverage": [dataclasses.astuple(pair.coverage_a), dataclasses.astuple(pair.coverage_b)],
            "passages": [[*p.a, *p.b, p.kind, p.score] for p in pair.passages],
            "evidence": pair.evidence}
    if meaning:
        data["meaning"] = True
    return pack_pair_data(data)


def direction_code(a: str, b: str, source: str | None, derived: str | None) -> int:
    """A pair's direction as one small integer: 3 * side of the source + side of the derived, a
    side being 0 (none), 1 (a) or 2 (b); the ``pairs`` view (schema.py) turns it back into ids."""
    def side(x: str | None) -> int:
        if x is None:
            return 0
        if x not in (a, b):
            raise ValueError(f"pair {a} ~ {b}: direction names {x}, not one of the two")
        return 1 if x == a else 2
    return 3 * side(source) + side(derived)


def pair_row(pair: Pair, batch: int, numbers: dict[str, int], meaning: bool = False) -> tuple:
    """Columns of table pair_rows: a, b (article numbers), relation (codec.relation_code), similarity,
    own, direction, data, batch. ``numbers``: article id -> number."""
    code = direction_code(pair.a, pair.b, pair.source, pair.derived)
    return (numbers[pair.a], numbers[pair.b], relation_code(pair.relation), pair.similarity, code, code,
            pair_data(pair, meaning), batch)


# of the ``pairs`` view, which readers read (schema.py)
PAIR_COLUMNS = "a, b, relation, similarity, own_source, own_derived, source, derived, data, batch"


def pair_from_row(row, own: bool = False) -> Pair:
    """A Pair from the columns a, b, relation, similarity, own_source, own_derived, source, derived,
    data; ``own``: with the pair's own direction instead of the family's."""
    a, b, relation, similarity, own_source, own_derived, source, derived, data = row[:9]
    data = unpack_pair_data(data)
    passages = [Passage((p[0], p[1]), (p[2], p[3]), p[4], p[5]) for p in data["passages"]]
    if own:
        source, derived = own_source, own_derived
    return Pair(a, b, relation, similarity, Coverage(*data["coverage"][0]), Coverage(*data["coverage"][1]),
                passages, source, derived, data["evidence"])
