"""Passages a pair shares: verbatim (seed and extend on hashed word n-grams) and paraphrase
(sentence to sentence, in order, by meaning).

Verbatim: every word 4-gram the two texts share is a seed; seeds on one diagonal merge into
runs, and runs that follow each other in both texts across a small gap (an edited word, a
moved comma) merge into one passage. Paraphrase: the sentences not already covered verbatim
are scored pairwise, then the best order-preserving set of matches is chosen by dynamic programming.
"""

from __future__ import annotations

import bisect

import numpy as np

from .. import thresholds as T
from ..text.fingerprint import ngram_hashes
from ..model import Doc, Passage


def _runs(ga: np.ndarray, gb: np.ndarray, n: int) -> list[list[int]]:
    """Maximal runs of shared n-grams on one diagonal, as [a_start, a_end, b_start, b_end] in tokens."""
    if len(ga) == 0 or len(gb) == 0:
        return []
    order_b = np.argsort(gb, kind="stable")
    sorted_b = gb[order_b]
    lo = np.searchsorted(sorted_b, ga, side="left")
    hi = np.searchsorted(sorted_b, ga, side="right")
    hits = np.flatnonzero(hi > lo)
    if len(hits) == 0:
        return []
    counts = (hi - lo)[hits]
    first = np.zeros(len(hits), dtype=np.int64)
    # A phrase in k_a places of a and k_b of b makes k_a x k_b matches: quadratic in the repetition
    # (a page made of one article's paragraphs over and over). Past T.SEED_REPEAT_PAIRS, the r-th
    # occurrence in a is matched only to the occurrences of b around the same relative rank
    # (r * k_b / k_a, +- T.SEED_REPEAT_BAND): copies in the same order still chain into runs, and the
    # work is linear in the text's length.
    order_a = np.argsort(ga, kind="stable")
    sorted_a = ga[order_a]
    rank_a = np.empty(len(ga), dtype=np.int64)
    group_start = np.searchsorted(sorted_a, sorted_a, side="left")
    rank_a[order_a] = np.arange(len(ga)) - group_start
    count_a = (np.searchsorted(sorted_a, ga, side="right") - np.searchsorted(sorted_a, ga, side="left"))[hits]
    banded = count_a * counts > T.SEED_REPEAT_PAIRS
    if banded.any():
        centre = rank_a[hits][banded] * counts[banded] // count_a[banded]
        lo_rank = np.maximum(0, centre - T.SEED_REPEAT_BAND)
        hi_rank = np.minimum(counts[banded], centre + T.SEED_REPEAT_BAND + 1)
        first[banded] = lo_rank
        counts = counts.copy()
        counts[banded] = hi_rank - lo_rank
    ia = np.repeat(hits, counts)
    # positions in b of each hit: ranges lo+first .. flattened
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    jb = order_b[np.repeat(lo[hits] + first, counts) + offsets]
    # a phrase repeated just under the band's threshold can still match in many places; cap to keep
    # pathological texts cheap, never below what the band itself allows (linear in the length)
    cap = max(T.MAX_SEED_MATCHES, (2 * T.SEED_REPEAT_BAND + 1) * len(ga))
    if len(ia) > cap:
        keep = np.argsort(np.abs((jb - ia)), kind="stable")[:cap]
        ia, jb = ia[keep], jb[keep]
    diag = jb - ia
    order = np.lexsort((ia, diag))
    ia, diag = ia[order], diag[order]
    breaks = np.flatnonzero((np.diff(diag) != 0) | (np.diff(ia) != 1)) + 1
    starts = np.r_[0, breaks]
    ends = np.r_[breaks, len(ia)]
    runs = []
    for s, e in zip(starts, ends):
        a0 = int(ia[s])
        a1 = int(ia[e - 1]) + n
        d = int(diag[s])
        runs.append([a0, a1, a0 + d, a1 + d])
    return runs


def _chain(runs: list[list[int]], gap: int) -> list[list]:
    """Merge runs that follow one another in both texts within ``gap`` tokens.
    Returns [a_start, a_end, b_start, b_end, runs] per passage."""
    runs.sort(key=lambda r: (r[0], r[2]))
    chains: list[list] = []
    for a0, a1, b0, b1 in runs:
        merged = False
        for c in reversed(chains[-8:]):  # a few recent chains: cheap and enough for ordered texts
            if -2 <= a0 - c[1] <= gap and -2 <= b0 - c[3] <= gap and a0 >= c[0] and b0 >= c[2]:
                c[1], c[3] = max(c[1], a1), max(c[3], b1)
                c[4].append((a0, a1, b0, b1))
                merged = True
                break
        if not merged:
            chains.append([a0, a1, b0, b1, [(a0, a1, b0, b1)]])
    return chains


def verbatim_passages(doc_a: Doc, doc_b: Doc, hashes_a: np.ndarray, hashes_b: np.ndarray
                      ) -> tuple[list[Passage], np.ndarray, np.ndarray]:
    """Shared passages, and for each text the mask of its words that matched exactly (the gaps an
    edit leaves inside a passage are shown in the passage but not counted as copied)."""
    if 0 < len(hashes_a) < T.MIN_PASSAGE_TOKENS and np.array_equal(hashes_a, hashes_b):
        # the same few words ("Hi." and "Hi."): too short for seeds and for a passage, yet a copy
        whole = np.ones(len(hashes_a), dtype=bool)
        span = lambda doc: (int(doc.starts[0]), int(doc.ends[-1]))  # noqa: E731
        return [Passage(span(doc_a), span(doc_b), "verbatim", 1.0)], whole, whole.copy()
    n = T.SEED_NGRAM
    runs = _runs(ngram_hashes(hashes_a, n), ngram_hashes(hashes_b, n), n)
    mask_a = np.zeros(len(doc_a), dtype=bool)
    mask_b = np.zeros(len(doc_b), dtype=bool)
    passages = []
    starts_a, ends_a, starts_b, ends_b = doc_a.starts, doc_a.ends, doc_b.starts, doc_b.ends
    for a0, a1, b0, b1, members in _chain(runs, T.ALIGN_GAP_TOKENS):
        if min(a1 - a0, b1 - b0) < T.MIN_PASSAGE_TOKENS:
            continue
        here_a = np.zeros(a1 - a0, dtype=bool)
        for ra0, ra1, rb0, rb1 in members:
            here_a[ra0 - a0 : ra1 - a0] = True
            mask_b[rb0:rb1] = True
        mask_a[a0:a1] |= here_a
        score = float(here_a.sum()) / max(a1 - a0, b1 - b0)
        passages.append(Passage((int(starts_a[a0]), int(ends_a[a1 - 1])), (int(starts_b[b0]), int(ends_b[b1 - 1])),
                                "verbatim", score))
    return _drop_contained(passages), mask_a, mask_b


def _drop_contained(passages: list[Passage]) -> list[Passage]:
    """Remove a passage lying inside a longer one on both sides, or inside one on either side when it
    is at most half as long: a phrase that recurs in one text re-matches, elsewhere in the other,
    words a longer passage already accounts for. (The match masks, and so coverage, keep every
    match; only the passages shown are pruned.)"""
    def length(p: Passage) -> int:
        return max(p.a[1] - p.a[0], p.b[1] - p.b[0])

    def inside(x: tuple[int, int], y: tuple[int, int]) -> bool:
        return y[0] <= x[0] and x[1] <= y[1]

    passages.sort(key=lambda p: (-length(p), p.a[0], p.b[0]))
    kept: list[Passage] = []
    # A passage can only lie inside a kept one that starts at most the longest kept span before it:
    # kept spans sorted by start on each side, looked up in that window (a page of thousands of
    # passages was quadratic here).
    by_start: tuple[list, list] = ([], [])
    widest = [0, 0]
    for p in passages:
        candidates: set[int] = set()
        for side, span in ((0, p.a), (1, p.b)):
            starts = by_start[side]
            lo = bisect.bisect_left(starts, (span[0] - widest[side], -1))
            hi = bisect.bisect_right(starts, (span[0], len(kept)))
            candidates.update(index for _, index in starts[lo:hi])
        if any((inside(p.a, kept[i].a) and inside(p.b, kept[i].b))
               or ((inside(p.a, kept[i].a) or inside(p.b, kept[i].b))
                   and length(p) <= 0.5 * min(kept[i].a[1] - kept[i].a[0], kept[i].b[1] - kept[i].b[0]))
               for i in candidates):
            continue
        for side, span in ((0, p.a), (1, p.b)):
            bisect.insort(by_start[side], (span[0], len(kept)))
            widest[side] = max(widest[side], span[1] - span[0])
        kept.append(p)
    kept.sort(key=lambda p: (p.a[0], p.b[0]))
    return kept


def covered_tokens(doc: Doc, spans: list[tuple[int, int]]) -> np.ndarray:
    """Boolean mask over the doc's tokens: which lie inside any of the character spans."""
    mask = np.zeros(len(doc), dtype=bool)
    if not spans or not len(doc):
        return mask
    starts = doc.starts
    for s, e in spans:
        lo = np.searchsorted(starts, s, side="left")
        hi = np.searchsorted(starts, e, side="left")
        mask[lo:hi] = True
    return mask


def monotone_matches(weights: np.ndarray) -> list[tuple[int, int]]:
    """The order-preserving set of (i, j) matches with the largest total positive weight
    (weighted longest common subsequence; cells with weight <= 0 are never taken)."""
    na, nb = weights.shape
    best = np.zeros((na + 1, nb + 1))
    move = np.zeros((na + 1, nb + 1), dtype=np.int8)  # 0 skip a, 1 skip b, 2 match
    for i in range(1, na + 1):
        wi = weights[i - 1]
        for j in range(1, nb + 1):
            skip_a, skip_b = best[i - 1, j], best[i, j - 1]
            take = best[i - 1, j - 1] + wi[j - 1] if wi[j - 1] > 0 else -1.0
            if take >= skip_a and take >= skip_b:
                best[i, j], move[i, j] = take, 2
            elif skip_a >= skip_b:
                best[i, j], move[i, j] = skip_a, 0
            else:
                best[i, j], move[i, j] = skip_b, 1
    matches = []
    i, j = na, nb
    while i > 0 and j > 0:
        m = move[i, j]
        if m == 2:
            matches.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif m == 0:
            i -= 1
        else:
            j -= 1
    matches.reverse()
    return matches
