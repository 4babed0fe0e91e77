"""The four candidate sources together, before the TF-IDF filter of the pairs found by meaning
(which needs the corpus's word weights). Two modes over the same four sources: ``self_join`` pairs a
whole batch at once (the engines' candidates stage, engine/pipeline.candidate_pairs), ``insert`` /
``query`` one article at a time (the store); tests/test_index.py holds them to the same pairs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .candidate_pairs import pair_difference, unique_pairs
from .bands import BandIndex
from .features import Features
from .ngrams import NgramIndex
from .terms import TermIndex
from .vectors import VectorIndex


@dataclass
class Candidates:
    text: list[int]     # share text: sampled n-grams or a near-duplicate band (always compared)
    meaning: list[int]  # not those, but names and numbers or lead vectors in common (filtered by TF-IDF)


class CandidateIndex:
    def __init__(self, storage) -> None:
        self.storage = storage
        self.ngrams, self.bands = NgramIndex(storage), BandIndex(storage)
        self.terms, self.vectors = TermIndex(storage), VectorIndex(storage)

    def insert(self, owner: int, features: Features) -> None:
        for index in (self.ngrams, self.bands, self.terms, self.vectors):
            index.insert(owner, features)

    @staticmethod
    def self_join(features: list[Features]) -> tuple[np.ndarray, np.ndarray]:
        """(text pairs, meaning pairs) of a batch, each (m, 2) with i < j, sorted; meaning pairs
        exclude the text pairs, as ``query`` gives them."""
        text = CandidateIndex.text_self_join(features)
        return text, CandidateIndex.meaning_self_join(features, text)

    @staticmethod
    def text_self_join(features: list[Features]) -> np.ndarray:
        """``self_join``'s text pairs: sampled n-grams and near-duplicate bands (a batch's first
        half, after which it needs neither: engine/pipeline.candidate_stage lets them go)."""
        n = max(len(features), 1)
        return unique_pairs(np.r_[NgramIndex.self_join(features), BandIndex.self_join(features)], n)

    @staticmethod
    def meaning_self_join(features: list[Features], text: np.ndarray) -> np.ndarray:
        """``self_join``'s meaning pairs (names and lead vectors, less the ``text`` pairs): they
        read only each article's terms and lead vector."""
        n = max(len(features), 1)
        meaning = np.r_[TermIndex.self_join(features), VectorIndex.self_join(features)]
        return pair_difference(meaning, text, n)

    def query(self, features: Features) -> Candidates:
        return self.with_lead(*self.query_text(features), features)

    def query_text(self, features: Features) -> tuple[set[int], set[int]]:
        """What ``query`` finds before it needs the lead vector: (those sharing text, those sharing
        names and numbers)."""
        text = set(self.ngrams.query(features)) | set(self.bands.query(features))
        return text, set(self.terms.query(features))

    def with_lead(self, text: set[int], terms: set[int], features: Features) -> Candidates:
        """``query``'s answer from ``query_text``'s and the lead vector's nearest."""
        return Candidates(sorted(text), sorted((terms | set(self.vectors.query(features))) - text))
