"""Credited or not: a derived article credits its source by the source's outlet, a shared agency, or
a "Source link" to the host of the source's page."""

from __future__ import annotations

from storytrace.model import Article, Coverage, Pair
from storytrace.provenance.sources import attach_sources


def _sources(source: Article, derived: Article) -> list[dict]:
    pair = Pair(source.id, derived.id, "rewrite", 0.8, Coverage(0.1, 0.5), Coverage(0.2, 0.6), [],
                source=source.id, derived=derived.id)
    return attach_sources([source, derived], [pair])[derived.id]


def test_source_link_to_the_source_host_is_a_credit():
    wire = Article("wire", "text", outlet="Wire Daily", url="https://www.wire.example/world/story-1")
    farm = Article("farm", "text", outlet="Content Farm", credits=["wire.example"])
    assert _sources(wire, farm)[0]["credited"] is True


def test_other_hosts_outlets_and_no_credit_are_not():
    wire = Article("wire", "text", outlet="Wire Daily", url="https://wire.example/world/story-1")
    elsewhere = Article("farm", "text", outlet="Farm", credits=["other.example"])
    silent = Article("silent", "text", outlet="Silent")
    by_outlet = Article("fair", "text", outlet="Fair", credits=["Wire Daily"])
    assert _sources(wire, elsewhere)[0]["credited"] is False
    assert _sources(wire, silent)[0]["credited"] is False
    assert _sources(wire, by_outlet)[0]["credited"] is True
    assert _sources(wire, silent)[0] == {"id": "wire", "relation": "rewrite", "coverage": 0.8, "credited": False}


# ---- direction from evidence, and the original before a sibling (issue 11) ----------------------------------

from pathlib import Path  # noqa: E402

import storytrace  # noqa: E402
from storytrace.provenance.direction import direction  # noqa: E402

TEXTS = Path(__file__).with_name("texts")

AGENCY_STORY = """Port Alder approves $40 million harbour expansion

PORT ALDER (AP) — The city council of Port Alder voted 7-2 on Tuesday to approve a $40 million expansion of the town's harbour, ending a two-year dispute over the future of its fishing fleet.

Mayor Elena Varga said the project would add 120 berths and a new cold-storage warehouse by the spring of 2027, and that the first crews would arrive before the end of the year.

Opponents argued that dredging the inner basin would damage the eelgrass beds where juvenile salmon shelter. Marine biologist Tomas Reyes, who testified before the council, said the environmental review had ignored two studies from the local university.

The council attached conditions to the approval. Construction crews may not dredge between March and June, when the salmon migrate, and the harbour authority must fund a monitoring programme for five years.

The expansion will be paid for with a state infrastructure grant of $25 million and a bond issue of $15 million. The first contracts are expected to be awarded in January.

Fishermen who crowded the council chamber greeted the result with applause. Many had waited years for safe moorings during winter storms, when the old breakwater is regularly overtopped.
"""


def _harbour() -> str:
    return (TEXTS / "harbour_original.txt").read_text(encoding="utf-8")


def _first_paragraphs(text: str, n: int) -> str:
    return "\n\n".join(text.split("\n\n")[:n]) + "\n"


def _pair(result: dict, a: str, b: str) -> dict:
    return next(p for p in result["pairs"] if {p["a"], p["b"]} == {a, b})


def _best_source(result: dict, article: str) -> str | None:
    sources = next(a for a in result["articles"] if a["id"] == article)["sources"]
    return sources[0]["id"] if sources else None


def test_undated_excerpt_derives_from_its_full_text():
    # the excerpt's id sorts first and it is the shorter: neither id order nor a tie can pass this
    full, excerpt = _harbour(), _first_paragraphs(_harbour(), 4)
    result = storytrace.analyze([{"id": "b_full", "text": full}, {"id": "a_excerpt", "text": excerpt}])
    pair = _pair(result, "a_excerpt", "b_full")
    assert pair["relation"] in ("duplicate", "version")
    assert (pair["source"], pair["derived"]) == ("b_full", "a_excerpt")
    assert _best_source(result, "a_excerpt") == "b_full"
    assert result["stories"][0]["origin"] == "b_full"


def test_undated_agency_story_is_every_copys_best_source():
    copies = [
        {"id": "a_gazette", "outlet": "Harbour Gazette", "text": AGENCY_STORY},  # the same text
        {"id": "b_courier", "outlet": "Coast Courier", "text": _first_paragraphs(AGENCY_STORY, 5)},  # cut
        {"id": "c_times", "outlet": "Valley Times",  # with a credit line
         "text": AGENCY_STORY + "\nCopyright 2024 The Associated Press. All rights reserved.\n"},
    ]
    agency = {"id": "z_agency", "outlet": "The Associated Press", "text": AGENCY_STORY}
    result = storytrace.analyze([*copies, agency])
    for copy in copies:
        pair = _pair(result, copy["id"], "z_agency")
        assert pair["relation"] in ("duplicate", "version"), copy["id"]
        assert pair["source"] == "z_agency", copy["id"]
        assert _best_source(result, copy["id"]) == "z_agency", copy["id"]
    assert [s["origin"] for s in result["stories"]] == ["z_agency"]


def test_identical_undated_texts_have_no_direction_but_an_origin():
    result = storytrace.analyze([{"id": "copy_2", "text": _harbour()}, {"id": "copy_1", "text": _harbour()}])
    pair = _pair(result, "copy_1", "copy_2")
    assert pair["relation"] == "duplicate"
    assert pair["source"] is None and pair["derived"] is None
    assert all(not a["sources"] for a in result["articles"])
    (story,) = result["stories"]
    assert story["origin"] == "copy_1"  # deterministic: the smallest id when nothing else tells


def _direction(published_a=None, published_b=None, cov_a=(0.9, 0.0), cov_b=(0.9, 0.0), words=(200, 200), **kw):
    a = Article("a", "text", published=published_a, **kw.get("a", {}))
    b = Article("b", "text", published=published_b, **kw.get("b", {}))
    return direction(kw.get("relation", "version"), a, b, Coverage(*cov_a), Coverage(*cov_b), *words)


def test_dates_win_when_they_differ_else_containment():
    excerpt_a = dict(cov_a=(1.0, 0.0), cov_b=(0.7, 0.0), words=(140, 200))
    assert _direction(**excerpt_a) == ("b", "a")  # undated: the excerpt derives
    assert _direction("2024-05-07", "2024-05-08", **excerpt_a) == ("a", "b")  # the earlier day wins
    assert _direction("2024-05-07", "2024-05-07", **excerpt_a) == ("b", "a")  # same day: containment
    # a day-only date cannot be ordered against a time on its own day; two times can
    assert _direction("2024-05-07T18:00:00", "2024-05-07", **excerpt_a) == ("b", "a")
    assert _direction("2024-05-07T18:00:00", "2024-05-07T09:00:00", **excerpt_a) == ("b", "a")
    assert _direction("2024-05-07T08:00:00", "2024-05-07T09:00:00", **excerpt_a) == ("a", "b")


def test_credits_and_additions_direct_copies():
    agency = {"outlet": "Reuters", "credits": ["Reuters"]}
    outlet = {"outlet": "Daily Bugle", "credits": ["Reuters"]}
    assert _direction(relation="duplicate", a=outlet, b=agency) == ("b", "a")
    assert _direction(relation="duplicate", a=agency, b=outlet) == ("a", "b")
    # of two copies of one text, the one adding a "Source link" (furniture) derives from the bare one
    assert _direction(relation="duplicate", a={"furniture": [(0, 11)]}, b={}) == ("b", "a")
    # ... but a rewrite dropping its source's credit is not the source for that
    assert _direction(relation="rewrite", cov_a=(0.2, 0.5), cov_b=(0.2, 0.3), a={"credits": ["AP"]}) == ("b", "a")
    assert _direction(relation="duplicate") == (None, None)  # nothing tells: symmetric


def test_a_sibling_is_listed_after_the_original_it_took_the_text_from():
    original, sibling, derived = (Article(i, "text") for i in ("x_original", "a_sibling", "m_derived"))

    def pair(source, target, cov):
        return Pair(source.id, target.id, "version", 0.9, Coverage(cov, 0.0), Coverage(cov, 0.0), [],
                    source=source.id, derived=target.id)

    same = [pair(original, sibling, 0.9), pair(original, derived, 0.8), pair(sibling, derived, 0.8)]
    ranked = attach_sources([original, sibling, derived], same)[derived.id]
    assert [e["id"] for e in ranked] == ["x_original", "a_sibling"]  # listed after, not dropped
    # a sibling that gave the derived article more than the original did stays first
    more = [pair(original, sibling, 0.9), pair(original, derived, 0.5), pair(sibling, derived, 0.8)]
    assert attach_sources([original, sibling, derived], more)[derived.id][0]["id"] == "a_sibling"


def test_undated_passages_set_into_another_article_derive_from_their_context():
    # the partial copy is the longer text and about as covered as its source: only the fit of the
    # shared paragraphs with each side's own words tells (direction.context_fit)
    harbour = _harbour().split("\n\n")
    orchard = (TEXTS / "orchard_unrelated.txt").read_text(encoding="utf-8").split("\n\n")
    copy = "\n\n".join(orchard[:2] + harbour[3:5] + orchard[2:]) + "\n"
    result = storytrace.analyze([{"id": "a_copy", "text": copy}, {"id": "b_source", "text": _harbour()}])
    pair = _pair(result, "a_copy", "b_source")
    assert pair["relation"] == "partial"
    assert (pair["source"], pair["derived"]) == ("b_source", "a_copy")


def test_an_article_a_copy_credits_is_the_source_of_its_undated_extension():
    from storytrace.provenance.family import orient_by_credited_copies

    original = Article("o", "text", outlet="Gazette", url="https://www.gazette.example/news/1")
    extended = Article("x", "text", outlet="Other Daily")  # the original plus a paragraph: contains it
    copy = Article("c", "text", outlet="Farm", credits=["gazette.example"])  # a "Source link" to the original

    def pair(a, b, source, derived):
        return Pair(a.id, b.id, "version", 0.9, Coverage(1.0), Coverage(0.9), [], source=source.id, derived=derived.id)

    pairs = [pair(original, extended, extended, original),  # containment alone: backwards
             pair(original, copy, original, copy), pair(copy, extended, extended, copy)]
    oriented = orient_by_credited_copies([original, extended, copy], pairs)
    assert (oriented[0].source, oriented[0].derived) == ("o", "x")
    assert oriented[1:] == pairs[1:]  # the copy credits the original, and neither side of the last is credited
    # dates decide before any of this
    dated = [Article("o", "text", outlet="Gazette", url="https://www.gazette.example/news/1", published="2024-05-08"),
             Article("x", "text", outlet="Other Daily", published="2024-05-07"), copy]
    assert orient_by_credited_copies(dated, pairs)[0].source == "x"
