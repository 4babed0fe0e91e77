"""Storylines (provenance/storylines.py): stories of one developing topic joined; the same actors on another
subject, or the same subject months later, kept apart. Texts written for the tests."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from storytrace.ingest import read_inputs
from storytrace.model import Article, Coverage, Pair, Story
from storytrace.engine.pipeline import analyze_articles
from storytrace.output.report import print_summary
from storytrace.provenance.storylines import group_storylines

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "nato-kyiv"

TENDER = """Harbour authority opens tender for Lindqvist Bridge
The Port of Vellmar authority on Monday opened a public tender to build the Lindqvist Bridge, a 2.4-kilometre crossing over the Vellmar estuary.
Construction firms have until 30 April to submit offers, the authority said, and the contract is valued at about 610 million euros.
Port director Anneli Rask said the bridge would cut the drive between the container terminal and the northern rail yard to ten minutes.
The regional council approved the financing plan last month after two years of studies on the estuary's currents.
Environmental groups said they would watch the tender closely because the estuary is a breeding ground for terns."""

BIDDERS = """Four groups line up for Vellmar's Lindqvist Bridge contract
Four construction groups have registered to bid for the Lindqvist Bridge over the Vellmar estuary, the Port of Vellmar authority said on Thursday.
They are Korsholm Bygg, the Italian group Marenco Costruzioni, Baltic Span and a consortium led by Hedberg Infra.
Port director Anneli Rask told reporters the number of bidders showed strong interest in the 610 million euro project.
The authority will check the groups' finances and experience with estuary crossings before the offers are opened.
Korsholm Bygg built the Sundby viaduct in 2019 and Marenco Costruzioni has worked on two bridges in Genoa."""

JOINT_BID = """Korsholm and Marenco join forces in bid for Lindqvist Bridge
Korsholm Bygg and Marenco Costruzioni said on Tuesday they would submit a joint offer for the Lindqvist Bridge in Vellmar instead of competing against each other.
The two companies, among the four groups registered with the Port of Vellmar authority, said pooling their estuary experience would lower the cost of the 2.4-kilometre crossing.
Korsholm chief executive Petra Lind said the partners would share the work equally and hire local subcontractors.
Port director Anneli Rask said the authority had been informed and that the joint bid met the tender rules.
Offers for the 610 million euro contract are due at the end of April."""

# the same actors (the port authority, its director, Korsholm) on another subject
OTHER_SUBJECT = """Vellmar port director Anneli Rask to run city marathon for charity
Port of Vellmar director Anneli Rask will run the Vellmar city marathon in June to raise money for the children's hospital, she said on Wednesday.
Rask, 52, has trained for six months with a club of port employees and hopes to finish in under four hours.
Korsholm Bygg, a sponsor of the race, has promised to double every euro her colleagues give.
The hospital wants to buy a new scanner for its cancer ward and has collected about half of the money it needs.
Last year's marathon drew 4,000 runners and was won by a local teacher."""

# the same subject, months later: the bridge's tender is long over
MONTHS_LATER = """Lindqvist Bridge contract awarded to Korsholm and Marenco
The Port of Vellmar authority has awarded the contract for the Lindqvist Bridge to the joint bid of Korsholm Bygg and Marenco Costruzioni, it said on Friday.
The 2.4-kilometre crossing over the Vellmar estuary will cost 598 million euros, below the authority's estimate.
Port director Anneli Rask said construction would start in the spring and take four years.
Baltic Span, which also bid, said it was studying the decision.
Environmental groups asked for the works to pause during the terns' breeding season."""


def analyse(dates: dict[str, str | None]) -> dict:
    texts = {"tender": TENDER, "bidders": BIDDERS, "joint": JOINT_BID, "marathon": OTHER_SUBJECT, "award": MONTHS_LATER}
    return analyze_articles([Article(k, texts[k], published=d) for k, d in dates.items()]).to_json()


def storyline_of(result: dict) -> dict[str, str]:
    """Article id -> storyline id (and every story in exactly one storyline)."""
    line = {}
    for sl in result["storylines"]:
        for s in sl["stories"]:
            assert s not in line, f"{s} in two storylines"
            line[s] = sl["id"]
    assert set(line) == {s["id"] for s in result["stories"]}
    return {a: line[s["id"]] for s in result["stories"] for a in s["articles"]}


DEVELOPING = {"tender": "2024-03-04", "bidders": "2024-03-25", "joint": "2024-04-12"}


def test_developing_topic_over_weeks_is_one_storyline_of_three_stories():
    result = analyse(DEVELOPING)
    assert len(result["stories"]) == 3  # three events ...
    line = storyline_of(result)
    assert line["tender"] == line["bidders"] == line["joint"]  # ... of one storyline
    assert len(result["storylines"]) == 1 and result["storylines"][0]["id"] == "storyline-1"


def test_same_actors_on_another_subject_are_not_joined():
    result = analyse({**DEVELOPING, "marathon": "2024-03-26"})
    line = storyline_of(result)
    assert line["tender"] == line["bidders"] == line["joint"]
    assert line["marathon"] not in {line["tender"], line["joint"]}


def test_same_subject_months_later_is_not_joined_but_days_later_is():
    months = storyline_of(analyse({**DEVELOPING, "award": "2024-09-20"}))
    assert months["award"] != months["joint"]
    days = storyline_of(analyse({**DEVELOPING, "award": "2024-04-19"}))
    assert days["award"] == days["joint"]


def test_ids_do_not_depend_on_input_order():
    texts = {"tender": TENDER, "bidders": BIDDERS, "joint": JOINT_BID, "marathon": OTHER_SUBJECT}
    dates = {**DEVELOPING, "marathon": "2024-03-26"}
    forward = analyze_articles([Article(k, texts[k], published=dates[k]) for k in texts]).to_json()
    backward = analyze_articles([Article(k, texts[k], published=dates[k]) for k in reversed(texts)]).to_json()
    assert forward["storylines"] == backward["storylines"] and len(forward["storylines"]) == 2


def test_example_corpus_other_event_has_a_storyline_of_its_own_when_dated():
    articles = read_inputs([CORPUS]).articles
    other = next(a for a in articles if a.id.startswith("003"))
    assert other.published is None  # the file states no date ...
    other.published = "2022-11-29"  # ... the example's README: The Independent, NATO ministers in Bucharest, Nov 2022
    result = analyze_articles(articles).to_json()
    line = storyline_of(result)
    assert {sl["id"]: len(sl["stories"]) for sl in result["storylines"]} == {"storyline-1": 1, "storyline-2": 1}
    assert line[other.id] != line["000_a37f6e7e984c68d0"]
    assert {line[a] for a in ("000_a37f6e7e984c68d0", "001_5e393ba31e1ed629", "002_5985c9d0a73851b2",
                              "004_77716409017abaf9")} == {line["000_a37f6e7e984c68d0"]}


def test_example_corpus_undated_other_event_has_a_storyline_of_its_own():
    """The file of 003 states no date, the Kyiv story is dated (001's date line): nothing shows 003
    within the window, so it is not joined, however alike its subject (issue 11's acceptance)."""
    result = analyze_articles(read_inputs([CORPUS]).articles).to_json()
    dated = {a["id"][:3]: a["published"] for a in result["articles"]}
    assert dated["001"] is not None and dated["003"] is None
    line = storyline_of(result)
    assert len(result["storylines"]) == 2
    assert line["003_811dcac62ff5ac35"] != line["000_a37f6e7e984c68d0"]


def test_undated_stories_join_each_other_but_not_a_dated_one():
    dates = {"a": "2024-03-04", "b": "2024-03-09", "c": None, "d": None}
    articles = [Article(k, f"Text {k}.", published=d) for k, d in dates.items()]
    stories = [Story(f"story-{n}", [k], k, None) for n, k in enumerate(dates, 1)]

    def link(a: str, b: str) -> Pair:
        return Pair(a, b, "related", 0.6, Coverage(), Coverage(), [],
                    evidence={"event_similarity": 0.6, "lead_cosine": 0.6, "days_apart": None})

    lines = group_storylines(articles, stories, [link("a", "b"), link("b", "c"), link("c", "d")])
    assert [sl.stories for sl in lines] == [["story-1", "story-2"], ["story-3", "story-4"]]
    articles[2].published = "2024-03-12"  # dated within the window: joined through it
    lines = group_storylines(articles, stories, [link("a", "b"), link("b", "c"), link("c", "d")])
    assert [sl.stories for sl in lines] == [["story-1", "story-2", "story-3"], ["story-4"]]


def test_sentence_sized_pairs_link_no_storylines():
    """A pair judged by the paraphrase judge carries no event evidence: its stories stay apart."""
    stories = [Story("story-1", ["a"], "a", None), Story("story-2", ["b"], "b", None)]
    articles = [Article("a", "One sentence."), Article("b", "Another sentence.")]
    short = Pair("a", "b", "related", 0.6, Coverage(), Coverage(), [], evidence={"paraphrase_probability": 0.4})
    assert [sl.stories for sl in group_storylines(articles, stories, [short])] == [["story-1"], ["story-2"]]
    event = Pair("a", "b", "related", 0.6, Coverage(), Coverage(), [],
                 evidence={"event_similarity": 0.6, "lead_cosine": 0.6, "days_apart": None})
    assert [sl.stories for sl in group_storylines(articles, stories, [event])] == [["story-1", "story-2"]]


def test_summary_lists_storylines_with_titles_escaped():
    result = analyse({**DEVELOPING, "marathon": "2024-03-26"})
    result["storylines"][0]["title"] = "[bold]Bridge[/bold] tender"
    out = io.StringIO()
    print_summary(result, Console(file=out, width=200, highlight=False), rows=5)
    text = out.getvalue()
    assert "4 stories in 2 storylines" in text and "Storylines" in text
    assert "[bold]Bridge[/bold] tender" in text  # printed literally, not styled
    assert "1 other storyline of a single story each" in text
