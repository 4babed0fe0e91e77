"""Pairs worth comparing, found through indexes, never by an all-pairs loop.

* shared text: an inverted index of content-sampled word 5-gram hashes (passim's idea, with
  superfastmatch's cap on common n-grams); a pair sharing enough sampled n-grams is a candidate.
* rewrites and same-event reports: nearest neighbours of article vectors (blocked matrix
  products, top-k per article) and pairs sharing several uncommon names and numbers.
"""

from __future__ import annotations

from array import array
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from itertools import repeat

import numpy as np

from .. import thresholds as T
from ..encode.leads import split_packs, unpack_many
from ..engine.processes import default_cores
from .lead_cosines import LeadCosines
from .row_selection import at_least_kth, nearest_with_ties, without_self

_BLOCK = 256  # article vectors compared at a time: memory stays O(block x N) (256: 150 MB at 20k, and faster than 2048)
_BLOCK_CELLS = _BLOCK * 40_000  # ... and beyond 40k articles fewer at a time, so a block's cells (float32
# keys and a byte of mask, 5 bytes a cell: 51 MB a thread; bfloat16 3) do not grow with the corpus. Not
# more: 256 rows a block at 100,000 leads took 16.1 s against 14.5-15.3 (the cache), 512 rows 18.5 s.
_MIN_BLOCK = 32  # Fewer rows cost time (each block packs every vector for the product: at 20k, 51 rows 2.4x slower)


def pairs_sharing_keys(keys: np.ndarray, owners: np.ndarray, max_owners: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of owners (i < j) that share a key, with how many keys they share.

    ``keys`` and ``owners`` are parallel arrays (one row per key an owner has). Keys held by more
    than ``max_owners`` owners are ignored: they are boilerplate or common words, not evidence.
    Vectorised: each row is paired with the rows after it inside its key's group."""
    owners, later = _rows_by_key(keys, owners, max_owners)
    if len(owners) == 0:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    # every row with each later row of its group: row r at place p of a group of s is the first of
    # s - 1 - p pairs (generated at once, O(pairs), not a pass over all rows per place)
    first = np.repeat(np.arange(len(owners)), later)
    second = first + 1 + (np.arange(len(first)) - np.repeat(np.cumsum(later) - later, later))
    a, b = owners[first].astype(np.int64), owners[second].astype(np.int64)
    del first, second
    n = int(b.max()) + 1  # owners are sorted inside a group: b > a
    codes, counts = np.unique(_codes(np.stack([a, b], axis=1), n), return_counts=True)
    return _pairs(codes, n), counts


def _rows_by_key(keys: np.ndarray, owners: np.ndarray, max_owners: int) -> tuple[np.ndarray, np.ndarray]:
    """(owners, later): the rows sorted by key then owner, one per (key, owner), of the keys held by
    2 to ``max_owners`` owners; each row's owner and how many rows follow it in its key's group."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.lexsort((owners, keys))
    keys, owners = keys[order], owners[order]
    del order
    distinct = np.ones(len(keys), dtype=bool)
    distinct[1:] = (keys[1:] != keys[:-1]) | (owners[1:] != owners[:-1])
    keys, owners = keys[distinct], owners[distinct]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, len(keys)])
    group_size = np.repeat(sizes, sizes)
    keep = (group_size >= 2) & (group_size <= max_owners)
    keys, owners = keys[keep], owners[keep]
    del group_size, keep, distinct
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, len(keys)])
    return owners, np.repeat(sizes, sizes) - 1 - (np.arange(len(keys)) - np.repeat(starts, sizes))


_KEY_RANGES = 8  # the sampled n-grams are self-joined an eighth of their hash space at a time


def shared_text_candidates(sampled: list[np.ndarray]) -> np.ndarray:
    """Document index pairs sharing at least T.MIN_SHARED_SAMPLED_NGRAMS sampled n-grams.

    A key belongs to one range of hash values, so the pairs of each range, with how many keys they
    share there, add up to those of all keys at once; a range's sort and key tables are an eighth as
    large (at 100,000 articles the tables of one pass held ~1 GB). Hashes are avalanched
    (fingerprint.ngram_hashes): their top bits split the keys evenly."""
    sizes = np.array([len(s) for s in sampled], dtype=np.int64)
    n = max(1, len(sampled))
    owners = np.repeat(np.arange(len(sampled), dtype=np.int32), sizes)
    keys = np.concatenate(sampled) if sampled else np.zeros(0, dtype=np.uint64)
    ranges = (keys >> np.uint64(64 - 3)).astype(np.int8)  # 3 bits: _KEY_RANGES
    found, shared = [], []
    for r in range(_KEY_RANGES):
        take = ranges == r
        pairs, counts = pairs_sharing_keys(keys[take], owners[take], T.MAX_NGRAM_DOCUMENT_FREQUENCY)
        found.append(_codes(pairs, n))
        shared.append(counts)
    del keys, owners, ranges
    codes, where = np.unique(np.concatenate(found), return_inverse=True)
    counts = np.zeros(len(codes), dtype=np.int64)
    np.add.at(counts, where, np.concatenate(shared))
    pairs = _pairs(codes, n)
    # a short article shares few sampled n-grams even when copied whole: scale the bar down for it
    need = np.minimum(T.MIN_SHARED_SAMPLED_NGRAMS,
                      np.maximum(1, np.minimum(sizes[pairs[:, 0]], sizes[pairs[:, 1]]) // 2)) if len(pairs) else []
    keep = counts >= need
    return pairs[keep]


def shared_term_candidates(terms: list[Collection[str]]) -> np.ndarray:
    """Document index pairs sharing at least T.MIN_SHARED_KEY_TERMS uncommon names or numbers. Terms
    are numbered in order of first appearance, gathered into flat arrays (not lists of Python ints),
    and the pairs counted a block of first documents at a time (``pairs_sharing_at_least``)."""
    vocabulary: dict[str, int] = {}
    keys, owners = array("q"), array("i")
    for i, ts in enumerate(terms):
        keys.extend(vocabulary.setdefault(t, len(vocabulary)) for t in ts)
        owners.extend(repeat(i, len(ts)))
    del vocabulary
    keys = np.frombuffer(keys, dtype=np.int64) if len(keys) else np.zeros(0, np.int64)
    owners = np.frombuffer(owners, dtype=np.int32) if len(owners) else np.zeros(0, np.int32)
    return pairs_sharing_at_least(keys, owners, T.MAX_TERM_OWNERS, T.MIN_SHARED_KEY_TERMS)


_PAIRS_A_BLOCK = 1 << 20  # (row, later row) pairs made at once by pairs_sharing_at_least: 1M, ~50 MB of tables


def pairs_sharing_at_least(keys: np.ndarray, owners: np.ndarray, max_owners: int, at_least: int) -> np.ndarray:
    """``pairs_sharing_keys``' pairs that share at least ``at_least`` keys, sorted, without holding
    every (pair, key) at once: most pairs of a corpus share one name and no more, and there are
    many. The rows are taken by first owner, a block of owners at a time, so each block makes every
    pair of its owners with the later ones (a pair (a, b), a < b, is made by a's rows only) and
    counts them whole before it is filtered."""
    owners, later = _rows_by_key(keys, owners, max_owners)
    if len(owners) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    n = int(owners.max()) + 1
    by_owner = np.argsort(owners, kind="stable")
    made = np.cumsum(later[by_owner])  # pairs made by the rows up to each, in owner order
    block_ends = np.flatnonzero(np.r_[owners[by_owner][1:] != owners[by_owner][:-1], True]) + 1  # an owner's last row + 1
    found = []
    lo = 0
    while lo < len(by_owner):
        before = int(made[lo - 1]) if lo else 0
        # as many whole owners as fit in a block (at least one, however many pairs it makes)
        cut = np.searchsorted(made, before + _PAIRS_A_BLOCK, side="right")
        hi = block_ends[max(0, np.searchsorted(block_ends, cut, side="right") - 1)]
        if hi <= lo:
            hi = block_ends[np.searchsorted(block_ends, lo, side="right")]
        rows = by_owner[lo:hi]
        count = later[rows]
        first = np.repeat(rows, count)
        second = first + 1 + (np.arange(len(first)) - np.repeat(np.cumsum(count) - count, count))
        codes, counts = np.unique(owners[first].astype(np.int64) * n + owners[second], return_counts=True)
        found.append(codes[counts >= at_least])
        lo = hi
    return _pairs(np.concatenate(found), n)


def strongest_per_document(pairs: np.ndarray, scores: np.ndarray, per_document: int) -> np.ndarray:
    """Mask keeping, strongest first, the pairs whose two documents each have fewer than
    ``per_document`` kept pairs: bounds the work at O(documents x per_document)."""
    keep = np.zeros(len(pairs), dtype=bool)
    taken: dict[int, int] = {}
    for k in np.argsort(-scores, kind="stable").tolist():
        i, j = int(pairs[k, 0]), int(pairs[k, 1])
        if taken.get(i, 0) < per_document and taken.get(j, 0) < per_document:
            keep[k] = True
            taken[i] = taken.get(i, 0) + 1
            taken[j] = taken.get(j, 0) + 1
    return keep


def vector_neighbour_candidates(vectors: "np.ndarray | PackedRows") -> np.ndarray:
    """Pairs (i < j, distinct, sorted) where j is among i's T.VECTOR_NEIGHBOURS nearest article
    vectors (by dot product, the cosine of unit vectors) or i among j's, at a cosine of at least
    T.MIN_ARTICLE_COSINE. Equal cosines are ranked by article index, lower first (copies of one
    text share a lead vector: such ties are common).

    Leads in their 8-bit form (PackedRows of ``leads.pack``'s bytes, as ``analyze``, the dask engine
    and the store keep them) are ranked by their exact cosines (``lead_cosines``): the pairs are
    the same on every machine, whatever the CPU, the BLAS and the threads. A float32 matrix, or
    packed rows one of which is kept in float32, is ranked by BLAS's float32 product.

    Identical vectors are compared once: the (block x distinct) matrix products and selections run
    over the distinct vectors only, and each distinct vector's nearest are expanded to the articles
    holding them (an article's nearest among the distinct vectors, and the other holders of its own
    vector, at their own cosine). Blocked so memory stays O(block x N) whatever the corpus size."""
    vectors = vectors if isinstance(vectors, PackedRows) else np.asarray(vectors)
    n = len(vectors)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    k = min(T.VECTOR_NEIGHBOURS, n - 1)
    first_of, holders, first_holder, held = _distinct_rows(vectors)
    m = len(first_of)
    kk = min(k, m - 1)  # distinct others a row needs: each is held by one article at least
    block_rows = max(_MIN_BLOCK, min(_BLOCK, _BLOCK_CELLS // m))
    cosines = _cosines_of(vectors, first_of)

    def neighbours(start: int) -> np.ndarray:
        block = cosines.block(start, start + block_rows)
        rows = np.arange(block.size)
        own = block.values(rows, start + rows)  # a vector with itself: its other holders' cosine
        if 0 < kk < m - 1:
            r, c = block.nearest(kk)  # every distinct other that can be among a row's kk nearest
            value = block.values(r, c)
            keep = at_least_kth(r, value, block.size, kk)  # ranked by the cosines themselves
            r, c, value = r[keep], c[keep], value[keep]
        elif kk > 0:  # every distinct other
            r, c = block.others()
            value = block.values(r, c)
        else:
            r, c, value = np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        # and the row's own vector, for its other holders
        return _expand(np.r_[start + r, start + rows], np.r_[c, start + rows], np.r_[value, own],
                       k, holders, first_holder, held)

    # numpy and torch release the GIL in the products and the selections: blocks run on all cores
    with cosines, ThreadPoolExecutor(min(default_cores(), -(-m // block_rows))) as pool:
        found = list(pool.map(neighbours, range(0, m, block_rows)))
    return unique_pairs(np.concatenate(found), n)


def _cosines_of(vectors, first_of: np.ndarray) -> "LeadCosines | _FloatCosines":
    """The distinct rows' cosines: exact ones from their 8-bit codes when every row has that form."""
    if isinstance(vectors, PackedRows):
        split = split_packs([vectors.packs[i] for i in first_of.tolist()], vectors.dimensions)
        if split is not None:
            return LeadCosines(*split)
    return _FloatCosines(vectors[:] if len(first_of) == len(vectors) else vectors[first_of])


class _FloatCosines:
    """float32 rows' cosines as BLAS's product gives them, for vectors not all in 8-bit form."""

    def __init__(self, distinct: np.ndarray) -> None:
        self.distinct = distinct

    def __enter__(self) -> "_FloatCosines":
        return self

    def __exit__(self, *_exc) -> None:
        return None

    def block(self, start: int, stop: int) -> "_FloatBlock":
        return _FloatBlock(self.distinct, start, min(stop, len(self.distinct)))


class _FloatBlock:
    """A block's cosines: its rows' float32 product with every row, read as they are."""

    def __init__(self, distinct: np.ndarray, start: int, stop: int) -> None:
        self.start, self.size = start, stop - start
        self.sims = distinct[start:stop] @ distinct.T
        rows = np.arange(self.size)
        self._own = self.sims[rows, start + rows].copy()

    def _without_self(self) -> np.ndarray:
        return without_self(self.sims, self.start, -np.inf)

    def nearest(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        return nearest_with_ties(self._without_self(), k)

    def others(self) -> tuple[np.ndarray, np.ndarray]:
        return np.nonzero(self._without_self() > -np.inf)

    def values(self, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        out = self.sims[r, c]
        own = c == self.start + r
        out[own] = self._own[r[own]]
        return out


class PackedRows:
    """Lead vectors as articles keep them (``leads.pack``: 388 bytes where a float32 row takes
    1,536), unpacked a chunk of rows at a time: the exact search needs only its distinct rows as a
    float32 matrix, never all of them at once."""

    def __init__(self, packs: list[bytes], dimensions: int) -> None:
        self.packs, self.dimensions = packs, dimensions

    def __len__(self) -> int:
        return len(self.packs)

    def __getitem__(self, rows) -> np.ndarray:
        """The float32 rows at ``rows`` (a slice or an index array), as ``leads.unpack`` gives each."""
        picked = self.packs[rows] if isinstance(rows, slice) else [self.packs[i] for i in np.asarray(rows).tolist()]
        return unpack_many(picked, self.dimensions)


def _distinct_rows(vectors) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(each distinct row's first holder, ascending: the distinct rows are ``vectors[first_of]``, in
    that order; the articles holding each, grouped by distinct row in that order and ascending inside
    a group; where each group starts in it; how many hold each). Rows are equal when their bytes are
    (so -0.0 and 0.0 differ: harmless).
    ``vectors``: a matrix, or PackedRows (read a chunk at a time, the same rows).

    Rows are grouped by two 64-bit hashes of their bytes, made a chunk of rows at a time, and each
    row is then checked equal to its group's first (np.unique over whole rows as keys held copies
    of the matrix: ~120 MB more at the stage's peak at 100,000 articles)."""
    rows = vectors if isinstance(vectors, PackedRows) else np.ascontiguousarray(vectors)
    n = len(rows)

    def words(chunk: np.ndarray) -> np.ndarray:
        out = np.ascontiguousarray(chunk).view(np.uint8).reshape(len(chunk), -1)
        return out.view(np.uint32) if out.shape[1] % 4 == 0 else out

    width = words(rows[:1]).shape[1]
    multipliers = np.random.default_rng(13).integers(1, 2**63, size=(2, width), dtype=np.uint64) | np.uint64(1)
    hashes = np.empty((2, n), np.uint64)
    for first in range(0, n, _HASH_ROWS):
        chunk = words(rows[first:first + _HASH_ROWS]).astype(np.uint64)
        for h in range(2):  # sums of products modulo 2**64 (unsigned integers wrap)
            hashes[h, first:first + _HASH_ROWS] = (chunk * multipliers[h]).sum(axis=1, dtype=np.uint64)
    order = np.lexsort((np.arange(n), hashes[1], hashes[0]))  # by hash, then article index
    sorted_hashes = hashes[:, order]
    starts = np.r_[True, (sorted_hashes[:, 1:] != sorted_hashes[:, :-1]).any(axis=0)]
    label = np.empty(n, np.int64)
    label[order] = np.cumsum(starts) - 1
    first_of = order[starts]  # each hash group's lowest article index
    for first in range(0, n, _HASH_ROWS):  # a hash collision would join unequal rows: never trusted
        if not (words(rows[first:first + _HASH_ROWS]) == words(rows[first_of[label[first:first + _HASH_ROWS]]])).all():
            return _distinct_rows_sorted(rows[:])  # a matrix either way
    return _groups(first_of, label)


_HASH_ROWS = 4096  # rows hashed or checked at a time (4096 x 384 x 8 bytes: 13 MB)


def _distinct_rows_sorted(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``_distinct_rows`` by np.unique over whole rows as keys (after a hash collision)."""
    keys = rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).ravel()
    _, first_of, label = np.unique(keys, return_index=True, return_inverse=True)
    return _groups(first_of, label.ravel())


def _groups(first_of: np.ndarray, label: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``_distinct_rows`` from each group's first article (``first_of``) and each article's group."""
    order = np.argsort(first_of, kind="stable")  # distinct rows in the order of their first holder
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    group = rank[label]
    holders = np.argsort(group, kind="stable")  # ascending article index inside each group
    held = np.bincount(group, minlength=len(order))
    first_holder = np.cumsum(held) - held
    return np.sort(first_of), holders, first_holder, held


def _expand(r: np.ndarray, c: np.ndarray, value: np.ndarray, k: int, holders: np.ndarray,
            first_holder: np.ndarray, held: np.ndarray) -> np.ndarray:
    """Article pairs from distinct-vector neighbours: (r, c, value) lists, for distinct rows r, the
    distinct vectors c at least as close as their k-th nearest distinct other (and r itself, at its
    own cosine). Each holder i of r takes the k nearest articles other than itself, ranked by
    cosine then article index, at the cosine floor. Pairs (min, max)."""
    # every holder of each listed distinct vector, then ranked inside each row r
    count = held[c]
    r, value = np.repeat(r, count), np.repeat(value, count)
    j = holders[np.repeat(first_holder[c], count) + _places(count)]
    order = np.lexsort((j, -value.astype(np.float64), r))
    r, value, j = r[order], value[order], j[order]
    starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
    sizes = np.diff(np.r_[starts, len(r)])
    position = np.arange(len(r)) - np.repeat(starts, sizes)
    keep = position <= k  # k + 1 articles a row: each of its holders drops itself or the last
    r, value, j, position = r[keep], value[keep], j[keep], position[keep]
    # each holder i of row r with each listed article j: rank of j among the articles other than i
    count = held[r] if len(r) else np.zeros(0, np.int64)
    i = holders[np.repeat(first_holder[r], count) + _places(count)]
    r, value, j, position = np.repeat(r, count), np.repeat(value, count), np.repeat(j, count), np.repeat(position, count)
    # where i itself sits in its row's list (k + 1: not in it)
    own = np.full(len(i), k + 1, dtype=np.int64)
    mine = j == i
    # the position of i in row r, spread to every (i, r) entry
    key = r.astype(np.int64) * (int(i.max()) + 1 if len(i) else 1) + i
    own_key = key[mine]
    own_pos = position[mine]
    if len(own_key):
        sorter = np.argsort(own_key)
        at = np.searchsorted(own_key[sorter], key)
        at = np.minimum(at, len(own_key) - 1)
        found = own_key[sorter][at] == key
        own[found] = own_pos[sorter][at[found]]
    rank = position - (own < position)
    keep = ~mine & (rank < k) & (value >= T.MIN_ARTICLE_COSINE)
    i, j = i[keep], j[keep]
    return np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1)


def _places(count: np.ndarray) -> np.ndarray:
    """0, 1, ... count[g] - 1 for each group g in turn: each repeated entry's place in its group."""
    return np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)


def unique_pairs(pairs: np.ndarray, n: int) -> np.ndarray:
    """Distinct rows of an (m, 2) array of document indices below ``n``, sorted."""
    return _pairs(np.unique(_codes(pairs, n)), n)


def pair_difference(pairs: np.ndarray, minus: np.ndarray, n: int) -> np.ndarray:
    """Rows of ``pairs`` not in ``minus`` (both (m, 2) arrays of indices below ``n``), sorted, distinct."""
    return _pairs(np.setdiff1d(_codes(pairs, n), _codes(minus, n)), n)


def _codes(pairs: np.ndarray, n: int) -> np.ndarray:
    """One integer per pair of indices below ``n``, ordered as the pairs are (first index, then second)."""
    return pairs[:, 0].astype(np.int64) * n + pairs[:, 1]


def _pairs(codes: np.ndarray, n: int) -> np.ndarray:
    return np.stack([codes // n, codes % n], axis=1)
