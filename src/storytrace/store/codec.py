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


def unpack_pair_data(blob: bytes, spans: dict | None = None) -> dict:
    """The dict ``pack_pair_data`` was given (``meaning`` present only when true). ``spans``, when
    given and the evidence is in a known layout: filled with each evidence key's (start, end) in
    ``blob``, for ``with_evidence``."""
    try:
        return _unpack(blob, spans)
    except (IndexError, struct.error):  # a tag, varint or value that runs past the end
        raise CorruptData("pair data: cut short") from None


def _unpack(blob: bytes, spans: dict | None) -> dict:
    # positions passed along instead of a reader object's methods: a re-judged batch decodes tens
    # of thousands of pairs, and this takes about half the time (BENCHMARKS.md, "add throughput")
    flags = blob[0]
    at = 1
    coverage = []
    for _ in range(2):
        v, at = _read(blob, at)
        p, at = _read(blob, at)
        coverage.append([v, p])
    passages = []
    count, at = _read_varint(blob, at)
    for _ in range(count):
        a0, at = _read_varint(blob, at)
        alen, at = _read_varint(blob, at)
        b0, at = _read_varint(blob, at)
        blen, at = _read_varint(blob, at)
        a0, b0 = _unzigzag(a0), _unzigzag(b0)
        kind, at = _read(blob, at)
        score, at = _read(blob, at)
        passages.append([a0, a0 + _unzigzag(alen), b0, b0 + _unzigzag(blen), kind, score])
    evidence = {}
    if flags & LAYOUT:
        index, at = _read_varint(blob, at)
        if index >= len(LAYOUTS):
            raise CorruptData(f"pair data: unknown evidence layout {index}")
        for key in LAYOUTS[index]:
            start = at
            evidence[key], at = _read(blob, at)
            if spans is not None:
                spans[key] = (start, at)
    else:
        count, at = _read_varint(blob, at)
        for _ in range(count):
            key, at = _read(blob, at)
            evidence[key], at = _read(blob, at)
    if at != len(blob):
        raise CorruptData(f"pair data: {len(blob) - at} bytes left over")
    data = {"coverage": coverage, "passages": passages, "evidence": evidence}
    if flags & MEANING:
        data["meaning"] = True
    return data


def with_evidence(blob: bytes, spans: dict, values: dict) -> bytes:
    """``blob`` (of a known layout, ``spans`` filled by unpack_pair_data) with these evidence keys'
    values replaced: the bytes ``pack_pair_data`` gives for the data with those values, since each
    value's bytes depend on that value alone, and the flags and layout stay (the same keys). Re-judging
    changes three values of a pair's evidence; packing the whole pair again cost about five times
    as much (BENCHMARKS.md, "add throughput")."""
    out = bytearray()
    at = 0
    for start, end, key in sorted((*spans[key], key) for key in values):
        out += blob[at:start]
        _value(out, values[key])
        at = end
    out += blob[at:]
    return bytes(out)


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


def _read_varint(blob: bytes, at: int) -> tuple[int, int]:
    """(the varint at ``at``, where the next thing starts)."""
    b = blob[at]
    if b < 0x80:  # nearly always: offsets and counts below 128
        return b, at + 1
    n, shift = b & 0x7F, 7
    while True:
        at += 1
        b = blob[at]
        n |= (b & 0x7F) << shift
        if b < 0x80:
            return n, at + 1
        shift += 7


_SMALL = (None, False, True, 0.0, 1.0)  # the values that are their tag alone


def _read(blob: bytes, at: int) -> tuple[object, int]:
    """(the value at ``at``, where the next thing starts)."""
    tag = blob[at]
    at += 1
    if tag <= _ONE:
        return _SMALL[tag], at
    if tag == _FLOAT32:
        return _SINGLE.unpack_from(blob, at)[0], at + 4
    if tag == _FLOAT:
        return _DOUBLE.unpack_from(blob, at)[0], at + 8
    if tag == _RATIO:
        n, at = _read_varint(blob, at)
        d, at = _read_varint(blob, at)
        if d == 0:
            raise CorruptData("pair data: a ratio over 0")
        return _unzigzag(n) / d, at
    if tag == _INT:
        n, at = _read_varint(blob, at)
        return _unzigzag(n), at
    if tag == _KNOWN:
        if blob[at] >= len(KNOWN):
            raise CorruptData(f"pair data: unknown string {blob[at]}")
        return KNOWN[blob[at]], at + 1
    if tag in (_STR, _JSON):
        size, at = _read_varint(blob, at)
        if at + size > len(blob):
            raise CorruptData("pair data: cut short")
        text = blob[at:at + size].decode("utf-8", "surrogatepass")
        return (text if tag == _STR else json.loads(text)), at + size
    raise CorruptData(f"pair data: unknown tag {tag}")
