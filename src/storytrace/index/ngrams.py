"""Shared-text candidates from sampled word n-grams: all at once for a batch (``self_join``:
candidate_pairs.shared_text_candidates), or one new article at a time (``insert`` / ``query``). An n-gram held by more than MAX_NGRAM_DOCUMENT_FREQUENCY articles (the new one
counted) is boilerplate and ignored, as in the batch index."""

from __future__ import annotations


from .. import thresholds as T
import numpy as np

from .candidate_pairs import shared_text_candidates
from .postings import shared_counts
from .features import Features, as_keys


class NgramIndex:
    def __init__(self, storage) -> None:
        self.storage = storage

    @staticmethod
    def self_join(features: list[Features]) -> np.ndarray:
        """Pairs (i < j) of a batch sharing enough sampled n-grams: one vectorised pass."""
        return shared_text_candidates([f.sampled for f in features])

    def insert(self, owner: int, features: Features) -> None:
        self.storage.add_postings("ngrams", owner, as_keys(features.sampled), most=T.MAX_NGRAM_DOCUMENT_FREQUENCY)
        self.storage.set_value("ngrams", owner, len(features.sampled))

    def query(self, features: Features) -> list[int]:
        postings = self.storage.postings("ngrams", as_keys(features.sampled), most=T.MAX_NGRAM_DOCUMENT_FREQUENCY - 1)
        owners, shared = shared_counts(postings, T.MAX_NGRAM_DOCUMENT_FREQUENCY)
        # an owner sharing the full bar needs no size; only the others' sampled counts are read
        sure = shared >= T.MIN_SHARED_SAMPLED_NGRAMS
        maybe = np.flatnonzero(~sure)
        mine = len(features.sampled)
        # a short article shares few sampled n-grams even when copied whole: the bar scales down
        for k, size in zip(maybe.tolist(), self.storage.values("ngrams", owners[maybe].tolist())):
            sure[k] = shared[k] >= min(T.MIN_SHARED_SAMPLED_NGRAMS, max(1, min(mine, size) // 2))
        return owners[sure].tolist()
