"""English Zipf frequencies (wordfreq's ``zipf_frequency(word, "en")``) without its tokenizer for
plain words.

wordfreq normalises and tokenizes every word it is asked about (Unicode normalisation, a large
regular expression, case folding): about 14 µs a word, and a trace weighs a few hundred words new
to the process (the stored candidates' vocabulary). For a word of lowercase ASCII letters only,
those steps give the word back unchanged, so its frequency is a dictionary lookup followed by
wordfreq's own arithmetic, repeated here step for step (wordfreq 3.1, ``_word_frequency`` and
``zipf_frequency``; tests/test_zipf.py checks the two agree word for word). Anything else goes to
wordfreq.
"""

from __future__ import annotations

import math
import re

from wordfreq import get_frequency_dict, zipf_frequency, zipf_to_freq

_PLAIN = re.compile(r"[a-z]+")
_FREQUENCIES: dict[str, float] | None = None
_MINIMUM = zipf_to_freq(0.0)  # zipf_frequency's default floor


def zipf_en(word: str) -> float:
    """``wordfreq.zipf_frequency(word, "en")``, the same number."""
    global _FREQUENCIES
    if not _PLAIN.fullmatch(word):
        return zipf_frequency(word, "en")
    if _FREQUENCIES is None:
        _FREQUENCIES = get_frequency_dict("en", "best")
    frequency = _FREQUENCIES.get(word)
    if frequency is None:
        value = _MINIMUM  # a word not listed: wordfreq returns its floor as it is
    else:
        unrounded = max(1.0 / (0.0 + 1.0 / frequency), _MINIMUM)  # its 1/f sum over the one token
        value = round(unrounded, math.floor(-math.log(unrounded, 10)) + 3)  # 3 significant digits
    return round(math.log(value, 10) + 9, 2)
