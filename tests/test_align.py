"""Alignment rules a wrong comparison would break without the end-to-end tests noticing (found by
scripts/mutate.py on judge/passages.py): which shown passages are pruned, the tiny-copy rule, and the
order-preserving sentence matching."""

import numpy as np

import storytrace
from storytrace.judge.passages import _drop_contained, monotone_matches
from storytrace.model import Passage


def passage(a, b):
    return Passage(a, b, "verbatim", 1.0)


def test_a_passage_inside_a_longer_one_on_both_sides_is_not_shown_again():
    long = passage((0, 100), (0, 100))
    inner = passage((0, 20), (0, 20))            # shares the longer one's start: still inside
    tail = passage((80, 100), (80, 100))         # shares its end
    assert _drop_contained([inner, long, tail]) == [long]


def test_overlapping_but_not_contained_passages_are_both_shown():
    first = passage((0, 100), (0, 100))
    later = passage((90, 150), (200, 260))       # starts inside the first on side a, elsewhere on b
    assert _drop_contained([later, first]) == [first, later]


def test_a_phrase_recurring_elsewhere_is_pruned_only_when_short_beside_its_container():
    long = passage((0, 100), (0, 100))
    echo = passage((10, 40), (500, 530))         # inside on side a only, 30 <= half of 100: a recurring phrase
    rival = passage((10, 70), (600, 660))        # inside on side a only, but 60 > 50: its own passage
    assert _drop_contained([echo, rival, long]) == [long, rival]


def test_containment_uses_the_smaller_side_of_the_container():
    wide = passage((0, 200), (0, 40))            # long on a, short on b
    echo = passage((10, 40), (700, 730))         # inside on a only; 30 > half of 40
    assert _drop_contained([echo, wide]) == [wide, echo]


def test_tiny_texts_are_a_copy_only_when_the_same():
    assert storytrace.compare("Markets fell.", "Markets fell.")["relation"] == "duplicate"
    different = storytrace.compare("Markets fell.", "Storms hit.")
    assert different["relation"] == "unrelated" and different["passages"] == []


def test_monotone_matches_takes_the_heaviest_order_preserving_set():
    weights = np.array([[0.9, 0.0, 0.0],
                        [0.0, 0.0, 0.8],
                        [0.0, 0.7, 0.0]])
    # (1, 2) and (2, 1) cross: keep the heavier with (0, 0)
    assert monotone_matches(weights) == [(0, 0), (1, 2)]
    assert monotone_matches(np.array([[0.0, -1.0], [-0.5, 0.0]])) == []   # no positive weight, no match
    assert monotone_matches(np.full((2, 2), 0.5)) == [(0, 0), (1, 1)]     # ties: the diagonal
