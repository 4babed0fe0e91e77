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
