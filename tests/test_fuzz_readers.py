"""Fuzzing every reader: random bytes and random mutations of the fixtures, under every file name
suffix. Whatever a file holds, no exception escapes, every problem is one line naming the file,
and what is read can be cleaned."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storytrace.text.clean import mark_furniture
from storytrace.ingest import read_inputs
from test_readers import _per_record_gzip  # the WARC fixture gzipped record by record

FIXTURES = Path(__file__).with_name("fixtures")


_PAGE = (FIXTURES / "page.html").read_bytes()
_CRAWL = (FIXTURES / "crawl.warc").read_bytes()
SEEDS = {
    ".txt": (FIXTURES.parent.parent / "examples" / "nato-kyiv" / "004_77716409017abaf9.txt").read_bytes(),
    ".jsonl": b'{"id": "a", "text": "Some text here."}\n{"html": "<p>Hello <b>there</b></p>", "title": "T"}\n',
    ".csv": (FIXTURES / "stories.csv").read_bytes(),
    ".html": _PAGE,
    ".html.gz": gzip.compress(_PAGE),
    ".warc": _CRAWL,
    ".warc.gz": _per_record_gzip(_CRAWL),
}


@st.composite
def mutated(draw, seed: bytes) -> bytes:
    """The seed with a few random edits: cuts, flipped bytes, inserted and deleted runs."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["truncate", "flip", "insert", "delete"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "truncate":
            del data[at:]
        elif op == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=40))
        else:
            del data[at:at + draw(st.integers(1, 200))]
    return bytes(data)


def content(suffix: str):
    return st.one_of(st.binary(max_size=600), mutated(SEEDS[suffix]))


_DIR = tempfile.TemporaryDirectory()


def check(suffix: str, data: bytes) -> None:
    path = Path(_DIR.name) / f"fuzz{suffix}"
    path.write_bytes(data)
    result = read_inputs([path])
    for line in result.errors:
        assert line.startswith(str(path)) and "\n" not in line, line
    for article in result.articles:
        assert isinstance(article.text, str) and article.text.strip()
    mark_furniture(result.articles)


FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("suffix", sorted(SEEDS))
def test_no_exception_escapes_a_reader(suffix):
    @FUZZ
    @given(data=content(suffix))
    def run(data: bytes) -> None:
        check(suffix, data)

    run()


def test_the_seeds_themselves_read_cleanly():
    for suffix, data in SEEDS.items():
        path = Path(_DIR.name) / f"seed{suffix}"
        path.write_bytes(data)
        assert read_inputs([path]).articles, suffix
