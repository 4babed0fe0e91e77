"""A wire story syndicated by more outlets than the n-gram index keeps (over 100 copies): the copies
are still found as duplicates, grouped into the story of the event, and nothing else changes."""

from __future__ import annotations

from pathlib import Path

import storytrace
from storytrace.ingest import read_inputs

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "nato-kyiv"
AP_LATER, OTHER_EVENT, REWRITE = "000_a37f6e7e984c68d0", "003_811dcac62ff5ac35", "002_5985c9d0a73851b2"
COPIES = 110


def test_over_a_hundred_copies_are_duplicates_in_one_story():
    originals = read_inputs([CORPUS]).articles
    ap = next(a for a in originals if a.id == AP_LATER)
    copies = [{"id": f"copy-{n:03d}", "text": ap.text, "outlet": f"outlet {n}"} for n in range(COPIES)]
    result = storytrace.analyze([*originals, *copies])
    copy_ids = {c["id"] for c in copies} | {AP_LATER}
    among_copies = [p for p in result["pairs"] if p["a"] in copy_ids and p["b"] in copy_ids]
    assert among_copies and all(p["relation"] == "duplicate" for p in among_copies)
    stories = [set(s["articles"]) for s in result["stories"]]
    assert any(copy_ids <= s and REWRITE in s and OTHER_EVENT not in s for s in stories)
    assert {OTHER_EVENT} in stories


def test_paragraphs_many_outlets_take_from_one_story_stay_article_text():
    """Eight outlets each take the same three paragraphs of the AP story into their own text: the
    paragraphs recur across independent articles, yet they are reused text, not page template."""
    import random

    ap = next(a for a in read_inputs([CORPUS]).articles if a.id == AP_LATER)
    paragraphs = [p for p in ap.text.split("\n") if len(p.split()) > 15][3:6]
    rng = random.Random(1)
    words = ("council harbour ferry vote budget storm repairs mayor engineers contract winter night "
             "fishermen pier crane report tender bid").split()

    def own_text(n: int) -> str:
        return "\n\n".join(" ".join(rng.choice(words) for _ in range(25)).capitalize() + "." for _ in range(n))

    takers = [{"id": f"taker-{k}", "outlet": f"site {k}",
               "text": own_text(4) + "\n\n" + "\n\n".join(paragraphs) + "\n\n" + own_text(5)} for k in range(8)]
    result = storytrace.analyze([ap, *takers])
    for taker in takers:
        pair = next(p for p in result["pairs"] if {p["a"], p["b"]} == {AP_LATER, taker["id"]})
        assert pair["relation"] == "partial" and pair["source"] == AP_LATER
        article = next(a for a in result["articles"] if a["id"] == taker["id"])
        start = taker["text"].index(paragraphs[0])
        assert not any(s <= start < e for s, e in article["furniture"])
