"""Hedges: markers of uncertainty or attribution in a sentence ("reportedly", "could", "about 40").

The words are data (data/hedges.json). Approximators ("about", "up to") hedge only directly before
a figure ("about 40 people", not "talked about"); modals and attribution markers hedge wherever
they stand. Words inside a speaker's quote are the speaker's, compared as a quote, not here.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from ..model import Span

_NUMBER_AHEAD = r"(?=\s+(?:US\$|\$|€|£)?\d|\s+(?:US\$|\$|€|£)\d|\s+(?:a |one |two|three|four|five|six|seven|eight|nine|ten|" \
                r"eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|dozen|half|a third))"


APPROXIMATOR = "~"  # marks an approximator: it hedges the figure after it, compared only where both state it


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    data = json.loads(resources.files("storytrace.data").joinpath("hedges.json").read_text("utf-8"))

    def alternation(words: list[str]) -> str:
        return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))

    approximators = re.compile(rf"\b(?:{alternation(data['approximators'])})\b{_NUMBER_AHEAD}", re.IGNORECASE)
    others = re.compile(rf"\b(?:{alternation(data['modals'] + data['attribution'])})\b", re.IGNORECASE)
    return approximators, others


def hedges(text: str, start: int, end: int, quoted: list[Span] = ()) -> list[tuple[int, int, str]]:
    """The hedge markers in ``text[start:end]`` outside the ``quoted`` spans: (start, end, marker
    folded to lower case and single spaces)."""
    approximators, others = _patterns()
    found = []
    for pattern, prefix in ((approximators, APPROXIMATOR), (others, "")):
        for m in pattern.finditer(text, start, end):
            if any(qs <= m.start() < qe for qs, qe in quoted):
                continue
            if m.group()[0].isupper() and m.start() != start and not prefix:
                continue  # "May", "Will" inside a sentence: a month, a name
            found.append((m.start(), m.end(), prefix + " ".join(m.group().lower().split())))
    found.sort()
    # "may have" and "may" found twice at one place: keep the longer
    out: list[tuple[int, int, str]] = []
    for h in found:
        if out and h[0] < out[-1][1]:
            if h[1] - h[0] > out[-1][1] - out[-1][0]:
                out[-1] = h
            continue
        out.append(h)
    return out
