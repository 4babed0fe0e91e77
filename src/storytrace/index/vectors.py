"""Nearest lead vectors: all at once for a batch (``self_join``: blocked matrix products,
candidate_pairs.vector_neighbour_candidates), or one new article at a time (``insert`` / ``query``).

The batch pairs i and j when either is among the other's VECTOR_NEIGHBOURS nearest (cosine at
least MIN_ARTICLE_COSINE). For a newcomer that is: a stored article among its nearest, or the
newcomer among a stored article's nearest, i.e. closer to it than its current k-th neighbour
(its *floor*; below k neighbours, anything enters). Each stored vector keeps its top cosines so
the floor can be moved when a newcomer enters. The scan is an exact product with every stored
vector.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from .. import thresholds as T
from ..encode.embed import DIMENSIONS
from ..encode.leads import unpack_many
from .candidate_pairs import PackedRows, vector_neighbour_candidates
from .features import Features
from .vector_rows import VectorRows

OPEN = -2.0  # the floor of a vector with fewer than k neighbours: any newcomer is among them
# Ties enter: copies of one text have equal lead vectors, and the batch's top-k ranks equal cosines
# by article index, which an index filled article by article cannot know in advance; cosines also
# differ in the last float32 bits between a matrix product and a matrix-vector one. So the index
# gives the batch's pairs plus those within TIE of a k-th cosine.
TIE = 1e-5


# A batch's articles (``expect``) take their cosines with the vectors stored before them in matrix
# products of this many rows instead of one matrix-vector scan each: the same sums, read from memory
# once a block instead of once an article (at 200,000 stored vectors a scan reads 300 MB). 64 rows
# against 200,000 vectors hold 51 MB of cosines.
EXPECTED_BLOCK = 64


class _Expected:
    """The leads of a batch about to be queried and inserted in this order (as ``leads.pack`` keeps
    them), and the cosines of the current block of them with every vector stored before the block."""

    def __init__(self, packed: list[bytes], stored: int) -> None:
        self.packed, self.stored = packed, stored
        self.matrix = unpack_many(packed, DIMENSIONS)
        self.first = -1  # the block's first article (-1: none computed)
        self.before = self.within = None

    def similarities(self, k: int, packed: bytes, matrix: VectorRows) -> np.ndarray | None:
        """Cosines of article k of the batch (its lead ``packed``) with the ``matrix`` rows (the
        stored vectors and the batch's first k), or None when this is not what was expected. The
        check is on the lead's bytes: ``Features.lead`` unpacks a new array at each call."""
        if k >= len(self.packed) or self.packed[k] != packed or len(matrix) != self.stored + k:
            return None
        first = k - k % EXPECTED_BLOCK
        if first != self.first:
            block = self.matrix[first:first + EXPECTED_BLOCK]
            self.before = matrix.products(block, self.stored + first)
            self.within = block @ block.T
            self.first = first
        return np.r_[self.before[k - first], self.within[k - first, :k - first]].astype(np.float32, copy=False)


class VectorIndex:
    def __init__(self, storage) -> None:
        self.storage = storage
        self._expected: _Expected | None = None
        self._next = 0

    @contextmanager
    def expecting(self, features: list[Features]):
        """Within the block, the batch of these features is queried and inserted one by one in this
        order: each takes its cosines from a block's matrix product (EXPECTED_BLOCK). A query that
        is not the next expected one scans as usual."""
        self._expected = _Expected([f.packed_lead for f in features], len(self.storage.vectors()[0]))
        self._next = 0
        try:
            yield
        finally:
            self._expected = None

    def load(self) -> None:
        """Read the stored vectors now, if they are not held yet: a cold trace reads them while
        the encoder makes its lead, instead of after."""
        self.storage.vectors()

    @staticmethod
    def self_join(features: list[Features]) -> np.ndarray:
        """Pairs (i < j) of a batch among each other's nearest lead vectors."""
        if not features:
            return np.zeros((0, 2), dtype=np.int64)
        return vector_neighbour_candidates(PackedRows([f.packed_lead for f in features], DIMENSIONS))

    # (packed lead, stored count, similarities): insert right after query reuses the scan. Keyed on
    # the lead's bytes (an equal lead has equal cosines), not on an array Features.lead makes anew.
    _last: tuple | None = None

    def _similarities(self, features: Features) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        owners, matrix, floors = self.storage.vectors()
        packed, last = features.packed_lead, self._last
        if last is not None and last[0] == packed and last[1] == len(owners):
            return owners, last[2], floors
        sims = None
        if self._expected is not None:
            sims = self._expected.similarities(self._next, packed, matrix)
            if sims is not None:
                self._next += 1
        if sims is None:
            sims = matrix.cosines(packed)
        self._last = (packed, len(owners), sims)
        return owners, sims, floors

    def _top(self, sims: np.ndarray) -> tuple[np.ndarray, float]:
        """_top_and_floor of the last scan's cosines, once for its query and its insert."""
        last = self._last
        if len(last) == 3 or last[2] is not sims:
            last = self._last = (*last[:3], _top_and_floor(sims))
        return last[3]

    def query(self, features: Features) -> list[int]:
        owners, sims, floors = self._similarities(features)
        if not len(owners):
            return []
        top, _ = self._top(sims)
        kth = top[-1]  # the k-th largest cosine (k = VECTOR_NEIGHBOURS, or every stored one below k)
        close = ((sims >= kth - TIE) | (sims >= floors - TIE)) & (sims >= T.MIN_ARTICLE_COSINE)
        return sorted(owners[close].tolist())

    def insert(self, owner: int, features: Features) -> None:
        owners, sims, floors = self._similarities(features)
        entering = np.flatnonzero(sims >= floors - TIE)
        updates = {}
        for o, top, s in zip(owners[entering].tolist(), self.storage.tops(owners[entering].tolist()),
                             sims[entering].tolist()):
            updates[o] = _top_and_floor(np.r_[top, np.float32(s)])
        self.storage.set_tops(updates)
        top, floor = self._top(sims)
        self.storage.add_vector(owner, features.packed_lead, top, floor)


def _top_and_floor(cosines: np.ndarray) -> tuple[np.ndarray, float]:
    """The VECTOR_NEIGHBOURS largest cosines, largest first, and the floor they make. A partition
    first: the k largest of 200,000 stored cosines without sorting all of them (a full sort was a
    tenth of an ``add`` batch at 200,000 articles); the same values a full sort's head holds."""
    cosines = cosines.astype(np.float32, copy=False)
    k = T.VECTOR_NEIGHBOURS
    if len(cosines) > k:
        cosines = np.partition(cosines, len(cosines) - k)[len(cosines) - k:]
    top = np.sort(cosines)[::-1]
    return top, float(top[-1]) if len(top) == k else OPEN
