"""Claims: quotes with speakers, figures and hedges compared across a story (issue 12).

The example corpus's known cases first (five real articles on one event), then small texts
written for the test, each of which fails if its rule breaks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storytrace.claims import mentions_of
from storytrace.claims.compare import grade_quote
from storytrace.claims.numbers import figures
from storytrace.ingest import read_inputs
from storytrace.model import Article
from storytrace.engine.pipeline import analyze_articles

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


# ---- small written texts -------------------------------------------------------------------

BASE = """Flood defences fail in river town

Officials said on Monday that heavy rain had flooded around 40 homes in the river town of Marlow, and that 1,000 residents had left their houses overnight.

"We have never seen water rise this fast, and we will rebuild every street that was lost," Mayor Helen Carter said at a news conference.

The regional agency said repairs could take months. Insurers reportedly expect claims to reach 5% of the town's annual budget.

Carter said the town had asked the government for 12 pumps. "Our crews have worked through the night without a break," she said.

Local businesses estimate losses at $2.5 billion across the valley, a spokesman for the chamber of commerce said.
"""


def _pair_claims(original: str, copy: str) -> list[dict]:
    articles = [Article("original", original, published="2024-03-04"), Article("copy", copy, published="2024-03-05")]
    result = analyze_articles(articles, processes=1).to_json()
    assert result["pairs"], "the copy must be found related to the original"
    for c in result["claims"]:
        assert c["items"][0]["article"] == "original" and c["items"][1]["article"] == "copy"
    return result["claims"]


def _not_same(claims: list[dict]) -> list[dict]:
    return [c for c in claims if c["grade"] != "same"]


def test_unchanged_copy_gives_only_same_quotes():
    claims = _pair_claims(BASE, BASE)
    assert claims and {c["grade"] for c in claims} == {"same"}
    assert {c["speaker"] for c in claims} == {"Helen Carter"}


def test_two_words_swapped_inside_a_quote():
    copy = BASE.replace("never seen water rise", "never seen rise water")
    claims = _not_same(_pair_claims(BASE, copy))
    assert [(c["kind"], c["grade"] in ("variant", "altered")) for c in claims] == [("quote", True)]
    item = claims[0]["items"][1]
    start, end = item["span"]
    assert copy[start:end].startswith("We have never seen rise water") and copy[end] == '"'
    assert claims[0]["speaker"] == "Helen Carter"


def test_commas_and_quote_marks_only_change_nothing():
    copy = BASE.replace('"We have never seen water rise this fast, and', "“We have never seen water rise this fast and")\
        .replace('was lost," Mayor', "was lost,” Mayor").replace("Officials said on Monday that", "Officials said, on Monday, that")
    claims = _pair_claims(BASE, copy)
    assert claims and not _not_same(claims)


def test_quote_cut_to_its_first_half_is_truncated():
    copy = BASE.replace("rise this fast, and we will rebuild every street that was lost,", "rise this fast,")
    claims = _not_same(_pair_claims(BASE, copy))
    assert [(c["kind"], c["grade"]) for c in claims] == [("quote", "truncated")]


def test_figure_changed_outside_quotes_is_a_conflict_with_the_figure_span():
    copy = BASE.replace("for 12 pumps", "for 21 pumps")
    claims = _not_same(_pair_claims(BASE, copy))
    assert [(c["kind"], c["grade"]) for c in claims] == [("number", "conflict")]
    (s0, e0), (s1, e1) = claims[0]["items"][0]["span"], claims[0]["items"][1]["span"]
    assert BASE[s0:e0] == "12 pumps" and copy[s1:e1] == "21 pumps"


def test_equal_values_written_differently_are_no_conflict():
    copy = BASE.replace("1,000 residents", "1000 residents").replace("5% of", "5 per cent of")\
        .replace("$2.5 billion", "$2.5bn")
    assert not _not_same(_pair_claims(BASE, copy))
    words = figures("one thousand residents and five percent of voters", 0, 50)
    assert [(f.value, f.unit) for f in words] == [(1000.0, None), (5.0, "percent")]


@pytest.mark.parametrize("before, after", [
    ("flooded around 40 homes", "flooded 40 homes"),
    ("repairs could take months", "repairs will take months"),
    ("Insurers reportedly expect", "Insurers expect"),
])
def test_hedge_dropped(before, after):
    assert before in BASE
    copy = BASE.replace(before, after)
    claims = _not_same(_pair_claims(BASE, copy))
    assert [(c["kind"], c["grade"]) for c in claims] == [("hedge", "dropped")]
    assert before in claims[0]["items"][0]["text"] and after in claims[0]["items"][1]["text"]


def test_hedge_added():
    copy = BASE.replace("repairs could take months", "repairs could take months").replace(
        "Insurers reportedly expect", "Insurers reportedly expect").replace("had asked the government",
                                                                             "had reportedly asked the government")
    claims = _not_same(_pair_claims(BASE, copy))
    assert [(c["kind"], c["grade"]) for c in claims] == [("hedge", "added")]


@pytest.mark.parametrize("text, quote, speaker", [
    ('"We will rebuild," Helen Carter said.', "We will rebuild,", "Helen Carter"),
    ('Helen Carter said: "We will rebuild."', "We will rebuild.", "Helen Carter"),
    ('"We will rebuild," said Helen Carter, the mayor of Marlow.', "We will rebuild,", "Helen Carter"),
    ('According to Mayor Helen Carter, "the town will rebuild every street."', "the town will rebuild every street.",
     "Helen Carter"),
    ('Helen Carter told reporters "we will rebuild every street."', "we will rebuild every street.", "Helen Carter"),
    ('Helen Carter visited the site. "We will rebuild," she added.', "We will rebuild,", "Helen Carter"),
    ('Mayor Helen Carter spoke on Monday. The mayor toured the town. "We will rebuild," Carter said.',
     "We will rebuild,", "Carter"),
    ('"We will rebuild," NATO Secretary-General Jens Stoltenberg said.', "We will rebuild,", "Jens Stoltenberg"),
])
def test_attribution_forms(text, quote, speaker):
    m = mentions_of(Article("t", text))
    assert [(text[q.start:q.end], q.speaker) for q in m.quotes] == [(quote, speaker)]


def test_multi_paragraph_quote_and_pronoun_after_other_sentences():
    text = ('Jens Stoltenberg spoke in Kyiv.\n\n"Ukraine will prevail, and the alliance will stand with it.\n\n'
            '"We will not waver," he said.\n\nThe meeting lasted an hour.')
    m = mentions_of(Article("t", text))
    assert len(m.quotes) == 1
    q = m.quotes[0]
    assert text[q.start:q.end].startswith("Ukraine will prevail") and text[q.start:q.end].endswith("waver,")
    assert q.speaker == "Jens Stoltenberg"


def test_speakers_joined_across_a_story():
    a = ('Ukrainian President Volodymyr Zelenskiy met allies in Kyiv on Thursday to discuss air defence.\n\n'
         '"We need more air defence systems before the winter comes," Zelenskiy said at the meeting.\n\n'
         'The talks lasted two hours and ended with a joint statement on energy.')
    b = a.replace("Zelenskiy", "Zelenskyy").replace("Ukrainian President Volodymyr Zelenskyy met", "Zelenskyy met")
    articles = [Article("a", a, published="2024-03-04"), Article("b", b, published="2024-03-05")]
    claims = analyze_articles(articles, processes=1).to_json()["claims"]
    assert [(c["grade"], c["speaker"]) for c in claims] == [("same", "Volodymyr Zelenskiy")]


def test_grades_of_quote_words():
    ref = "the stronger ukraine becomes the closer we come to ending russia aggression".split()
    assert grade_quote(ref, ref) == "same"
    assert grade_quote(ref, ref[:6]) == "truncated"
    assert grade_quote(ref[:6], ref) == "extended"
    assert grade_quote(ref, ref[:-1]) == "variant"
    assert grade_quote(ref, "russia must end its war and leave ukraine now say the allies".split()) == "altered"


def test_bad_input_never_makes_a_quote_of_half_the_article():
    filler = "The council met again on Tuesday to discuss the repairs. " * 40
    texts = [
        filler + '"This quote never closes and the article goes on. ' + filler,
        filler + '"Nested \'quotes\' and “mismatched ones» here" he said. “Another “open” one. ' + filler,
        filler + '"' + "word " * 10_000 + '" he said. ' + filler,
        "Президент сказал: «Мы восстановим каждый дом». " + "市长说：“我们将重建每一条街道。” " + filler,
    ]
    for text in texts:
        m = mentions_of(Article("t", text))
        for q in m.quotes:
            assert q.end - q.start < len(text) / 4
    claims = analyze_articles([Article("a", texts[0], published="2024-01-01"),
                               Article("b", texts[0], published="2024-01-02")], processes=1).to_json()["claims"]
    assert not _not_same(claims)
    cyr = mentions_of(Article("t", texts[3]))
    assert any("восстановим" in texts[3][q.start:q.end] for q in cyr.quotes)


# ---- terminal table, compare, API ---------------------------------------------------------------


def test_claims_table_bounded_by_top_with_changes_first(example):
    import io

    from rich.console import Console

    from storytrace.output.report import print_summary

    out = io.StringIO()
    print_summary(example, Console(file=out, width=200, highlight=False), rows=2)
    text = out.getvalue()
    assert "Claims" in text and "more claims" in text
    table = text[text.index("Claims"):]
    assert "altered" in table and " same " not in table  # changes first; two rows shown


def test_compare_command_and_api_give_the_pairs_claims(tmp_path, capsys):
    import json

    import storytrace
    from storytrace.cli import main

    copy = BASE.replace("for 12 pumps", "for 21 pumps")
    (tmp_path / "original.txt").write_text(BASE, encoding="utf-8")
    (tmp_path / "copy.txt").write_text(copy, encoding="utf-8")
    assert main(["compare", str(tmp_path / "original.txt"), str(tmp_path / "copy.txt"), "--json", "-"]) == 0
    pair = json.loads(capsys.readouterr().out)
    conflicts = [c for c in pair["claims"] if c["grade"] == "conflict"]
    assert [(c["items"][0]["text"], c["items"][1]["text"]) for c in conflicts] == [("12 pumps", "21 pumps")]
    assert {c["items"][1]["article"] for c in pair["claims"]} == {"copy"}
    api = storytrace.compare(BASE, copy)
    assert [c["grade"] for c in api["claims"] if c["kind"] == "number"] == ["conflict"]
    assert main(["compare", str(tmp_path / "original.txt"), str(tmp_path / "copy.txt")]) == 0
    assert "conflict" in capsys.readouterr().out


def test_dates_times_years_and_names_are_not_figures():
    text = ("On Sept. 28, 2023 at 13:26 and again at 10 a.m., the Nord Stream 2 pipeline and Block 58 were hit; "
            "F-16s flew in 2008. Officials counted $2.5bn in damage, 29% of homes, five people hurt and a third of the "
            "town without power.")
    found = [(f.text, f.value, f.unit) for f in figures(text, 0, len(text))]
    assert found == [("$2.5bn", 2.5e9, "usd"), ("29%", 29.0, "percent"), ("five people", 5.0, None),
                     ("a third", pytest.approx(1 / 3), None)]


def test_claims_do_not_depend_on_input_order(example):
    articles = read_inputs([CORPUS]).articles[::-1]
    again = analyze_articles(articles, processes=1).to_json()
    assert again["claims"] == example["claims"]
