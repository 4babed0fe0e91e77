"""The claims stage's rules at their edges: each test kills a mutant that test_claims.py lets
survive (BENCHMARKS.md, "Mutation testing"). Texts written for the tests."""

from __future__ import annotations

import pytest

from storytrace.claims import mentions_of
from storytrace.claims.compare import _could_differ, quote_overlap
from storytrace.model import Article

TEXT = ('The storm flooded 40 homes on Monday. '
        'Officials said the river may rise again. '
        'The mayor thanked the volunteers. '
        '"We will rebuild every street," the mayor said.')


@pytest.fixture(scope="module")
def mentions():
    return mentions_of(Article("a", TEXT))


def test_a_sentence_with_a_figure_a_hedge_or_a_quote_holds_a_mention(mentions):
    # one of each, alone in its sentence; the third sentence holds none
    assert [mentions.has_mention(k) for k in range(4)] == [True, True, False, True]
    assert mentions.figures(0) and not mentions.hedges(0) and 0 not in mentions.quoted_sentences
    assert mentions.hedges(1) and not mentions.figures(1)


def test_quote_overlap_is_over_the_smaller_quote():
    assert quote_overlap(["we", "will", "rebuild"], ["we", "will", "rebuild", "every", "street"]) == 1.0
    assert quote_overlap(["we", "will", "rebuild"], ["we", "must", "wait"]) == pytest.approx(1 / 3)
    assert quote_overlap([], ["we"]) == 0.0


def test_only_sentences_that_could_differ_are_worth_matching_by_meaning(mentions):
    other = mentions_of(Article("b", TEXT.replace("40 homes", "45 homes")))
    same = mentions_of(Article("c", TEXT.replace("The storm flooded", "Floods reached")))
    assert _could_differ(mentions, 0, other, 0)  # 40 against 45: a possible conflict
    assert not _could_differ(mentions, 0, same, 0)  # the same figure, no quote, no hedge either side
    assert _could_differ(mentions, 3, other, 3)  # both quote someone
    assert _could_differ(mentions, 1, other, 2)  # a hedge against none


# ---- speakers ------------------------------------------------------------------------------------

def test_an_apposition_between_commas_is_skipped_to_find_the_subject():
    from storytrace.claims.speakers import _subject_before

    assert _subject_before(["Jens", "Stoltenberg", ",", "NATO's", "chief", ","]) == "Jens Stoltenberg"


def test_a_person_is_named_by_two_words_a_title_or_a_known_surname():
    from storytrace.claims.speakers import _is_person

    assert not _is_person(["Federal", "Minister"], ["Federal", "Minister"])  # an office, no name
    assert _is_person(["Helen", "Carter"], ["Helen", "Carter"])
    assert _is_person(["Mayor", "Carter"], ["Carter"])  # a title before it
    assert _is_person(["Carter"], ["Carter"], {"carter"})  # named in full elsewhere in the story
    assert not _is_person(["Carter"], ["Carter"])
    # a possessive inside the run makes it a phrase about someone ("Biden's Build Back ..."), not a name
    assert not _is_person(["Biden's", "Build", "Back"], ["Build", "Back"])


def test_a_verb_of_saying_right_before_the_quote_introduces_it():
    from storytrace.claims.speakers import _before_attribution

    assert _before_attribution("Mayor Helen Carter said:") == (True, True, "Helen Carter")
    assert _before_attribution("Helen Carter told reporters that") == (True, True, "Helen Carter")
    far = _before_attribution("Mayor Helen Carter said on Monday, after a long meeting with the council:")
    assert far == (True, False, "Helen Carter")


def test_a_quote_opening_a_sentence_with_no_quote_before_it_is_the_person_just_named():
    text = ('Mayor Helen Carter visited the town on Monday.\n\n'
            '"We will rebuild every street that was lost in the flood." The crowd applauded.')
    assert [q.speaker for q in mentions_of(Article("a", text)).quotes] == ["Helen Carter"]


# ---- numbers -------------------------------------------------------------------------------------

def test_number_words_joined_by_and_are_one_figure():
    from storytrace.claims.numbers import figures

    text = "two hundred and fifty people were evacuated"
    assert [f.value for f in figures(text, 0, len(text))] == [250.0]
    text = "two hundred or fifty people"
    assert [f.value for f in figures(text, 0, len(text))] == [200.0, 50.0]


def test_a_counted_word_is_folded_to_its_singular_but_a_short_one_is_kept():
    from storytrace.claims.numbers import _fold

    assert [_fold(w) for w in ("pumps", "cities", "bus", "gas", "glass", "mayor's")] == \
        ["pump", "city", "bus", "gas", "glass", "mayor"]


def test_two_bare_numbers_count_nothing_in_common():
    from storytrace.claims.numbers import Figure, same_thing

    def fig(unit, counted=()):
        return Figure(0, 1, 5.0, unit, counted, "5")

    assert not same_thing(fig(None), fig(None))  # "5" and "7": nothing says they count one thing
    assert same_thing(fig("USD"), fig("USD"))  # two bare sums of money
    assert same_thing(fig(None, ("pump",)), fig(None, ("pump", "station")))
    assert not same_thing(fig(None, ("pump",)), fig(None, ("home",)))


# ---- quotes --------------------------------------------------------------------------------------

def test_single_quote_marks_open_after_a_space_or_a_bracket_and_close_at_the_very_end():
    from storytrace.claims.quotes import _is_single_close, _is_single_open

    assert _is_single_open("He said ‘We will", 8) and _is_single_open("(‘We will", 1)
    assert not _is_single_open("rock‘n", 4)  # inside a word
    text = "the mayor called it ‘a disaster’"
    assert _is_single_close(text, len(text) - 1)  # the text's last character
    assert not _is_single_close("Ukraine’s army", 7)


def _quotes(text: str) -> list[tuple[str, int]]:
    from storytrace.claims.quotes import find_quotes
    from storytrace.text.segment import segment

    return [(text[r.start:r.end], r.paragraphs) for r in find_quotes(text, segment(Article("a", text)).paragraphs)]


@pytest.mark.parametrize("open_, close", [("“", "”"), ("‘", "’")])
def test_quotes_in_either_marks_over_one_or_two_paragraphs(open_, close):
    assert _quotes(f"The mayor said {open_}we will rebuild every street{close} on Monday.") == \
        [("we will rebuild every street", 1)]
    # the printers' convention: an unclosed paragraph of a quote, the next one re-opening it
    text = f"The mayor spoke on Monday.\n\n{open_}We will rebuild.\n\n{open_}Every street will be repaired,{close} she said."
    assert _quotes(text) == [(f"We will rebuild.\n\n{open_}Every street will be repaired,", 2)]
    # a line cut mid-sentence inside a quote: it goes on in the next paragraph
    assert _quotes(f"The mayor said {open_}we will rebuild\n\nevery street{close} on Monday.") == \
        [("we will rebuild\n\nevery street", 2)]
    # a quote closed where its paragraph ends is not carried into the next one
    text = f"The mayor said {open_}we will rebuild.{close}\n\nThe council met on Tuesday."
    assert _quotes(text) == [("we will rebuild.", 1)]


def test_a_paragraph_opening_with_the_other_kind_of_mark_does_not_continue_a_quote():
    # an unclosed quote is dropped, not joined to the next paragraph's quote in other marks
    for first, second in (("“", "‘"), ("‘", "“")):
        close = {"‘": "’", "“": "”"}[second]
        text = f"The mayor spoke.\n\n{first}We will rebuild.\n\n{second}Never again{close} became the town motto."
        assert _quotes(text) == [("Never again", 1)]


# ---- hedges --------------------------------------------------------------------------------------

def test_a_capitalised_modal_hedges_only_at_the_start_of_its_sentence():
    from storytrace.claims.hedges import hedges

    text = "Officials said the vote may happen in May."
    assert [h[2] for h in hedges(text, 0, len(text))] == ["may"]  # the second one is the month
    text = "Could the vote be delayed?"
    assert [h[2] for h in hedges(text, 0, len(text))] == ["could"]
    text = "About 40 homes were flooded, and About 12 more were damaged."
    assert [h[2] for h in hedges(text, 0, len(text))] == ["~about", "~about"]  # approximators are kept anywhere


def test_a_hedge_inside_a_quote_from_its_first_character_is_the_speakers():
    from storytrace.claims.hedges import hedges

    text = "She said “may be” and it may rain."
    start = text.index("may")
    assert [h[0] for h in hedges(text, 0, len(text), [(start, start + 6)])] == [text.rindex("may")]


# ---- the reference of a pair ---------------------------------------------------------------------

def test_a_day_alone_is_not_ordered_against_a_time_of_the_same_day():
    from storytrace.claims import reference_of
    from storytrace.model import Coverage, Pair, Story

    pair = Pair("a", "b", "version", 0.9, Coverage(), Coverage(), [])
    story = Story("s1", ["a", "b"], "a", None)

    def ref(pa: str, pb: str) -> str:
        return reference_of(pair, story, {"a": Article("a", "x", published=pa), "b": Article("b", "x", published=pb)})

    assert ref("2024-03-04T18:00:00", "2024-03-04") == "a"  # undecided by date: the story's origin
    assert ref("2024-03-04T18:00:00", "2024-03-04T09:00:00") == "b"  # two times of day are ordered
    assert ref("2024-03-05", "2024-03-04T23:00:00") == "b"  # two days are ordered


def test_claims_are_compared_only_within_a_story_and_never_between_related_articles():
    from storytrace.claims import find_claims
    from storytrace.model import Coverage, Pair, Story

    a = Article("a", 'The council approved 12 pumps on Monday. "We will rebuild," Mayor Helen Carter said.')
    b = Article("b", 'The council approved 21 pumps on Monday. "We will rebuild it all," Mayor Helen Carter said.')
    together = [Story("s1", ["a", "b"], "a", None)]
    apart = [Story("s1", ["a"], "a", None), Story("s2", ["b"], "b", None)]
    for relation, stories, expect in (("version", together, True), ("same_event", together, True),
                                      ("related", together, False), ("version", apart, False)):
        pair = Pair("a", "b", relation, 0.9, Coverage(), Coverage(), [], source="a", derived="b")
        assert bool(find_claims([a, b], [pair], stories)) == expect, (relation, len(stories))
