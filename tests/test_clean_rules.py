"""The line rules of text/clean.py at their edges: each test kills a mutant that the corpus tests let
survive (BENCHMARKS.md, "Mutation testing"). Texts written for the tests."""

from __future__ import annotations

from storytrace.text.clean import _is_tag, _looks_like_headline
from test_clean import BODY, flagged_lines, marked


def test_a_photo_tag_may_join_its_words_with_and():
    text = "\n".join([BODY[0], "Bridge and Tunnel Works", "A crane lifts a beam. (AP Photo/John Smith)", BODY[1]])
    assert flagged_lines(marked(text)) == ["Bridge and Tunnel Works", "A crane lifts a beam. (AP Photo/John Smith)"]
    assert _is_tag("Russia and Ukraine War")
    assert not _is_tag("Bridge or Tunnel Works")  # "or" joins no tag's words: a choice is prose


def test_a_label_opening_the_page_and_repeated_on_the_next_line_only_is_not_a_tag():
    # a tag opening the page counts when it recurs further down, not when the next line repeats it
    # (a title printed twice by the extractor)
    text = "\n".join(["Bridge Works City", "Bridge Works City", BODY[0], BODY[1]])
    assert flagged_lines(marked(text)) == []
    text = "\n".join(["Bridge Works City", BODY[0], BODY[1], "Bridge Works City", BODY[2]])
    assert flagged_lines(marked(text)) == ["Bridge Works City", "Bridge Works City"]


def test_a_short_unpunctuated_last_line_is_read_without_looking_past_the_end():
    text = "\n".join(["Bridge to reopen next spring", BODY[0], BODY[1], "Council rejects toll plan, mayor says"])
    assert flagged_lines(marked(text)) == []  # not between two body paragraphs: left alone


def test_a_headline_needs_a_topic_of_two_characters_or_more_before_its_colon():
    assert _looks_like_headline("Poland: what we know about the attack on the border")
    assert not _looks_like_headline("Q: what we know about the attack on the border")  # an interview


def test_a_claim_and_twist_headline_needs_three_words_before_the_dash():
    assert _looks_like_headline("Council rejects plan – mayor responds")
    assert not _looks_like_headline("Toll plan – mayor responds")


def test_only_a_line_opening_and_closing_in_brackets_is_read_inside_them():
    # last, so that only the furniture patterns (not the headline rule) can flag it
    for line in ("[Related: The bridge that never was]", "Related: The bridge that never was [Video]"):
        assert flagged_lines(marked("\n".join([BODY[0], BODY[1], line]))) == [line]


def test_copies_of_one_story_share_their_lines_without_making_them_template():
    from storytrace.text.clean import mark_furniture
    from storytrace.model import Article

    story = "\n".join(BODY)
    for outlet, n in ((None, 5), ("Example Times", 3)):  # the overall and the per-outlet minimums
        copies = [Article(id=f"copy-{i}", text=f"{story}\nUpdated {i + 1} hours ago with new comments.", outlet=outlet)
                  for i in range(n)]
        mark_furniture(copies)
        assert all(a.furniture == [] for a in copies)
