"""The judging steps ``add`` and ``trace`` share: the stored articles they segment (held until
compared), the filter that keeps the candidates found by meaning as ``analyze`` keeps them, and
``compare_many`` over new and stored articles together."""

from __future__ import annotations

import numpy as np

from .. import thresholds as T
from ..engine.processes import default_processes
from ..judge import compare_many
from ..judge.batch import needs_alignment
from ..model import Pair
from . import stats
from .profiles import shares_a_bin
from .store import Store


class Segmented:
    """The stored articles a batch (or a trace) has segmented (Store.prepared), held until they are
    compared: a batch's candidates can outnumber Store.PREPARED_CACHE, which then dropped some
    between the TF-IDF filter (their sketches) and the comparison, to be segmented again.
    compare_many holds all of them at once anyway."""

    def __init__(self, store: Store) -> None:
        self.store, self.held = store, {}

    def prepared(self, numbers: list[int]) -> list:
        missing = [n for n in numbers if n not in self.held]
        self.held.update(zip(missing, self.store.prepared(missing)))
        return [self.held[n] for n in numbers]

    def sketch(self, number: int):
        return self.store.sketch(number, self.prepared)

    def docs(self, *more) -> dict:
        """The segmented articles held, and ``more`` docs, by article id: what find_claims would
        otherwise segment again (those read from their profiles only are not segmented for it)."""
        return {d.id: d for d in [*(p.doc for p in self.held.values() if p.segmented), *more]}


def meaning_kept(store: Store, p, f, meaning: list[int], batch: dict, weights: stats.Weights,
                 segmented: Segmented) -> list[tuple[int, bool]]:
    """The candidates found by names or vectors that pipeline.candidate_pairs keeps: sharing
    MIN_CANDIDATE_TFIDF of rarity-weighted vocabulary, the new article's strongest
    MEANING_CANDIDATES_PER_ARTICLE, each with whether they share a sketch bin (then they are
    aligned verbatim too). The batch also bounds the other side's count, giving the slots strongest
    first over the whole corpus; the store, which cannot know what will come, does not (README)."""
    if not meaning:
        return []
    mine = weights.vector(p.doc)
    bags = store.bag_rows([o for o in meaning if o not in batch])
    # every candidate's words weighed at once: one SELECT of document frequencies, not one a
    # candidate; a candidate with its row made already (met by an earlier article of the batch) has
    # its words weighed: not gathered again
    weights.of_bags(bags.values())
    rows = [weights.vector(batch[o][0].doc) if o in batch else weights.row(bags[o]) for o in meaning]
    scored = sorted(((stats.cosine(mine, row), o) for o, row in zip(meaning, rows)), key=lambda s: (-s[0], s[1]))
    kept = [o for cos, o in scored if cos >= T.MIN_CANDIDATE_TFIDF][:T.MEANING_CANDIDATES_PER_ARTICLE]
    stored_ids = [o for o in kept if o not in batch]
    stored = dict(zip(stored_ids, segmented.prepared(stored_ids)))  # read together: one SELECT
    # a stored article's from its profile: sketched only when the fingerprints cannot tell
    return [(o, _share_bins(f, batch[o][1]) if o in batch
             else shares_a_bin(f, stored[o].profile, lambda o=o: segmented.sketch(o)))
            for o in kept]


def _share_bins(a, b) -> bool:
    """pipeline._share_sketch_bins for one pair: one equal sketch bin, or a text too short to sketch."""
    if a.shingles == 0 or b.shingles == 0:
        return True
    return bool((a.sketch == b.sketch).any())


def compare_members(store: Store, batch: dict, pairs, weights: stats.Weights, processes: int | None,
                     segmented: Segmented) -> list[Pair]:
    """compare_many over the candidate pairs (numbers; ``batch``: number -> Prepared of those not
    stored yet), each pair (a, b) with a's id before b's, as analyze has them."""
    if not pairs:
        return []
    involved = sorted({n for a, b, _ in pairs for n in (a, b)})
    stored = iter(segmented.prepared([n for n in involved if n not in batch]))
    members = [batch[n] if n in batch else next(stored) for n in involved]
    row = {n: k for k, n in enumerate(involved)}
    rows = []
    for a, b, _ in pairs:
        i, j = row[a], row[b]
        rows.append((i, j) if members[i].id < members[j].id else (j, i))
    # TF-IDF rows from the stored bags of words (the rows segmenting would give, not segmenting)
    bags = store.bag_rows([n for n in involved if n not in batch])
    tfidf = [weights.vector(batch[n].doc) if n in batch else weights.row(bags[n]) for n in involved]
    cosines = np.array([stats.cosine(tfidf[i], tfidf[j]) for i, j in rows])
    shares = np.array([s for *_, s in pairs], dtype=bool)
    rows = np.array(rows, dtype=np.int64)
    # only the pairs to align read their texts' words: their articles are segmented here, before
    # any worker is forked (the event model's pairs read profiles)
    aligned = sorted(set(rows[needs_alignment(members, members, rows, cosines, shares)].ravel().tolist()))
    weight = weights.of([members[k].doc for k in aligned])
    compared = compare_many(members, members, rows, cosines, shares, weight,
                            processes=processes or default_processes())
    return sorted((p for p in compared if p is not None), key=lambda p: (p.a, p.b))
