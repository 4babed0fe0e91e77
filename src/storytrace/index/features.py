"""What the indexes need of a prepared article: its sampled n-grams, near-duplicate sketch, key
terms and lead vector, computed exactly as pipeline.candidate_pairs computes them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from .. import thresholds as T
from ..encode.embed import DIMENSIONS
from ..encode.leads import unpack
from ..text.fingerprint import sampled_ngrams
from ..text.neardup import Sketches, band_keys, sketch_word_hashes


@dataclass
class Features:
    sampled: np.ndarray   # distinct sampled word n-gram hashes (uint64)
    sketch: np.ndarray    # near-duplicate sketch row (NEARDUP_BINS uint64)
    shingles: int         # shingles the sketch was made of (0: the text is too short for one)
    terms: tuple[str, ...]  # uncommon names and numbers (fingerprint.key_terms)
    packed_lead: bytes    # title + lead vector, as Prepared keeps it (leads.pack: 388 bytes, not 1,536)

    @property
    def lead(self) -> np.ndarray:
        """The lead vector (float32, unit length)."""
        return unpack(self.packed_lead, DIMENSIONS)

    @property
    def bands(self) -> np.ndarray:
        return band_keys(self.sketch[None, :], T.NEARDUP_BANDS, T.NEARDUP_ROWS)[0]


_BATCH = 256  # articles whose token hashes are looked up at once (8 bytes a token, not kept)


def features_of(prepared: list) -> list[Features]:
    """Features of ``prepared.Prepared`` articles, a batch at a time (sketched together: the same
    values one by one)."""
    out: list[Features] = []
    for first in range(0, len(prepared), _BATCH):
        batch = prepared[first:first + _BATCH]
        hashes = [p.hashes for p in batch]
        sketches = sketch_word_hashes(hashes, T.SHINGLE_WORDS, T.NEARDUP_BINS)
        out += [Features(sampled_ngrams(h, T.SHINGLE_WORDS, T.NGRAM_SAMPLE_MODULUS), sketches.values[k],
                         int(sketches.shingles[k]), p.terms, p.packed_lead)
                for k, (p, h) in enumerate(zip(batch, hashes))]
    return out


def sketches_of(features: list[Features]) -> Sketches:
    """The near-duplicate sketches of many articles' features, as ``sketch_word_hashes`` gives them."""
    if not features:
        return Sketches(np.zeros((0, T.NEARDUP_BINS), np.uint64), np.zeros(0, np.int64))
    return Sketches(np.stack([f.sketch for f in features]), np.array([f.shingles for f in features], np.int64))


def as_keys(values: np.ndarray) -> np.ndarray:
    """uint64 hashes as the signed 64-bit integers SQLite stores (the same bits)."""
    return np.ascontiguousarray(values, dtype=np.uint64).view(np.int64)


def term_keys(terms: set[str]) -> np.ndarray:
    """Terms as 64-bit keys (blake2b: stable across processes, unlike hash())."""
    return np.array(sorted(int.from_bytes(hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                                          "little", signed=True) for t in terms), dtype=np.int64)
