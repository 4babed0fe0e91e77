"""Content fingerprints of a document: hashed word n-grams and its rare terms (names, numbers).

Hashing is vectorised: each distinct word is hashed once (blake2b, stable across runs and
machines), then n-gram hashes are combined with numpy in one pass over the token array.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np

from ..model import Doc
from .vocab import PerWord

_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant: mixes positions into the n-gram hash


@lru_cache(maxsize=1 << 20)
def word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


# each word's hash, by word id: a document's token hashes are one lookup, so they need not be kept
_WORD_HASHES = PerWord(word_hash, np.uint64)


def token_hashes(doc: Doc) -> np.ndarray:
    return _WORD_HASHES[doc.words]


def ngram_hashes(hashes: np.ndarray, n: int) -> np.ndarray:
    """Hash of each run of ``n`` consecutive tokens: element i covers tokens i .. i+n-1."""
    if len(hashes) < n:
        return np.zeros(0, dtype=np.uint64)
    out = hashes[: len(hashes) - n + 1].copy()
    with np.errstate(over="ignore"):
        for k in range(1, n):
            out = out * _MULTIPLIER + hashes[k : len(hashes) - n + 1 + k]
        # final avalanche so that sampling on low bits is unbiased
        out ^= out >> np.uint64(31)
        out *= _MULTIPLIER
        out ^= out >> np.uint64(29)
    return out


def sampled_ngrams(hashes: np.ndarray, n: int, modulus: int) -> np.ndarray:
    """Distinct n-gram hashes whose value is 0 modulo ``modulus``: a content-defined sample that two
    copies of a passage keep alike, so an index of the sample finds shared passages at 1/modulus the cost."""
    grams = ngram_hashes(hashes, n)
    if modulus > 1:
        grams = grams[(grams % np.uint64(modulus)) == 0]
    return np.unique(grams)


def key_terms(doc: Doc) -> tuple[str, ...]:
    """Names and numbers: capitalised words not opening a sentence, and tokens with digits, sorted.
    Shared key terms are the cheap signal that two articles speak of the same actors and facts. A
    tuple, not a set: a batch run holds every article's (a set of 40 terms takes 2.4 KB, the tuple 0.4)."""
    text = doc.article.text
    openers = {s.first_token for s in doc.sentences}
    terms = set()
    for i, (norm, start) in enumerate(zip(doc.norms, doc.starts.tolist())):
        first = text[start]
        if first.isdigit() or (first.isupper() and len(norm) > 1 and i not in openers):
            terms.add(norm)
    return tuple(sorted(terms))
