"""The fast furniture matcher answers exactly as trying every pattern in turn."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.text.clean import FURNITURE
from storytrace.text.fullmatch import FullMatcher

PATTERNS = [rx for _, rx, _ in FURNITURE]
MATCHER = FullMatcher(PATTERNS)


def _in_turn(patterns, text):
    return next((k for k, rx in enumerate(patterns) if rx.fullmatch(text)), None)


LINES = ["Advertisement", "ADVERTISEMENT", "Sign up for our newsletter", "Read more: Kyiv strikes back",
         "Photo: AP", "Copyright © 2023 The Associated Press. All rights reserved.", "Share this article",
         "The alliance met in Brussels on Thursday.", "Follow us on Twitter", "İSTANBUL — ADVERTİSEMENT",
         "(AP Photo/Efrem Lukatsky)", "x" * 500, ""]


def test_known_lines():
    hits = 0
    for line in LINES:
        assert MATCHER.first(line) == _in_turn(PATTERNS, line), line
        hits += MATCHER.first(line) is not None
    assert hits >= 3  # furniture lines are found, prose is not


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(LINES[:-2] + ["ad", " ", "AP", "©", "ı", "K", "Photo", ":", "—", "via"]),
                max_size=6).map(" ".join))
def test_composed_lines(text):
    assert MATCHER.first(text) == _in_turn(PATTERNS, text)


def test_patterns_the_shortcuts_cannot_read():
    patterns = [re.compile(r"(a)\1", re.I), re.compile(r".*end", re.I), re.compile(r"(?:yes|no)", re.I)]
    matcher = FullMatcher(patterns)
    for text in ["aa", "AA", "ab", "the end", "END", "yes", "No", "maybe", ""]:
        assert matcher.first(text) == _in_turn(patterns, text), text
