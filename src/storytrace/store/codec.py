"""Compact, lossless binary for what the store keeps of each pair (schema 2; schema 1 kept JSON).

A pair's data (coverage, passages, evidence, whether it was found by meaning only) was JSON: the
same key names in every row and every float as up to 20 characters. Here it is bytes:

    flags (1 byte: bit 0 = found by meaning only; bit 1 = evidence keys in a known layout)
    4 values: coverage a (verbatim, paraphrase), coverage b (verbatim, paraphrase)
    varint count of passages, each: zigzag varints a start, a length, b start, b length; then
        value kind, value score
    evidence: with bit 1, a varint index into LAYOUTS then one value per key of that layout;
        without it (schema 2 wrote only these), a varint count of items, each: value key, value

A *value* is one tag byte and what the tag needs: None, False, True, 0.0 and 1.0 are the tag
alone; a float a float32 holds exactly (cosines of float32 vectors) 4 bytes, other floats 8
(IEEE 754, little-endian: the exact float, as JSON's shortest repr gave back the exact float),
unless it is exactly n / d for a denominator up to MAX_DENOMINATOR and that is shorter (schema 3:
a share of numbers in common, days apart as seconds / 86400): then zigzag varint n, varint d;
integers a zigzag varint; the strings of KNOWN one more byte, other strings a varint length and
UTF-8; anything else (lists, dicts) compact JSON, which is what ``json.loads`` of the schema-1
JSON gave for it. Evidence keeps its order, so
``export`` writes the same document byte for byte.
"""

from __future__ import annotations

import json
import math
import struct

# strings a pair's data repeats: evidence keys (judge/pair.py, event.py) and passage kinds.
# Appending is safe; reordering or removing changes what stored bytes mean (bump SCHEMA_VERSION).
KNOWN = ("lead_cosine", "tfidf_cosine", "term_overlap", "number_overlap", "days_apart", "event_similarity",
         "same_event", "paraphrase_probability", "restated", "word_salad", "body_cosine", "verbatim",
         "paraphrase", "a", "b")
_KNOWN_INDEX = {s: i for i, s in enumerate(KNOWN)}
# the evidence keys, in order, that the judges write (judge/event.py): one varint instead of a key
# byte pair per item. Appending is safe, as for KNOWN.
LAYOUTS = (("lead_cosine", "tfidf_cosine", "term_overlap", "number_overlap", "days_apart", "event_similarity",
            "same_event"),)
_LAYOUT_INDEX = {keys: i for i, keys in enumerate(LAYOUTS)}
# a pair's relation as table pair_rows keeps it (schema 4): its index here, a relation not listed as
# its text; the ``pairs`` view (schema.py) gives the text back. `related` is 0: SQLite stores the
# integers 0 and 1 in no bytes, so most pairs' relation costs nothing. Appending is safe, as for KNOWN.
RELATIONS = ("related", "duplicate", "version", "rewrite", "partial", "same_event")
_RELATION_INDEX = {r: i for i, r in enumerate(RELATIONS)}


def relation_code(relation: str) -> int | str:
    """A relation as pair_rows keeps it."""
    return _RELATION_INDEX.get(relation, relation)


MAX_DENOMINATOR = 86400  # days apart are seconds / 86400

_NONE, _FALSE, _TRUE, _ZERO, _ONE, _FLOAT, _INT, _KNOWN, _STR, _JSON, _FLOAT32, _RATIO = range(12)
_DOUBLE, _SINGLE = struct.Struct("<d"), struct.Struct("<f")
_ZERO_BITS, _ONE_BITS = _DOUBLE.pack(0.0), _DOUBLE.pack(1.0)

MEANING = 1  # flags bit: found by names or vectors only (rejudge.py may drop the pair)
LAYOUT = 2  # flags bit: the evidence's keys are one of LAYOUTS


class CorruptData(ValueError):
    """Stored bytes that this codec did not write."""


def pack_pair_data(data: dict) -> bytes:
    """{"coverage": [[v, p], [v, p]], "passages": [[a0, a1, b0, b1, kind, score], ...],
    "evidence": {...}, "meaning": bool (optional)} as bytes."""
    layout = _LAYOUT_INDEX.get(tuple(data["evidence"]))
    out = bytearray([(MEANING if data.get("meaning") else 0) | (0 if layout is None else LAYOUT)])
    for side in data["coverage"]:
        for x in side:
            _value(out, x)
    _varint(out, len(data["passages"]))
    for a0, a1, b0, b1, kind, score in data["passages"]:
        for n in (a0, a1 - a0, b0, b1 - b0):
            _varint(out, _zigzag(n))
        _value(out, kind)
        _value(out, score)
    if layout is not None:
        _varint(out, layout)
        for x in data["evidence"].values():
            _value(out, x)
        return bytes(out)
    _varint(out, len(data["evidence"]))
    for key, x in data["evidence"].items():
        _value(out, key)
        _value(out, x)
    return bytes(out)


def unpack_pair_data(blob: bytes) -> dict:
    """The dict ``pack_pair_data`` was given (``meaning`` present only when true)."""
    reader = _Reader(blob)
    flags = reader.byte()
    coverage = [[reader.value(), reader.value()], [reader.value(), reader.value()]]
    passages = []
    for _ in range(reader.varint()):
        a0, alen, b0, blen = (_unzigzag(reader.varint()) for _ in range(4))
        passages.append([a0, a0 + alen, b0, b0 + blen, reader.value(), reader.value()])
    evidence = {}
    if flags & LAYOUT:
        index = reader.varint()
        if index >= len(LAYOUTS):
            raise CorruptData(f"pair data: unknown evidence layout {index}")
        for key in LAYOUTS[index]:
            evidence[key] = reader.value()
    else:
        for _ in range(reader.varint()):
            key = reader.value()
            evidence[key] = reader.value()
    if reader.at != len(blob):
        raise CorruptData(f"pair data: {len(blob) - reader.at} bytes left over")
    data = {"coverage": coverage, "passages": passages, "evidence": evidence}
    if flags & MEANING:
        data["meaning"] = True
    return data


def _value(out: bytearray, x) -> None:
    if x is None:
        out.append(_NONE)
    elif x is True or x is False:
        out.append(_TRUE if x else _FALSE)
    elif isinstance(x, float):  # numpy's float64 too
        bits = _DOUBLE.pack(x)
        if bits == _ZERO_BITS:  # the bits: -0.0 keeps its sign
            out.append(_ZERO)
        elif bits == _ONE_BITS:
            out.append(_ONE)
        elif (ratio := _ratio(x, 4 if _is_single(x) else 8)) is not None:
            out.append(_RATIO)
            out += ratio
        elif _is_single(x):
            out.append(_FLOAT32)
            out += _SINGLE.pack(x)
        else:
            out.append(_FLOAT)
            out += bits
    elif isinstance(x, int):
        out.append(_INT)
        _varint(out, _zigzag(x))
    elif isinstance(x, str) and x in _KNOWN_INDEX:
        out += bytes((_KNOWN, _KNOWN_INDEX[x]))
    elif isinstance(x, str):
        raw = x.encode("utf-8", "surrogatepass")
        out.append(_STR)
        _varint(out, len(raw))
        out += raw
    else:
        raw = json.dumps(x, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
        out.append(_JSON)
        _varint(out, len(raw))
        out += raw


def _is_single(x: float) -> bool:
    """A float a float32 holds exactly (a lead vectors' cosine): 4 bytes are enough."""
    try:
        return _SINGLE.unpack(_SINGLE.pack(x))[0] == x
    except OverflowError:
        return False


def _ratio(x: float, fewer_than: int) -> bytes | None:
    """zigzag varint n, varint d with n / d == x exactly (the same double), d <= MAX_DENOMINATOR,
    when those are fewer than ``fewer_than`` bytes; found among the convergents of x's continued
    fraction (the best approximations of x: the smallest exact d is among them)."""
    if x == 0 or not math.isfinite(x) or abs(x) >= 2 ** 31:  # -0.0 (0.0 has its tag): no ratio has its sign
        return None
    h0, h1, k0, k1 = 0, 1, 1, 0
    y = x
    for _ in range(40):
        a = math.floor(y)
        h0, h1, k0, k1 = h1, a * h1 + h0, k1, a * k1 + k0
        if k1 > MAX_DENOMINATOR:
            return None
        if h1 / k1 == x:
            out = bytearray()
            _varint(out, _zigzag(h1))
            _varint(out, k1)
            return bytes(out) if len(out) < fewer_than else None
        y -= a
        if y <= 0:
            return None
        y = 1 / y
    return None


def _zigzag(n: int) -> int:
    return 2 * n if n >= 0 else -2 * n - 1


def _unzigzag(z: int) -> int:
    return z // 2 if z % 2 == 0 else -(z + 1) // 2


def _varint(out: bytearray, n: int) -> None:
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


class _Reader:
    def __init__(self, blob: bytes) -> None:
        self.blob, self.at = blob, 0

    def byte(self) -> int:
        if self.at >= len(self.blob):
            raise CorruptData("pair data: cut short")
        self.at += 1
        return self.blob[self.at - 1]

    def varint(self) -> int:
        n, shift = 0, 0
        while True:
            b = self.byte()
            n |= (b & 0x7F) << shift
            if b < 0x80:
                return n
            shift += 7

    def raw(self, size: int) -> bytes:
        if self.at + size > len(self.blob):
            raise CorruptData("pair data: cut short")
        self.at += size
        return self.blob[self.at - size:self.at]

    def value(self):
        tag = self.byte()
        if tag <= _ONE:
            return (None, False, True, 0.0, 1.0)[tag]
        if tag == _FLOAT:
            return _DOUBLE.unpack(self.raw(8))[0]
        if tag == _FLOAT32:
            return _SINGLE.unpack(self.raw(4))[0]
        if tag == _RATIO:
            n, d = _unzigzag(self.varint()), self.varint()
            if d == 0:
                raise CorruptData("pair data: a ratio over 0")
            return n / d
        if tag == _INT:
            return _unzigzag(self.varint())
        if tag == _KNOWN:
            return KNOWN[self.byte()]
        if tag in (_STR, _JSON):
            text = self.raw(self.varint()).decode("utf-8", "surrogatepass")
            return text if tag == _STR else json.loads(text)
        raise CorruptData(f"pair data: unknown tag {tag}")
