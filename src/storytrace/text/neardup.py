"""The fast near-duplicate stage: word-shingle sketches and LSH banding, vectorized over a whole
batch of texts with numpy (no Python loop per word or per shingle).

How:
* texts are encoded to UTF-8 and folded with one ``bytes.translate`` (ASCII letters lowered,
  punctuation and spaces to one separator; bytes of non-ASCII letters kept as word bytes);
* every word's hash is a polynomial over its bytes, read off one prefix sum of the batch
  (``(P[end] - P[start]) * B**-start``, arithmetic modulo 2**32), with the word's length;
* a shingle (``k`` consecutive words of one text) hashes the ``k`` word hashes with odd
  multipliers and a final mixer;
* the sketch is one-permutation MinHash (Li, Owen and Zhang 2012) with rotation densification
  (Shrivastava and Li 2014): each shingle hash lands in one of ``bins`` bins, the sketch keeps
  each bin's minimum. One hash per shingle instead of one per shingle and permutation, with the
  same Jaccard estimate (share of equal bins) for texts of hundreds of shingles;
* candidate pairs come from banding: ``bands`` x ``rows`` bins, each band hashed to one value,
  texts with an equal band value are pairs (in buckets larger than ``max_bucket``, each text is
  paired with the bucket's first only: hundreds of copies of one wire story stay linked at a
  linear cost).

This stage finds near-duplicates (syndicated copies, versions) only; partial reuse and
rewrites need the n-gram index and the encoder (index/candidate_pairs.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_SEPARATOR = 0x20
# Word hashes are 32-bit polynomials (half the memory traffic of 64-bit ones over every byte);
# a collision of two words of one language merely makes their shingles a little more alike.
_BASE = np.uint32(0x01000193)             # odd, hence invertible modulo 2**32
_BASE_INVERSE = np.uint32(pow(0x01000193, -1, 1 << 32))
_SHINGLE_MULTIPLIERS = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                                 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53,
                                 0x94D049BB133111EB, 0xBF58476D1CE4E5B9], dtype=np.uint64)
_EMPTY = np.uint64(np.iinfo(np.uint64).max)


def _fold_table() -> bytes:
    table = bytearray(range(256))
    for b in range(128):
        ch = chr(b)
        if ch.isalnum():
            table[b] = ord(ch.lower())
        else:
            table[b] = _SEPARATOR
    return bytes(table)


_FOLD = _fold_table()


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads every input bit over the whole word."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


_POWERS: dict[str, np.ndarray] = {}


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """B**i and B**-i modulo 2**32 for i < n (cumulative products wrap as wanted)."""
    if len(_POWERS.get("forward", ())) < n:
        size = max(n, 1 << 16)
        with np.errstate(over="ignore"):
            _POWERS["forward"] = np.cumprod(np.r_[np.uint32(1), np.full(size - 1, _BASE, np.uint32)],
                                            dtype=np.uint32)
            _POWERS["inverse"] = np.cumprod(np.r_[np.uint32(1), np.full(size - 1, _BASE_INVERSE, np.uint32)],
                                            dtype=np.uint32)
    return _POWERS["forward"][:n], _POWERS["inverse"][:n]


def word_hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of every word of every text, and each text's first word index
    (``offsets``, length ``len(texts) + 1``)."""
    encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
    buf = np.frombuffer(b" ".join(encoded).translate(_FOLD) + b" ", dtype=np.uint8)
    is_word = buf != _SEPARATOR
    edges = np.flatnonzero(np.diff(np.r_[False, is_word].view(np.int8)))
    starts, ends = edges[0::2], edges[1::2]
    forward, inverse = _powers(len(buf) + 1)
    with np.errstate(over="ignore"):
        prefix = np.zeros(len(buf) + 1, np.uint32)
        np.cumsum(buf * forward[:len(buf)], out=prefix[1:], dtype=np.uint32)
        poly = (prefix[ends] - prefix[starts]) * inverse[starts]
        hashes = _mix(poly.astype(np.uint64) << np.uint64(16) | (ends - starts).astype(np.uint64))
    lengths = np.fromiter((len(e) for e in encoded), dtype=np.int64, count=len(encoded))
    text_starts = np.r_[0, np.cumsum(lengths + 1)[:-1]]
    offsets = np.searchsorted(starts, np.r_[text_starts, len(buf)])
    return hashes, offsets


def shingle_hashes(hashes: np.ndarray, offsets: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the k-word shingles inside each text, and which text each belongs to."""
    n = len(hashes) - k + 1
    if n <= 0:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    with np.errstate(over="ignore"):
        combined = hashes[:n] * _SHINGLE_MULTIPLIERS[0]
        for j in range(1, k):
            combined += hashes[j:j + n] * _SHINGLE_MULTIPLIERS[j % len(_SHINGLE_MULTIPLIERS)]
        combined = _mix(combined)
    owner = np.searchsorted(offsets, np.arange(n), side="right") - 1
    inside = np.arange(n) + k <= offsets[owner + 1]  # the shingle does not run into the next text
    return combined[inside], owner[inside]


@dataclass(frozen=True)
class Sketches:
    values: np.ndarray    # (texts, bins) uint64; a row of _EMPTY for a text with no shingle
    shingles: np.ndarray  # shingles per text


def sketch(texts: list[str], k: int = 5, bins: int = 128, batch: int = 32) -> Sketches:
    """One-permutation MinHash sketches of the texts' k-word shingle sets. Texts go through in small
    batches: the arrays stay in the CPU caches and in reused heap memory (on 20k 600-word articles,
    one core: 33,000 texts/s in batches of 32, 17,000 in batches of 2,000, which page-fault fresh
    memory every time)."""
    parts = []
    for first in range(0, len(texts), batch):
        hashes, offsets = word_hashes(texts[first:first + batch])
        parts.append(_sketch_words(hashes, offsets, k, bins))
    return _joined(parts, bins)


def _joined(parts: list[Sketches], bins: int) -> Sketches:
    if not parts:
        return Sketches(np.zeros((0, bins), np.uint64), np.zeros(0, np.int64))
    return Sketches(np.concatenate([p.values for p in parts]), np.concatenate([p.shingles for p in parts]))


def sketch_word_hashes(per_text: list[np.ndarray], k: int = 5, bins: int = 128, batch: int = 256) -> Sketches:
    """Sketches of texts already tokenized and hashed (one uint64 array of word hashes a text), as
    the pipeline has them with furniture left out; in batches, like ``sketch``."""
    parts = []
    for first in range(0, len(per_text), batch):
        part = per_text[first:first + batch]
        offsets = np.r_[0, np.cumsum([len(h) for h in part])].astype(np.int64)
        parts.append(_sketch_words(np.concatenate(part).astype(np.uint64), offsets, k, bins))
    return _joined(parts, bins)


def _sketch_words(hashes: np.ndarray, offsets: np.ndarray, k: int, bins: int) -> Sketches:
    if bins & (bins - 1) or not 2 <= bins <= 1024:
        raise ValueError("bins must be a power of two from 2 to 1024")
    n = len(offsets) - 1
    shift = np.uint64(64 - int(np.log2(bins)))
    value_mask = np.uint64((1 << int(shift)) - 1)
    shingles, owner = shingle_hashes(hashes, offsets, k)
    values = np.full(n * bins, _EMPTY, dtype=np.uint64)
    slots = owner.astype(np.uint64) * np.uint64(bins) + (shingles >> shift)
    np.minimum.at(values, slots.astype(np.int64), shingles & value_mask)
    values = values.reshape(n, bins)
    counts = np.bincount(owner, minlength=n).astype(np.int64)
    _densify(values, counts)
    return Sketches(values, counts)


def _densify(values: np.ndarray, counts: np.ndarray) -> None:
    """Fill each empty bin of a non-empty sketch from the next non-empty bin to its right
    (circularly), marked with the distance so two texts agree only when both borrowed alike."""
    rows = counts > 0
    empty = (values == _EMPTY) & rows[:, None]
    distance = 0
    borrowed = values.copy()
    while empty.any():
        distance += 1
        borrowed = np.roll(borrowed, -1, axis=1)
        fill = empty & (borrowed != _EMPTY)
        with np.errstate(over="ignore"):
            values[fill] = borrowed[fill] + np.uint64(distance) * np.uint64(0x9E3779B97F4A7C15)
        empty &= ~fill


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Share of equal bins: the Jaccard estimate for sketch rows ``a`` and ``b`` (same shapes)."""
    return (a == b).mean(axis=-1)


def band_pairs(sketches: Sketches, bands: int = 32, rows: int = 4, max_bucket: int = 100) -> np.ndarray:
    """Index pairs (i < j) of texts sharing at least one band, as an (n, 2) int64 array, sorted."""
    values, n = sketches.values, len(sketches.values)
    if values.shape[1] < bands * rows:
        raise ValueError(f"{bands} bands x {rows} rows need {bands * rows} bins, the sketches have {values.shape[1]}")
    usable = np.flatnonzero(sketches.shingles > 0)
    keys = band_keys(values[usable], bands, rows)
    found = [_bucket_pairs(keys[:, band], usable, max_bucket) for band in range(bands)]
    if not found:
        return np.zeros((0, 2), np.int64)
    pairs = np.concatenate(found)
    if not len(pairs):
        return pairs.reshape(0, 2)
    codes = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack([codes // n, codes % n], axis=1)


def band_keys(values: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(texts, bands) uint64: each band of each sketch row hashed to one value, the band's number
    mixed in, so equal keys anywhere mean an equal band (the store's index keeps them as postings)."""
    keys = np.empty((len(values), bands), np.uint64)
    with np.errstate(over="ignore"):
        for band in range(bands):
            cols = values[:, band * rows:(band + 1) * rows]
            key = cols[:, 0] * _SHINGLE_MULTIPLIERS[0]
            for r in range(1, rows):
                key += cols[:, r] * _SHINGLE_MULTIPLIERS[r % len(_SHINGLE_MULTIPLIERS)]
            keys[:, band] = _mix(key + np.uint64(band))
    return keys


def _bucket_pairs(key: np.ndarray, ids: np.ndarray, max_bucket: int) -> np.ndarray:
    """Pairs of ids whose keys are equal: all pairs in buckets of up to ``max_bucket`` ids; in a
    larger bucket (one text syndicated by hundreds of outlets) each id is paired with the bucket's
    first only, which keeps the copies connected at a linear cost."""
    order = np.argsort(key, kind="stable")
    key, ids = key[order], ids[order]
    run_start = np.r_[True, key[1:] != key[:-1]]
    run_id = np.cumsum(run_start) - 1
    run_size = np.bincount(run_id)[run_id]
    out = []
    largest = int(run_size.max()) if len(run_size) else 0
    for d in range(1, min(largest, max_bucket)):
        i = np.flatnonzero((run_id[:-d] == run_id[d:]) & (run_size[:-d] <= max_bucket))
        if not len(i):
            break
        out.append(_ordered(ids[i], ids[i + d]))
    big = run_size > max_bucket
    if big.any():
        first = np.flatnonzero(run_start)[run_id]  # position of each id's bucket head
        members = np.flatnonzero(big & ~run_start)
        out.append(_ordered(ids[first[members]], ids[members]))
    return np.concatenate(out) if out else np.zeros((0, 2), np.int64)


def _ordered(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1)
