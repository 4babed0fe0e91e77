"""The stored profile of an article (store/profiles.py): what the event model's pairs read instead
of segmenting a stored article, and the sketch fingerprint that must never say "no shared bin" when
two sketches share one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from storytrace import thresholds as T
from storytrace.index import features_of
from storytrace.ingest import read_inputs
from storytrace.store.profiles import Profile, StoredPrepared, pack, profiles_of_articles, shares_a_bin, unpack
from storytrace.text.prepared import prepare

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "nato-kyiv"


def _sketches(rng, n, equal_bins):
    a = rng.integers(0, 2 ** 63, size=(n, T.NEARDUP_BINS), dtype=np.uint64)
    b = rng.integers(0, 2 ** 63, size=(n, T.NEARDUP_BINS), dtype=np.uint64)
    for k, shared in enumerate(equal_bins):
        b[k, shared] = a[k, shared]
    return a, b


class _Sketched:
    def __init__(self, sketch, shingles=40):
        self.sketch, self.shingles = sketch, shingles


def test_shares_a_bin_answers_as_comparing_the_sketches():
    rng = np.random.default_rng(5)
    n = 400
    equal = [rng.choice(T.NEARDUP_BINS, size=int(rng.integers(0, 3)), replace=False) for _ in range(n)]
    a, b = _sketches(rng, n, equal)
    # sketches equal in the fingerprint's 16 bits only: the fingerprints cannot tell, the sketch does
    low = rng.choice(n, size=50, replace=False)
    b[low, 7] = (a[low, 7] & np.uint64(0xFFFF)) | (b[low, 7] & ~np.uint64(0xFFFF))
    read = []
    for x, y in zip(a, b):
        profile = Profile((), 3, 60, 40, (y & np.uint64(0xFFFF)).astype(np.uint16))
        answer = shares_a_bin(_Sketched(x), profile, lambda y=y: read.append(1) or _Sketched(y))
        assert answer == bool((x == y).any())
    # the sketch was made only where the fingerprints matched somewhere, not for every pair
    assert 0 < len(read) < n


@pytest.mark.parametrize("mine, theirs", [(0, 40), (40, 0)])
def test_a_text_too_short_to_sketch_shares_a_bin_with_any(mine, theirs):
    rng = np.random.default_rng(1)
    a, b = _sketches(rng, 1, [[]])
    profile = Profile((), 1, 4, theirs, (b[0] & np.uint64(0xFFFF)).astype(np.uint16))
    assert shares_a_bin(_Sketched(a[0], mine), profile, lambda: pytest.fail("no sketch needed"))


def test_profiles_round_trip_and_hold_what_the_event_model_reads():
    articles = read_inputs([EXAMPLE]).articles
    prepared = prepare(articles)
    features = features_of(prepared)
    profiles = profiles_of_articles(articles)
    for p, f, profile, article in zip(prepared, features, profiles, articles):
        assert unpack(pack(profile)).terms == profile.terms == p.terms
        back = unpack(pack(profile))
        assert (back.sentences, back.words, back.shingles) == (len(p.doc.sentences), int(p.doc.alphanumeric.sum()),
                                                              f.shingles)
        assert back.fingerprint.tolist() == (f.sketch & np.uint64(0xFFFF)).tolist()
        stored = StoredPrepared(1, article, back, p.packed_lead)
        assert (stored.id, stored.sentence_count, stored.word_count, stored.terms) == \
            (p.id, p.sentence_count, p.word_count, p.terms)
        assert not stored.segmented
        assert stored.doc.words.tolist() == p.doc.words.tolist() and stored.segmented
    with pytest.raises(ValueError, match="profile of format 9"):
        unpack(bytes([9]) + pack(profiles[0])[1:])
