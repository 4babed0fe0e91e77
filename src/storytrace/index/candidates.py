"""The four candidate sources together: what ``pipeline.candidate_pairs`` starts from for a pair,
before its TF-IDF filter (which needs the corpus's word weights: the store's job)."""

from __future__ import annotations

from dataclasses import dataclass

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

    def query(self, features: Features) -> Candidates:
        text = set(self.ngrams.query(features)) | set(self.bands.query(features))
        meaning = (set(self.terms.query(features)) | set(self.vectors.query(features))) - text
        return Candidates(sorted(text), sorted(meaning))
