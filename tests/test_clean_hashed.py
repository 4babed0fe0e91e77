"""Cleaning counts lines by hash and finds each article's lines again in three passes (clean.py,
issue 13's memory): it must mark what the rules gave when every line of the corpus was held and
counted by its text (tests/clean_reference.py), furniture, credits and metadata alike."""

from __future__ import annotations

import copy
import random
import sys
from pathlib import Path

import pytest

from storytrace.ingest import read_inputs
from storytrace.model import Article
from storytrace.text import clean

sys.path.insert(0, str(Path(__file__).resolve().parent))
import clean_reference  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

FOOTERS = ["Join the Example Times community of readers today", "Follow our live coverage of the war here.",
           "Sign up for the morning briefing newsletter for free", "Photo: Reuters",
           "(Reporting by Jane Doe; Editing by John Roe)", "The Associated Press contributed to this report.",
           "Copyright 2023 The Associated Press. All rights reserved.", "Read more: the council budget explained"]
PROMOS = ["Readers can download the Example Times app for breaking news alerts.",
          "Subscribe today to get unlimited access to all our reporting.",
          "This story has been updated with the latest figures from officials."]
OUTLETS = ["Example Times", "Daily Courier", "The Herald", None]


def _corpus(seed: int, n: int) -> list[Article]:
    rng = random.Random(seed)
    stories = [[f"Story {s} opens with its lead about council plan {s} and the reasons for it.",
                f"Officials said on day {s} that the plan would cost {s * 13} million, according to the report.",
                f"Residents reacted to item {s} with a mix of worry and hope, several of them said."]
               for s in range(max(3, n // 3))]
    articles = []
    for i in range(n):
        body = list(rng.choice(stories))  # stories repeat: copies are not template
        lines = [f"Headline number {i} on the council"] if rng.random() < 0.5 else []
        for k, line in enumerate(body):
            if rng.random() < 0.35:
                line = f"{line} {rng.choice(PROMOS)}"  # a template sentence closing a paragraph
            lines.append(line)
            if rng.random() < 0.2:
                lines.append(rng.choice(FOOTERS))
        lines += rng.sample(FOOTERS, rng.randint(0, 3))
        if rng.random() < 0.15:  # a run of template lines long enough to be reused text
            lines += [f"Background paragraph {k} that several articles reuse word for word, with detail."
                      for k in range(4)]
        ends = rng.choice(["\n", "\n\n", "\r\n"])
        articles.append(Article(id=f"a{i:03d}", outlet=rng.choice(OUTLETS), text=ends.join(lines),
                                byline=rng.choice([None, "By AP staff", "Jane Doe, Reuters"])))
    return articles


def _marked(mark, articles):
    articles = copy.deepcopy(articles)
    mark(articles)
    return [(a.furniture, a.credits, a.title, a.byline, a.published, a.dateline) for a in articles]


@pytest.mark.parametrize("seed,n", [(0, 12), (1, 40), (2, 90), (3, 300)])
def test_as_the_text_keyed_rules(seed, n):
    articles = _corpus(seed, n)
    got = _marked(clean.mark_furniture, articles)
    assert got == _marked(clean_reference.mark_furniture, articles)
    assert sum(len(f) for f, *_ in got) > n // 3  # the corpus has template to find


def test_example_corpus_as_the_text_keyed_rules():
    articles = read_inputs([ROOT / "examples" / "nato-kyiv"]).articles
    assert _marked(clean.mark_furniture, articles) == _marked(clean_reference.mark_furniture, articles)


def test_norms_are_the_lines_norms():
    texts = [a.text for a in _corpus(4, 60)]
    texts += ["", "\n\n", " \r\n\t", "A “curly” line\r\nΣΑΣ ΟΔΟΣ\n\u00a0\nİstanbul  x"]
    assert all(clean._norms(t) == [ln.norm for ln in clean._lines(t)] for t in texts)
