"""text/zipf.zipf_en gives wordfreq's zipf_frequency(word, "en") for every word: listed or not,
plain lowercase (its fast path) or anything else (wordfreq's own)."""

import random
import string

from wordfreq import iter_wordlist, zipf_frequency

from storytrace.text.zipf import zipf_en


def test_listed_words_agree_with_wordfreq():
    listed = list(iter_wordlist("en"))[::10]  # every 10th of the ~320,000 listed words, common to rare
    assert len(listed) > 30_000
    assert [w for w in listed if zipf_en(w) != zipf_frequency(w, "en")] == []


def test_unlisted_and_odd_words_agree_with_wordfreq():
    rng = random.Random(7)
    made_up = ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(1, 14))) for _ in range(5000)]
    odd = ["Kyiv", "don't", "café", "x1", "2024", "naïve", "’s", "", "a-b", "straße", "ﬁne", "ΑΘΗΝΑ", "东京", "e.g"]
    words = made_up + odd
    assert [w for w in words if zipf_en(w) != zipf_frequency(w, "en")] == []
    assert zipf_en("the") > 7 and zipf_en("qzxvbnm") == 0.0  # the fast path answers both kinds
