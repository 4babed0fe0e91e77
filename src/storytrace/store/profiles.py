"""What judging needs of a stored article before it needs the article's text segmented: its key
terms, its sentence and word counts, and a fingerprint of its near-duplicate sketch. Kept in table
``profiles`` (one row an article, ~0.5 KB) so that a batch or a trace reads a stored candidate's
profile instead of segmenting its text.

Most candidate pairs (a batch of 1,000 into 73,000 synthetic articles: 4,777 of its 4,823) are
judged by the event model alone, which reads only these. Before, every stored candidate was
segmented and had its key terms made (a quarter of that batch's time under the profiler); now a
stored article is segmented only when a pair of it is aligned (``StoredPrepared.doc``, on first
use): a batch took 0.87 of the time (BENCHMARKS.md, "Stored articles read from their profiles").

The fingerprint keeps 16 bits of each of the sketch's bins. Two sketches sharing a bin have equal
fingerprints there, so unequal fingerprints everywhere prove that no bin is shared; where some are
equal (1 pair in ~500 of unrelated texts by chance) the sketch itself is made and compared. So
``shares_a_bin`` answers exactly as comparing the sketches does.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

from .. import thresholds as T
from ..encode.embed import DIMENSIONS
from ..index.features import Features, features_of
from ..model import Article, Doc
from ..text.fingerprint import key_terms
from ..text.prepared import Prepared
from ..text.segment import segment

_HEADER = struct.Struct("<BIII")  # format version, sentences, words, shingles
_VERSION = 1
_TERM_SEPARATOR = "\x1f"  # key terms are words and numbers: never this control character


@dataclass(frozen=True)
class Profile:
    terms: tuple[str, ...]
    sentences: int
    words: int            # alphanumeric tokens (Prepared.word_count)
    shingles: int         # 0: too short to sketch (such a text shares a bin with any, as _share_bins has it)
    fingerprint: np.ndarray  # (NEARDUP_BINS,) uint16: the low 16 bits of each sketch bin


def fingerprint(sketch: np.ndarray) -> np.ndarray:
    return (np.asarray(sketch, dtype=np.uint64) & np.uint64(0xFFFF)).astype(np.uint16)


def profile_of(p: Prepared, f: Features) -> Profile:
    return Profile(tuple(p.terms), p.sentence_count, p.word_count, int(f.shingles), fingerprint(f.sketch))


def pack(profile: Profile) -> bytes:
    terms = _TERM_SEPARATOR.join(profile.terms).encode("utf-8", "surrogatepass")
    return (_HEADER.pack(_VERSION, profile.sentences, profile.words, profile.shingles)
            + profile.fingerprint.astype("<u2").tobytes() + terms)


def unpack(blob: bytes) -> Profile:
    version, sentences, words, shingles = _HEADER.unpack_from(blob)
    if version != _VERSION:
        raise ValueError(f"profile of format {version}: this storytrace reads {_VERSION}")
    start = _HEADER.size
    end = start + 2 * T.NEARDUP_BINS
    terms = bytes(blob[end:]).decode("utf-8", "surrogatepass")
    return Profile(tuple(terms.split(_TERM_SEPARATOR)) if terms else (), sentences, words, shingles,
                   np.frombuffer(blob, dtype="<u2", count=T.NEARDUP_BINS, offset=start).astype(np.uint16))


def shares_a_bin(f: Features, profile: Profile, sketch_of) -> bool:
    """Whether ``f``'s sketch and the profiled article's share a bin (``sketch_of()``: the article's
    features, made only when the fingerprints cannot tell); a text too short to sketch shares one
    with any, as judging._share_bins has it."""
    if f.shingles == 0 or profile.shingles == 0:
        return True
    if not (fingerprint(f.sketch) == profile.fingerprint).any():
        return False
    return bool((f.sketch == sketch_of().sketch).any())


class StoredPrepared(Prepared):
    """A stored article as ``prepared.prepare`` would make it, its text segmented only when something
    reads ``doc``: the event model's pairs read the profile, the lead and the article record only."""

    def __init__(self, number: int, article: Article, profile: Profile, packed_lead: bytes) -> None:
        self.number, self._article, self.profile = number, article, profile
        self.terms = profile.terms
        self.packed_lead = packed_lead
        self._doc: Doc | None = None

    @property
    def doc(self) -> Doc:
        if self._doc is None:
            self._doc = segment(self._article)
        return self._doc

    @property
    def article(self) -> Article:
        return self._article

    @property
    def id(self) -> str:
        return self._article.id

    @property
    def segmented(self) -> bool:
        return self._doc is not None

    @property
    def sentence_count(self) -> int:
        return self.profile.sentences

    @property
    def word_count(self) -> int:
        return self.profile.words


def profiles_of_articles(articles: list[Article]) -> list[Profile]:
    """Profiles made from the texts (a store migrated from schema 4 has none): segmented, key terms,
    sketched, as ``add`` makes them. The lead is not needed (features_of only copies it)."""
    prepared = [Prepared(d, key_terms(d), np.zeros(DIMENSIONS, np.float32)) for d in map(segment, articles)]
    return [profile_of(p, f) for p, f in zip(prepared, features_of(prepared))]
