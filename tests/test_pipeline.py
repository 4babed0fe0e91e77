"""The core engine end to end: the example corpus and small texts written for the tests."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import storytrace

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "nato-kyiv"
TEXTS = Path(__file__).with_name("texts")

AP_LATER, AP_EARLIER, REWRITE, OTHER_EVENT, INDEPENDENT = (
    "000_a37f6e7e984c68d0", "001_5e393ba31e1ed629", "002_5985c9d0a73851b2", "003_811dcac62ff5ac35",
    "004_77716409017abaf9")


def relation(result: dict, a: str, b: str) -> str | None:
    for p in result["pairs"]:
        if {p["a"], p["b"]} == {a, b}:
            return p["relation"]
    return None


def story_sets(result: dict) -> set[frozenset[str]]:
    return {frozenset(s["articles"]) for s in result["stories"]}


@pytest.fixture(scope="module")
def corpus() -> dict:
    return storytrace.analyze([CORPUS])


def test_corpus_versions_of_the_ap_story(corpus):
    assert relation(corpus, AP_LATER, AP_EARLIER) == "version"


def test_corpus_rewrite_and_its_best_source(corpus):
    assert relation(corpus, AP_LATER, REWRITE) == "rewrite"
    article = next(a for a in corpus["articles"] if a["id"] == REWRITE)
    assert article["sources"], "the rewrite must have a source"
    assert article["sources"][0]["id"] == AP_LATER


def test_corpus_independent_report_is_same_event(corpus):
    for other in (AP_LATER, AP_EARLIER, REWRITE):
        assert relation(corpus, INDEPENDENT, other) == "same_event", other


def test_corpus_other_event_only_related(corpus):
    for other in (AP_LATER, AP_EARLIER, REWRITE, INDEPENDENT):
        assert relation(corpus, OTHER_EVENT, other) in ("related", None), other
    assert any(relation(corpus, OTHER_EVENT, o) == "related" for o in (AP_LATER, AP_EARLIER, REWRITE, INDEPENDENT))


def test_corpus_stories(corpus):
    assert story_sets(corpus) == {frozenset({AP_LATER, AP_EARLIER, REWRITE, INDEPENDENT}), frozenset({OTHER_EVENT})}


def test_corpus_passage_offsets_slice_aligned_words(corpus):
    texts = {p.stem: p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt")}
    checked = 0
    for pair in corpus["pairs"]:
        for passage in pair["passages"]:
            (a0, a1), (b0, b1) = passage["a"], passage["b"]
            sa, sb = texts[pair["a"]][a0:a1], texts[pair["b"]][b0:b1]
            assert sa and sb and sa == sa.strip() and sb == sb.strip()
            if passage["kind"] == "verbatim" and passage["score"] == 1.0:
                # an exact passage: the same words on both sides (case and quote style aside)
                assert _words(sa) == _words(sb)
                checked += 1
    assert checked > 0


def _words(text: str) -> list[str]:
    from storytrace.text.segment import tokenize

    return [t.norm for t in tokenize(text)]


def _article(name: str, published: str | None = None) -> dict:
    return {"id": name, "text": (TEXTS / f"{name}.txt").read_text(encoding="utf-8"), "published": published}


def test_one_reworded_paragraph_makes_a_version():
    result = storytrace.analyze([_article("harbour_original"), _article("harbour_version")])
    assert relation(result, "harbour_original", "harbour_version") == "version"


def test_sentence_by_sentence_paraphrase_is_a_rewrite_with_the_right_source():
    result = storytrace.analyze([_article("harbour_rewrite", "2024-05-08T10:00:00"),
                                 _article("harbour_original", "2024-05-07T18:00:00")])
    pair = next(p for p in result["pairs"])
    assert pair["relation"] == "rewrite"
    assert pair["source"] == "harbour_original" and pair["derived"] == "harbour_rewrite"
    assert pair["coverage"]["a"]["paraphrase"] + pair["coverage"]["b"]["paraphrase"] > 0.8


def test_different_subjects_share_no_story():
    result = storytrace.analyze([_article("harbour_original"), _article("orchard_unrelated")])
    assert result["pairs"] == []
    assert story_sets(result) == {frozenset({"harbour_original"}), frozenset({"orchard_unrelated"})}


def test_shuffled_input_gives_the_same_stories(corpus):
    paths = sorted(CORPUS.glob("*.txt"))
    random.Random(7).shuffle(paths)
    shuffled = storytrace.analyze(paths)
    assert shuffled["stories"] == corpus["stories"]
    assert [(p["a"], p["b"], p["relation"]) for p in shuffled["pairs"]] == \
           [(p["a"], p["b"], p["relation"]) for p in corpus["pairs"]]


def test_compare_two_sentences():
    pair = storytrace.compare("The company said its profits rose 5% in the third quarter.",
                              "Profits at the company increased by 5% during the third quarter, it said.")
    assert pair["relation"] == "rewrite"  # re-worded: neither the same words (duplicate) nor an edit (version)
    assert 0.0 <= pair["similarity"] <= 1.0
    unrelated = storytrace.compare("The company said its profits rose 5% in the third quarter.",
                                   "Heavy snow closed the mountain pass for three days.")
    assert unrelated["relation"] == "unrelated"
    assert unrelated["similarity"] < pair["similarity"]


def test_compare_identical_texts_is_duplicate_with_full_passage():
    text = (TEXTS / "harbour_original.txt").read_text(encoding="utf-8")
    pair = storytrace.compare(text, text)
    assert pair["relation"] == "duplicate"
    assert pair["similarity"] > 0.95
    assert pair["coverage"]["a"]["verbatim"] > 0.99


def test_single_article_and_unrelated_corpus_give_no_pairs(tmp_path):
    assert storytrace.analyze([_article("orchard_unrelated")])["pairs"] == []
    snow = {"id": "snow", "text": "Heavy snow closed the mountain pass for three days, and the ski resorts at "
                                  "its foot reported their best week of the season."}
    unrelated = storytrace.analyze([_article("orchard_unrelated"), _article("harbour_original"), snow])
    assert unrelated["pairs"] == []
    assert sorted(len(s["articles"]) for s in unrelated["stories"]) == [1, 1, 1]


def test_tiny_and_empty_texts():
    """Texts too short for seeds or sketches are still copies when identical; an empty text is
    related to nothing."""
    pairs = storytrace.analyze([{"id": "a", "text": "Hi."}, {"id": "b", "text": "Hi."}])["pairs"]
    assert [p["relation"] for p in pairs] == ["duplicate"]
    assert storytrace.compare("Markets fell.", "markets fell!")["relation"] == "duplicate"
    assert storytrace.compare("", "Markets fell.")["relation"] == "unrelated"
