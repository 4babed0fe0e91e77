"""Credited or not: a derived article credits its source by the source's outlet, a shared agency, or
a "Source link" to the host of the source's page."""

from __future__ import annotations

from storytrace.model import Article, Coverage, Pair
from storytrace.provenance import attach_sources


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
