import json
import re
from importlib import resources
from pathlib import Path

import pytest

from storytrace.text.clean import mark_furniture
from storytrace.ingest import read_inputs
from storytrace.model import Article

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "nato-kyiv"

# The furniture the corpus README lists, as a snippet of each line (every occurrence must be covered).
LISTED_FURNITURE = {
    "000": [
        "Russia Ukraine War NATO",
        "NATO Secretary General Jens Stoltenberg, left, and Ukrainian President Volodymyr Zelensky shake hands",
        "Ukrainian Presidential Press Office via AP",
        "NATO Secretary General Jens Stoltenberg, left, and Ukrainian President Volodymyr Zelensky talk during",
        "Ukrainian Presidential Press Office via Associated Press",
        "Only subscribers are eligible to post comments. Please subscribe or login first for digital access.",
        "Use the form below to reset your password.",
        "filed under:",
    ],
    "001": [
        "Stay up to date with notifications from The\xa0Independent",  # a no-break space, as captured
        "Notifications can be managed in browser preferences.",
        "Follow the AP’s coverage of the war at",
        "Thank you for registering",
        "Please refresh the page or navigate to another page",
    ],
    "002": ["Also Read: Ukraine Claims to Have Eliminated 34 Russian Drones"],
    "003": [
        "‘It looks like Russia is planning some quite big air attacks’ – war latest",
        "Missile strike on Poland may be deliberate attempt to test NATO – but overreacting risks dangerous"
        " escalation",
        "Poland: What we know about ‘Russian missile’ strike in NATO territory",
        "Russia’s Kherson retreat is ‘encouraging’ but too soon for conclusions, NATO chief says",
        "Click to subscribe to Ukraine War Diaries wherever you get your podcasts",
    ],
    "004": ["For the latest news, weather, sports, and streaming video, head to The Hill.", "Source link"],
}
# Sub-headings the README does not call furniture: flagging them is allowed, not required.
EITHER_WAY = {"003": ["Call for Patriot missiles and power transformers", "Focus on defeating Russia"]}


@pytest.fixture(scope="module")
def corpus():
    articles = read_inputs([CORPUS]).articles
    mark_furniture(articles)
    return {a.id[:3]: a for a in articles}


def covered(article: Article, start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in article.furniture)


def overlaps(article: Article, start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in article.furniture)


def occurrences(text: str, snippet: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(snippet), text)]


def lines_of(text: str):
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            yield pos, pos + len(line), line
        pos += len(line) + 1


@pytest.mark.parametrize("key,snippet", [(k, s) for k, snippets in LISTED_FURNITURE.items() for s in snippets])
def test_every_listed_furniture_line_is_inside_a_span(corpus, key, snippet):
    article = corpus[key]
    found = occurrences(article.text, snippet)
    assert found, f"snippet missing from {key}: {snippet}"
    for start, end in found:
        assert covered(article, start, end), f"{key}: not furniture: {snippet!r}"


def test_photo_tag_is_flagged_both_times(corpus):
    found = occurrences(corpus["000"].text, "Russia Ukraine War NATO")
    assert len(found) == 2
    assert all(covered(corpus["000"], start, end) for start, end in found)


@pytest.mark.parametrize("key", sorted(LISTED_FURNITURE))
def test_no_other_line_is_furniture(corpus, key):
    """Titles, bylines, datelines, credit lines and every body sentence stay article text."""
    article = corpus[key]
    allowed = LISTED_FURNITURE[key] + EITHER_WAY.get(key, [])
    for start, end, line in lines_of(article.text):
        if any(snippet in line for snippet in allowed):
            continue
        assert not overlaps(article, start, end), f"{key}: body line marked as furniture: {line[:80]!r}"


@pytest.mark.parametrize("key,sentence", [
    ("000", "Stoltenberg said NATO has contracts for $2.5 billion in ammunition"),
    ("000", "Associated Press writers John Leicester in Paris"),
    ("001", "Brian Melley contributed to this report from London."),
    ("001", "NATO's secretary-general meets with Zelenskyy to discuss battlefield and ammunition needs in Ukraine"),
    ("003", "NATO foreign ministers met in Bucharest"),
    ("003", "“NATO’s door is open,” Jens Stoltenberg said"),
    ("003", "“We will continue and further step up political and practical support to Ukraine"),
    ("004", "In a visit to Kyiv on Thursday"),
    ("004", "NATO chief visits Kyiv, says Ukraine troops ‘gradually gaining ground’"),
])
def test_named_body_text_is_not_furniture(corpus, key, sentence):
    found = occurrences(corpus[key].text, sentence)
    assert found
    for start, end in found:
        assert not overlaps(corpus[key], start, end)


def test_spans_are_sorted_merged_whole_lines(corpus):
    # the corpus has furniture in every article; with none the checks below would hold vacuously
    assert all(len(article.furniture) >= 1 for article in corpus.values())
    assert sum(len(article.furniture) for article in corpus.values()) >= 10  # 10 merged spans today
    for article in corpus.values():
        text, spans = article.text, article.furniture
        assert spans == sorted(spans)
        for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
            assert e1 < s2 and text[e1:s2].strip(), "touching spans should have been merged"
        for s, e in spans:
            assert s == 0 or text[s - 1] == "\n"
            assert e == len(text) or text[e] == "\n"


def test_credits_of_the_corpus(corpus):
    assert "AP" in corpus["000"].credits
    assert "AP" in corpus["001"].credits  # from "Follow the AP’s coverage", not from Brian Melley's line
    assert corpus["002"].credits == []  # the uncredited rewrite
    assert corpus["003"].credits == []
    assert corpus["004"].credits == []  # "Source link" is furniture, not a credit


def test_marking_twice_gives_the_same_result(corpus):
    again = read_inputs([CORPUS]).articles
    mark_furniture(again)
    mark_furniture(again)
    assert [(a.furniture, a.credits) for a in again] == [(a.furniture, a.credits) for a in corpus.values()]
    assert all(a.furniture for a in again) and any(a.credits for a in again)  # not equal by being empty


# --- small texts written for the tests -------------------------------------------------------------

BODY = [
    "The minister said on Monday that the new bridge would open to traffic next spring.",
    "Engineers have spent three years reinforcing the foundations after the floods of 2021.",
    "Local businesses welcomed the announcement, saying the closure had cost them customers.",
    "The council will publish the final budget for the project at the end of the month.",
]


def marked(text: str, **fields) -> Article:
    article = Article(id="t", text=text, **fields)
    mark_furniture([article])
    return article


def flagged_lines(article: Article) -> list[str]:
    return [line.strip() for s, e, line in lines_of(article.text) if overlaps(article, s, e)]


def test_caption_with_credit_on_its_own_line_takes_the_sentence_before():
    text = "\n".join([BODY[0], "Workers inspect the bridge on Monday.", "Jane Doe via AP", BODY[1], BODY[2]])
    article = marked(text)
    assert flagged_lines(article) == ["Workers inspect the bridge on Monday.", "Jane Doe via AP"]
    assert article.credits == ["AP"]


def test_credit_closing_the_text_does_not_take_the_last_sentence():
    article = marked("\n".join([BODY[0], BODY[1], "(Image credit: City Council)"]))
    assert flagged_lines(article) == ["(Image credit: City Council)"]


def test_ap_photo_caption_and_tag_before_it():
    text = "\n".join([BODY[0], "Bridge Works City", "A crane lifts a beam. (AP Photo/John Smith)", BODY[1]])
    assert flagged_lines(marked(text)) == ["Bridge Works City", "A crane lifts a beam. (AP Photo/John Smith)"]


def test_repeated_labels_in_a_table_are_not_tags():
    text = "\n".join([BODY[0], "Morning Meal", "Oats and fruit.", "Evening Meal", "Rice and beans.",
                      "Morning Meal", "Eggs and toast.", BODY[1]])
    assert flagged_lines(marked(text)) == []


def test_related_headline_between_paragraphs_but_not_a_sub_heading():
    text = "\n".join([
        "Bridge to reopen next spring",  # title
        BODY[0],
        "Flood damage: what we know about the city's ageing bridges",  # a link to another story
        BODY[1],
        "A long wait for commuters",  # a sub-heading
        BODY[2],
        "Council rejects toll plan, mayor says",
        BODY[3],
    ])
    assert flagged_lines(marked(text)) == [
        "Flood damage: what we know about the city's ageing bridges", "Council rejects toll plan, mayor says"]


def test_broken_line_and_list_after_a_colon_are_not_headlines():
    text = "\n".join([
        BODY[0],
        "“We will keep the bridge open: it is – as everyone knows – vital for the town",
        "and its people,” the mayor said.",
        "The council listed three priorities:",
        "Repairs: the old ferry landing and the two approach roads",
        "Lighting – new lamps on the footpath and the car park",
        BODY[1],
    ])
    assert flagged_lines(marked(text)) == []


@pytest.mark.parametrize("line", [
    "Sign up for our free morning newsletter",
    "Share this article",
    "Facebook Twitter Email",
    "Read more: Council approves budget",
    "Related: The bridge that never was",
    "Advertisement",
    "We use cookies to improve your experience on our site.",
    "Already a subscriber? Log in",
    "Comments (12)",
    "Copyright 2023 The Example Times. All rights reserved.",
])
def test_common_prompts_are_furniture(line):
    assert flagged_lines(marked("\n".join([BODY[0], line, BODY[1]]))) == [line]


@pytest.mark.parametrize("line", [
    "Related concerns were raised by residents at the meeting on Tuesday.",
    "Subscribers to the city's alert service were told about the closure by text.",
    "The newsletter, first printed in 1950, reported on the bridge every week.",
    "Comments from the public will be accepted until Friday.",
    "He said the photo, taken in 1990, showed the bridge before its first repair.",
])
def test_prose_resembling_prompts_is_not_furniture(line):
    assert flagged_lines(marked("\n".join([BODY[0], line, BODY[1]]))) == []


@pytest.mark.parametrize("dateline,expected", [
    ("LONDON (Reuters) - The bridge will reopen next spring, officials said.", ["Reuters"]),
    ("PARIS (AFP) - The bridge will reopen next spring, officials said.", ["AFP"]),
    ("KYIV, Ukraine (AP) — The bridge will reopen next spring, officials said.", ["AP"]),
    ("KYIV, Ukraine — The bridge will reopen next spring, officials said.", []),
])
def test_dateline_credits(dateline, expected):
    article = marked("\n".join([dateline, BODY[1]]))
    assert article.credits == expected
    assert article.furniture == []


def test_credits_in_order_of_first_appearance_deduplicated():
    text = "\n".join(["PARIS (AFP) - " + BODY[0], BODY[1], "The Associated Press contributed to this report.",
                      "Reuters and AFP contributed to this report."])
    assert marked(text).credits == ["AFP", "AP", "Reuters"]


def test_byline_field_can_credit():
    assert marked(BODY[0], byline="Associated Press").credits == ["AP"]


def test_a_mention_of_an_agency_is_not_a_credit():
    assert marked("The mayor told The Associated Press and Reuters that the bridge would reopen.").credits == []


def outlet_corpus(n: int, outlet: str | None, footer: str) -> list[Article]:
    return [Article(id=f"a{i}", outlet=outlet,
                    text=f"Story {i} about topic number {i} in some detail here.\n{footer}\n"
                         f"Another distinct line for story {i}, with its own facts and figures {i * 7}.")
            for i in range(n)]


def test_line_recurring_in_three_articles_of_one_outlet_is_furniture():
    footer = "Join the Example Times community of readers today"
    articles = outlet_corpus(3, "Example Times", footer)
    mark_furniture(articles)
    for a in articles:
        start = a.text.index(footer)
        assert covered(a, start, start + len(footer))
        assert flagged_lines(a) == [footer]


def test_two_articles_or_different_outlets_are_not_enough():
    footer = "Join the Example Times community of readers today"
    two = outlet_corpus(2, "Example Times", footer)
    mixed = outlet_corpus(3, None, footer)
    for i, a in enumerate(mixed):
        a.outlet = f"Outlet {i}"
    mark_furniture(two)
    mark_furniture(mixed)
    assert all(a.furniture == [] for a in two + mixed)


def test_line_recurring_in_five_articles_overall_is_furniture():
    footer = "This page was produced by our automated publishing desk"
    articles = outlet_corpus(5, None, footer)
    mark_furniture(articles)
    assert all(flagged_lines(a) == [footer] for a in articles)
    four = outlet_corpus(4, None, footer)
    mark_furniture(four)
    assert all(a.furniture == [] for a in four)


def test_recurring_credit_line_is_a_credit_not_furniture():
    credit = "Associated Press writers Jane Doe and John Roe contributed to this report."
    articles = outlet_corpus(6, "Example Times", credit)
    mark_furniture(articles)
    assert all(a.furniture == [] and a.credits == ["AP"] for a in articles)


def test_copies_of_one_story_do_not_make_its_text_furniture():
    story = "\n\n".join(BODY)
    articles = [Article(id=f"copy{i}", text=f"Bridge story {i}\n\n{story}", outlet="Example Times")
                for i in range(6)]
    mark_furniture(articles)
    assert all(a.furniture == [] for a in articles)


def test_data_file_format():
    data = json.loads(resources.files("storytrace").joinpath("data/furniture.json").read_text("utf-8"))
    assert set(data) >= {"furniture", "credits"}
    for entry in data["furniture"] + data["credits"]:
        assert entry["name"] and entry["comment"]
        re.compile(entry["pattern"])
    assert {e["name"] for e in data["credits"]} == {"AP", "Reuters", "AFP"}


# --- metadata a plain-text capture states --------------------------------------------------------

def test_corpus_metadata_from_the_text_only_where_stated(corpus):
    independent = corpus["001"]
    assert independent.title == ("NATO's secretary-general meets with Zelenskyy to discuss battlefield and "
                                 "ammunition needs in Ukraine")
    assert independent.byline == "Hanna Arhirova"
    assert independent.published == "2023-09-28T13:26:00+01:00"  # "Thursday 28 September 2023 13:26 BST"
    assert corpus["000"].dateline == "KYIV, Ukraine"
    assert corpus["000"].title is None  # its first lines are a photo tag and a caption
    assert corpus["004"].title == "NATO chief visits Kyiv, says Ukraine troops ‘gradually gaining ground’"
    for key in ("000", "002", "003", "004"):
        assert corpus[key].published is None, key  # no date line: no date invented


def test_byline_date_prefix_and_fields_given_by_the_input_win():
    text = "\n".join(["Bridge to reopen next spring", "By Jane Doe and John Roe", "Published: Sept. 28, 2023 10:15 a.m. EDT",
                      "LONDON (Reuters) - " + BODY[0], BODY[1]])
    article = marked(text)
    assert (article.title, article.byline, article.published, article.dateline) == (
        "Bridge to reopen next spring", "Jane Doe and John Roe", "2023-09-28T10:15:00-04:00", "LONDON")
    given = marked(text, title="Given", published="2023-01-01")
    assert (given.title, given.published) == ("Given", "2023-01-01")


@pytest.mark.parametrize("line", ["The 28 September 2023 meeting was postponed.", "Updated yesterday",
                                  "09/10/2023", "28 September", "Thursday 31 September 2023"])
def test_text_that_is_not_a_whole_date_line_gives_no_date(line):
    assert marked("\n".join([BODY[0], line, BODY[1]])).published is None


@pytest.fixture(scope="module")
def analysed():
    import storytrace
    return storytrace.analyze([CORPUS])


def test_uncredited_rewrite_and_credited_versions(analysed):
    articles = {a["id"][:3]: a for a in analysed["articles"]}
    assert "AP" in articles["000"]["credits"] and "AP" in articles["001"]["credits"]
    assert articles["002"]["credits"] == []
    best = articles["002"]["sources"][0]
    assert best["id"].startswith("000") and best["relation"] == "rewrite" and best["credited"] is False


@pytest.mark.parametrize("byline,expected", [("By Jane Doe, Associated Press", ["AP"]), ("By Jane Doe, Reuters", ["Reuters"]),
                                             ("By Jane Doe", [])])
def test_staff_byline_of_an_agency_credits_it(byline, expected):
    article = marked("\n".join(["Bridge to reopen next spring", byline, BODY[0], BODY[1]]))
    assert article.credits == expected and article.byline == byline[3:]


def test_sentence_recurring_inside_paragraphs_of_one_outlet_is_furniture_alone():
    promo = "Readers can download the Example Times app for breaking news alerts."
    articles = [Article(id=f"s{i}", outlet="Example Times",
                        text=f"Story {i} about topic number {i} in some detail here.\n"
                             f"The council met on day {i} and approved plan {i * 3}. {promo}\n"
                             f"Another distinct line for story {i}, with its own facts and figures {i * 7}.")
                for i in range(3)]
    mark_furniture(articles)
    for a in articles:
        start = a.text.index(promo)
        assert a.furniture == [(start, start + len(promo))]
    two = articles[:2]
    for a in two:
        a.furniture = []
    mark_furniture(two)
    assert all(a.furniture == [] for a in two)


@pytest.mark.parametrize("line", [
    "- Print Article",
    "[Related: Council approves the harbour budget]",
    "CLICK HERE TO GET THE EXAMPLE NEWS APP",
    "Get the day's top headlines delivered to your inbox every morning by subscribing to our newsletter.",
    "Copyright ©2023 Example Media, Inc. All Rights Reserved",
    "Email Jane Doe at jdoe@example.com or follow her on Twitter @janedoe.",
    "If you buy something through this post, Example may get a share of the sale.",
    "Like this story? Share it with a friend!",
    "5 min read",
])
def test_prompts_seen_in_extracted_html_are_furniture(line):
    assert flagged_lines(marked("\n".join([BODY[0], line, BODY[1]]))) == [line]
