"""Claims: quotes with speakers, figures and hedges compared across a story (issue 12).

The example corpus's known cases first (five real articles on one event), then small texts
written for the test, each of which fails if its rule breaks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storytrace.claims import find_claims, mentions_of
from storytrace.claims.compare import grade_quote
from storytrace.claims.numbers import figures
from storytrace.ingest import read_inputs
from storytrace.model import Article
from storytrace.pipeline import analyze_articles

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "nato-kyiv"


@pytest.fixture(scope="module")
def example():
    ingested = read_inputs([CORPUS])
    return analyze_articles(ingested.articles, ingested.errors, processes=1).to_json()


def _claims(result: dict, kind: str, a: str, b: str, text_a: str, text_b: str) -> list[dict]:
    """Claims of ``kind`` between articles starting with ``a`` and ``b`` (either may be the reference)
    whose items contain the two texts."""
    out = []
    for c in result["claims"]:
        if c["kind"] != kind:
            continue
        first, second = c["items"]
        for x, y in ((first, second), (second, first)):
            if (x["article"].startswith(a) and y["article"].startswith(b)
                    and text_a in x["text"] and text_b in y["text"]):
                out.append(c)
    return out


def test_claims_spans_point_into_the_article_texts(example):
    texts = {a.id: a.text for a in read_inputs([CORPUS]).articles}
    assert example["claims"]
    for c in example["claims"]:
        assert set(c) == {"story", "kind", "speaker", "grade", "items"}
        assert len(c["items"]) == 2
        for item in c["items"]:
            s, e = item["span"]
            assert texts[item["article"]][s:e] == item["text"]
        assert c["story"] in {s["id"] for s in example["stories"]}


def test_reworded_zelenskyy_quote_is_altered(example):
    found = _claims(example, "quote", "002", "000", "such relentless attacks", "such intense attacks")
    assert [c["grade"] for c in found] == ["altered"]
    assert "Zelensk" in found[0]["speaker"]


def test_two_stoltenberg_quotes_of_one_paragraph_graded_apart(example):
    first = _claims(example, "quote", "002", "000", "the closer we come", "the closer we come")
    second = _claims(example, "quote", "002", "000", "Russia has the option to lay down arms", "Russia could lay down arms")
    assert [c["grade"] for c in first] == ["same"]
    assert [c["grade"] for c in second] == ["altered"]
    assert first[0]["speaker"] == second[0]["speaker"] == "Jens Stoltenberg"


def test_one_word_changed_is_a_variant(example):
    found = _claims(example, "quote", "001", "000", "the closer we become", "the closer we come")
    assert [c["grade"] for c in found] == ["variant"]


def test_the_hill_stoltenberg_quote_against_ap(example):
    found = [c for ap in ("000", "001") for c in
             _claims(example, "quote", "004", ap, "the closer we will get to ending Russian aggression", "the closer we")]
    assert found
    assert all(c["grade"] in ("variant", "altered") and c["speaker"] == "Jens Stoltenberg" for c in found)


def test_shapps_quote_differing_by_a_comma_is_same(example):
    found = _claims(example, "quote", "000", "001", "Our support for you, for Ukraine,", "Our support for you, for Ukraine")
    assert [c["grade"] for c in found] == ["same"]
    assert found[0]["speaker"] == "Grant Shapps"


def test_dropped_without_evidence_hedge_and_no_casualty_conflict(example):
    dropped = [c for c in example["claims"] if c["kind"] == "hedge"
               and c["items"][0]["article"].startswith("000") and c["items"][1]["article"].startswith("002")
               and "without providing supporting evidence" in c["items"][0]["text"]]
    assert [c["grade"] for c in dropped] == ["dropped"]
    assert "Ukraine reported that the attack resulted in the deaths of 34 officers" in dropped[0]["items"][1]["text"]
    for c in example["claims"]:
        if c["kind"] == "number":
            assert not {"34", "105"} & {c["items"][0]["text"].split()[0], c["items"][1]["text"].split()[0]}


def test_drone_attacks_and_civilian_deaths_count_different_things(example):
    assert not [c for c in example["claims"] if c["kind"] == "number"
                and {"40 drone attacks", "three civilian deaths"} & {i["text"] for i in c["items"]}]
    fig = {f.text: f for f in figures("40 drone attacks and at least three civilian deaths", 0, 51)}
    assert set(fig) == {"40 drone attacks", "three civilian deaths"}


def test_scare_quotes_are_no_speaker_quote(example):
    ap = next(a for a in read_inputs([CORPUS]).articles if a.id.startswith("000"))
    quotes = [ap.text[q.start:q.end] for q in mentions_of(ap).quotes]
    assert "crashed rocket" not in quotes
    assert any(q.startswith("There should be no doubt") for q in quotes)
    assert not [c for c in example["claims"] if any("crashed rocket" == i["text"] for i in c["items"])]
