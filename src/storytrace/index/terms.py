"""Candidates sharing uncommon names and numbers: all at once for a batch (``self_join``:
candidate_pairs.shared_term_candidates), or one new article at a time (``insert`` / ``query``). A term held by more than MAX_TERM_OWNERS articles (the new one counted) is ignored."""

from __future__ import annotations


from .. import thresholds as T
import numpy as np

from .candidate_pairs import shared_term_candidates
from .postings import shared_counts
from .features import Features, term_keys


class TermIndex:
    def __init__(self, storage) -> None:
        self.storage = storage

    @staticmethod
    def self_join(features: list[Features]) -> np.ndarray:
        """Pairs (i < j) of a batch sharing enough uncommon names and numbers: one pass."""
        return shared_term_candidates([f.terms for f in features])

    def insert(self, owner: int, features: Features) -> None:
        self.storage.add_postings("terms", owner, term_keys(features.terms), most=T.MAX_TERM_OWNERS)

    def query(self, features: Features) -> list[int]:
        postings = self.storage.postings("terms", term_keys(features.terms), most=T.MAX_TERM_OWNERS - 1)
        owners, shared = shared_counts(postings, T.MAX_TERM_OWNERS)
        return owners[shared >= T.MIN_SHARED_KEY_TERMS].tolist()
