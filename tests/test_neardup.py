"""The vectorized near-duplicate stage: word hashing, shingle sketches, Jaccard estimates, banding."""

from __future__ import annotations

import random

import numpy as np

from storytrace.text.neardup import band_pairs, estimated_jaccard, shingle_hashes, sketch, word_hashes

WORDS = ("harbour council vote ferry fares rise winter storm closed pier fishermen said mayor budget "
         "repairs million euros tuesday night engineers report crane contract bid tender").split()


def _article(rng: random.Random, n: int = 300) -> str:
    sentences = []
    while sum(len(s.split()) for s in sentences) < n:
        sentences.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + ".")
    return " ".join(sentences)


def _exact_jaccard(a: str, b: str) -> float:
    hashes, offsets = word_hashes([a, b])
    shingles, owner = shingle_hashes(hashes, offsets, 5)
    x, y = set(shingles[owner == 0].tolist()), set(shingles[owner == 1].tolist())
    return len(x & y) / len(x | y)


def test_word_hashes_ignore_case_and_punctuation_and_split_texts():
    hashes, offsets = word_hashes(["Hello, World!", "", "hello world", "no-words?"])
    assert offsets.tolist() == [0, 2, 2, 4, 6]
    assert hashes[0] == hashes[2] and hashes[1] == hashes[3]
    assert hashes[0] != hashes[1]


def test_shingles_never_cross_from_one_text_into_the_next():
    hashes, offsets = word_hashes(["one two three four five six", "seven eight", "a b c d e"])
    _, owner = shingle_hashes(hashes, offsets, 5)
    assert owner.tolist() == [0, 0, 2]


def test_copies_versions_and_strangers():
    rng = random.Random(7)
    original = _article(rng)
    words = original.split()
    version = " ".join(words[:200] + [rng.choice(WORDS) for _ in range(40)] + words[240:])
    stranger = _article(random.Random(99))
    texts = [original, original.upper().replace(" ", "  "), version, stranger]
    sk = sketch(texts)
    assert estimated_jaccard(sk.values[0], sk.values[1]) == 1.0
    estimate = float(estimated_jaccard(sk.values[0], sk.values[2]))
    assert abs(estimate - _exact_jaccard(original, version)) < 0.12
    assert float(estimated_jaccard(sk.values[0], sk.values[3])) < 0.1
    pairs = {tuple(p) for p in band_pairs(sk).tolist()}
    assert (0, 1) in pairs and (0, 2) in pairs and (1, 2) in pairs
    assert not any(3 in p for p in pairs)


def test_sketches_do_not_depend_on_batching_and_short_texts_stay_out():
    rng = random.Random(3)
    texts = [_article(rng, 80) for _ in range(7)] + ["too short", ""]
    whole, parts = sketch(texts), sketch(texts, batch=2)
    assert np.array_equal(whole.values, parts.values)
    assert whole.shingles[-1] == whole.shingles[-2] == 0
    assert not any(i >= 7 for p in band_pairs(whole).tolist() for i in p)


def test_hundreds_of_copies_stay_linked_at_linear_cost():
    text = _article(random.Random(5))
    pairs = band_pairs(sketch([text] * 150 + [_article(random.Random(6))]), max_bucket=100)
    assert len(pairs) == 149 and set(pairs[:, 0].tolist()) == {0}


def test_sketches_from_pipeline_word_hashes_match_the_text_path():
    from storytrace.text.neardup import sketch_word_hashes

    texts = [_article(random.Random(s), 60) for s in range(4)]
    hashes, offsets = word_hashes(texts)
    per_text = [hashes[offsets[i]:offsets[i + 1]] for i in range(len(texts))]
    assert np.array_equal(sketch_word_hashes(per_text).values, sketch(texts).values)
