"""One pair's claims: the counterpart's mentions matched to the reference's through the alignment.

Sentences are linked through the pair's passages: inside a verbatim passage word by word (a diff
of the two passages' words, so an edited word keeps its place), a paraphrase passage sentence to
sentence. A sentence holding a mention that no passage covers is matched by meaning instead:
reference sentences sharing enough content words are scored by the pair scorer, and the most
probable one at or above its sentence-pair threshold is the counterpart. Nothing is matched by
position alone.

Then, per group of linked sentences: a quote is paired with the reference quote in those sentences
that shares the most words (and graded); figures of equal value are set aside, and a remaining
figure counting the same thing as a remaining reference figure (or standing in its place in a
verbatim passage) is a conflict; a group whose reference sentences hedge more than the
counterpart's (a marker missing) is a dropped hedge, the other way an added one.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np

from .. import thresholds as T
from ..model import Doc, Passage
from .hedges import APPROXIMATOR
from .hedges import hedges
from .numbers import Figure, figures, same_thing


@dataclass
class Quote:
    start: int
    end: int
    speaker: str | None  # as written (canonical names are given per story afterwards)
    words: list[str]


class Mentions:
    """What one article says that claims compare: its speaker quotes, and per sentence its figures and
    hedges, found on first need (most sentences of a copy are compared with an identical sentence,
    where nothing can differ, and are never looked at)."""

    def __init__(self, doc: Doc, quotes: list[Quote]) -> None:
        self.doc = doc
        self.quotes = quotes
        self._figures: dict[int, list[Figure]] = {}
        self._hedges: dict[int, list[tuple[int, int, str]]] = {}
        self._starts = [s.start for s in doc.sentences]
        self._ends = [s.end for s in doc.sentences]
        self.quoted = [(q.start, q.end) for q in quotes]
        self.quote_starts = [q.start for q in quotes]
        self.quoted_sentences = {k for q in quotes for k in self.sentences_overlapping(q.start, q.end)}

    def figures(self, k: int) -> list[Figure]:
        if k not in self._figures:
            s = self.doc.sentences[k]
            self._figures[k] = figures(self.doc.article.text, s.start, s.end)
        return self._figures[k]

    def hedges(self, k: int) -> list[tuple[int, int, str]]:
        if k not in self._hedges:
            s = self.doc.sentences[k]
            self._hedges[k] = hedges(self.doc.article.text, s.start, s.end, self.quoted)
        return self._hedges[k]

    def has_mention(self, k: int) -> bool:
        return k in self.quoted_sentences or bool(self.figures(k)) or bool(self.hedges(k))

    def sentences_overlapping(self, start: int, end: int) -> list[int]:
        first = max(0, bisect.bisect_right(self._starts, start) - 1)
        last = bisect.bisect_left(self._starts, end)
        return [k for k in range(first, last) if self._starts[k] < end and start < self._ends[k]]


# ---- grading quotes -------------------------------------------------------------------------


def _contains(longer: list[str], shorter: list[str]) -> bool:
    n = len(shorter)
    return any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))


def grade_quote(ref: list[str], other: list[str]) -> str:
    """same / truncated / extended / variant / altered, on folded words (punctuation, case and
    quote marks never count)."""
    if ref == other:
        return "same"
    if len(other) < len(ref) and _contains(ref, other):
        return "truncated" if len(ref) - len(other) >= T.QUOTE_CUT_WORDS else "variant"
    if len(other) > len(ref) and _contains(other, ref):
        return "extended" if len(other) - len(ref) >= T.QUOTE_CUT_WORDS else "variant"
    changed = sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in
                  SequenceMatcher(None, ref, other, autojunk=False).get_opcodes() if tag != "equal")
    if changed <= T.QUOTE_VARIANT_WORDS or changed <= T.QUOTE_VARIANT_SHARE * max(len(ref), len(other)):
        return "variant"
    return "altered"


def quote_overlap(a: list[str], b: list[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / max(1, min(len(sa), len(sb)))


# ---- linking sentences ----------------------------------------------------------------------


def _token_range(doc: Doc, start: int, end: int) -> tuple[int, int]:
    return int(np.searchsorted(doc.starts, start)), int(np.searchsorted(doc.starts, end))


def _sentence_of_tokens(doc: Doc, tokens: np.ndarray) -> np.ndarray:
    return np.searchsorted(doc.sentence_firsts, tokens, side="right") - 1


def link_sentences(ref: Doc, other: Doc, passages: list[tuple[tuple[int, int], tuple[int, int], str]]
                   ) -> tuple[set[tuple[int, int]], np.ndarray]:
    """(links (reference sentence, other sentence), token map other -> reference (-1: none))."""
    token_map = np.full(len(other), -1, dtype=np.int64)
    links: set[tuple[int, int]] = set()
    if not ref.sentences or not other.sentences:
        return links, token_map
    for rspan, ospan, kind in passages:
        r0, r1 = _token_range(ref, *rspan)
        o0, o1 = _token_range(other, *ospan)
        if r1 <= r0 or o1 <= o0:
            continue
        if kind == "verbatim":
            rn, on = ref.norms[r0:r1], other.norms[o0:o1]
            # the common head and tail map one to one; only the middle needs a diff
            head = 0
            while head < min(len(rn), len(on)) and rn[head] == on[head]:
                head += 1
            tail = 0
            while tail < min(len(rn), len(on)) - head and rn[-1 - tail] == on[-1 - tail]:
                tail += 1
            token_map[o0:o0 + head] = np.arange(r0, r0 + head)
            token_map[o1 - tail:o1] = np.arange(r1 - tail, r1)
            middle = SequenceMatcher(None, rn[head:len(rn) - tail], on[head:len(on) - tail], autojunk=False)
            for tag, i1, i2, j1, j2 in middle.get_opcodes() if len(rn) - tail > head and len(on) - tail > head else []:
                if tag in ("equal", "replace"):
                    width = i2 - i1
                    for j in range(j1, j2):
                        token_map[o0 + head + j] = r0 + head + i1 + min(j - j1, width - 1)
        else:
            rs = set(_sentence_of_tokens(ref, np.arange(r0, r1)).tolist())
            os_ = set(_sentence_of_tokens(other, np.arange(o0, o1)).tolist())
            links.update((r, o) for r in rs for o in os_)
    mapped = np.flatnonzero(token_map >= 0)
    if len(mapped):
        # (reference sentence, other sentence) of each mapped token as one integer, counted
        width = len(other.sentences)
        keys = _sentence_of_tokens(ref, token_map[mapped]) * width + _sentence_of_tokens(other, mapped)
        found, counts = np.unique(keys, return_counts=True)
        sizes = other.sentence_sizes
        for key, c in zip(found.tolist(), counts.tolist()):
            r, o = divmod(key, width)
            if c >= T.LINK_MIN_TOKENS or c >= sizes[o]:
                links.add((r, o))
    return links, token_map


_CONTENT_RE = re.compile(r"[^\W_]+", re.UNICODE)
_FUNCTION = frozenset("""the a an of in on at to for from by with and or but as than that which who this these
those it its is are was were be been has have had will would said says he she they we i not""".split())


def _content(doc: Doc, k: int) -> set[str]:
    s = doc.sentences[k]
    return {w for w in doc.norms[s.first_token:s.last_token] if w not in _FUNCTION}


def _could_differ(ref: Mentions, r: int, other: Mentions, o: int) -> bool:
    """Whether linking these two sentences could give a claim at all: both quote someone, both state
    figures and not the same ones, or they hedge differently. Only such pairs are worth the encoder."""
    if r in ref.quoted_sentences and o in other.quoted_sentences:
        return True
    rf, of = ref.figures(r), other.figures(o)
    if rf and of and sorted(f.value for f in rf) != sorted(f.value for f in of):
        return True
    return len(ref.hedges(r)) != len(other.hedges(o))


def match_by_meaning(ref: Mentions, other: Mentions, unlinked: list[int]) -> set[tuple[int, int]]:
    """Links for the ``unlinked`` sentences of ``other`` (those holding mentions): the reference
    sentence the pair scorer finds most probably saying the same, at or above its threshold, among
    those sharing T.FALLBACK_LEXICAL_OVERLAP of their content words."""
    if not unlinked or not ref.doc.sentences:
        return set()
    ref_words = [_content(ref.doc, r) for r in range(len(ref.doc.sentences))]
    candidates = []
    for o in unlinked:
        ow = _content(other.doc, o)
        if not ow:
            continue
        close = [(len(ow & rw) / min(len(ow), len(rw)), r) for r, rw in enumerate(ref_words) if rw]
        close = [c for c in close if c[0] >= T.FALLBACK_LEXICAL_OVERLAP]
        # the pair scorer reads only the closest few (its features cost more than the overlaps)
        candidates += [(r, o) for _, r in sorted(close, key=lambda c: (-c[0], c[1]))[:T.FALLBACK_CANDIDATES]
                       if _could_differ(ref, r, other, o)]
    if not candidates:
        return set()
    from ..encode.embed import get_encoder
    from ..judge.pairscore import features_batch, get_scorer

    rs = sorted({r for r, _ in candidates})
    os_ = sorted({o for _, o in candidates})
    vec_r = dict(zip(rs, get_encoder().encode([ref.doc.sentence_text(r) for r in rs])))
    vec_o = dict(zip(os_, get_encoder().encode([other.doc.sentence_text(o) for o in os_])))
    cosines = [float(vec_r[r] @ vec_o[o]) for r, o in candidates]
    texts = [(ref.doc.sentence_text(r), other.doc.sentence_text(o)) for r, o in candidates]
    scorer = get_scorer()
    prob = scorer.paraphrase_probability(features_batch(texts, cosines))
    best: dict[int, tuple[float, int]] = {}
    for (r, o), p in zip(candidates, prob.tolist()):
        if p >= scorer.paraphrase_threshold and (o not in best or p > best[o][0]):
            best[o] = (p, r)
    return {(r, o) for o, (_, r) in best.items()}


def _groups(links: set[tuple[int, int]]) -> list[tuple[list[int], list[int]]]:
    """Connected groups of linked sentences: (reference sentences, other sentences), in order."""
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r, o in links:
        parent[find(("r", r))] = find(("o", o))
    groups: dict = {}
    for r, o in sorted(links):
        g = groups.setdefault(find(("o", o)), (set(), set()))
        g[0].add(r)
        g[1].add(o)
    return sorted(((sorted(a), sorted(b)) for a, b in groups.values()), key=lambda g: (g[1][0], g[0][0]))


# ---- the pair's claims ----------------------------------------------------------------------


def _item(m: Mentions, start: int, end: int) -> dict:
    return {"article": m.doc.id, "span": [start, end], "text": m.doc.article.text[start:end]}


def pair_claims(ref: Mentions, other: Mentions, passages: list[Passage], ref_is_a: bool) -> list[dict]:
    """The claims of one pair, ``ref`` the reference article; ``passages`` as the pair has them (a
    side = the pair's a)."""
    oriented = [((p.a, p.b) if ref_is_a else (p.b, p.a)) + (p.kind,) for p in passages]
    links, token_map = link_sentences(ref.doc, other.doc, oriented)
    linked_other = {o for _, o in links}
    unlinked = [o for o in range(len(other.doc.sentences)) if o not in linked_other and other.has_mention(o)]
    links |= match_by_meaning(ref, other, unlinked)
    out: list[dict] = []
    groups = _groups(links)
    group_of_other = {o: g for g in groups for o in g[1]}
    # quotes
    for q in other.quotes:
        rsents = {r for o in other.sentences_overlapping(q.start, q.end) if o in group_of_other
                  for r in group_of_other[o][0]}
        best, score = None, 0.0
        # the reference quote a verbatim passage puts this one's words in, when there is one: a
        # phrase quoted twice in an article is then paired with its own occurrence
        t0, t1 = _token_range(other.doc, q.start, q.end)
        mapped = token_map[t0:t1][token_map[t0:t1] >= 0]
        if len(mapped):
            # the reference quote holding the middle of the words this one maps to
            at = int(ref.doc.starts[mapped[len(mapped) // 2]])
            k = bisect.bisect_right(ref.quote_starts, at) - 1
            if k >= 0 and at < ref.quotes[k].end:
                best = ref.quotes[k]
                score = quote_overlap(best.words, q.words)
        if best is None or score < T.QUOTE_MATCH_OVERLAP:
            for rq in ref.quotes:
                if any(r in rsents for r in ref.sentences_overlapping(rq.start, rq.end)):
                    s = quote_overlap(rq.words, q.words)
                    if s > score:
                        best, score = rq, s
        if best is None or score < T.QUOTE_MATCH_OVERLAP:
            # a quote re-worded beyond any passage or sentence match: the reference quote sharing
            # most of its words, if one shares enough (matching by content, never by place)
            best, score = max(((rq, quote_overlap(rq.words, q.words)) for rq in ref.quotes),
                              key=lambda x: x[1], default=(None, 0.0))
            if best is None or score < T.QUOTE_WORDS_OVERLAP:
                continue
        out.append({"kind": "quote", "speaker": best.speaker or q.speaker, "grade": grade_quote(best.words, q.words),
                    "items": [_item(ref, best.start, best.end), _item(other, q.start, q.end)],
                    "_speakers": (best.speaker, q.speaker)})
    for rsents, osents in groups:
        if _same_words(ref.doc, rsents, other.doc, osents):
            continue  # the same words: no figure or hedge can differ
        out += _figure_conflicts(ref, other, rsents, osents, token_map)
        out += _hedge_changes(ref, other, rsents, osents, links)
    return out


def _same_words(ref: Doc, rsents: list[int], other: Doc, osents: list[int]) -> bool:
    """Whether the two groups of sentences have the same normalised words (compared as word ids:
    most groups of a copy are equal, and reading them as strings was a tenth of the stage)."""
    def words(doc: Doc, sents: list[int]) -> np.ndarray:
        rows = doc.sentences.rows  # (start, end, first_token, last_token, paragraph)
        if len(sents) == 1:
            return doc.words[rows[sents[0], 2]:rows[sents[0], 3]]
        return np.concatenate([doc.words[rows[k, 2]:rows[k, 3]] for k in sents])
    return np.array_equal(words(ref, rsents), words(other, osents))


def _figure_conflicts(ref: Mentions, other: Mentions, rsents: list[int], osents: list[int],
                      token_map: np.ndarray) -> list[dict]:
    rfigs = [f for r in rsents for f in ref.figures(r)]
    ofigs = [f for o in osents for f in other.figures(o)]
    if not rfigs or not ofigs:
        return []
    # equal values are the same statement, however written
    left = list(rfigs)
    remaining = []
    for f in ofigs:
        twin = next((g for g in left if g.value == f.value and (g.unit == f.unit or not g.unit or not f.unit)), None)
        if twin is not None:
            left.remove(twin)
        else:
            remaining.append(f)
    out = []
    for f in remaining:
        # the reference figure in its place in a verbatim passage, else one counting the same thing
        t0, _ = _token_range(other.doc, f.start, f.end)
        mapped = token_map[t0] if t0 < len(token_map) else -1
        place = None
        if mapped >= 0:
            at = int(ref.doc.starts[mapped])
            place = next((g for g in left if g.start <= at < g.end), None)
        match = place or next((g for g in left if same_thing(g, f)), None)
        if match is None or match.value == f.value:
            continue
        left.remove(match)
        out.append({"kind": "number", "speaker": None, "grade": "conflict",
                    "items": [_item(ref, match.start, match.end), _item(other, f.start, f.end)]})
    return out


def _hedge_changes(ref: Mentions, other: Mentions, rsents: list[int], osents: list[int],
                   links: set[tuple[int, int]]) -> list[dict]:
    rvalues = {f.value for r in rsents for f in ref.figures(r)}
    ovalues = {f.value for o in osents for f in other.figures(o)}

    def counts(m: Mentions, k: int, h: tuple[int, int, str], values: set[float], other_text: str) -> bool:
        """An approximator counts only when the other side states its figure: "about 40" against
        "40" is a dropped hedge, against a sentence without the figure a dropped fact."""
        if not h[2].startswith(APPROXIMATOR):
            return True
        after = next((f for f in m.figures(k) if f.start >= h[1]), None)
        if after is not None:
            return after.value in values
        # a number that is no counted figure ("about 10 a.m."): the other side states the same digits
        number = re.match(r"\s*(\d[\d,.:]*)", m.doc.article.text[h[1]:h[1] + 20])
        return bool(number) and number.group(1).rstrip(".,") in other_text

    def text_of(m: Mentions, sents: list[int]) -> str:
        return " ".join(m.doc.sentence_text(k) for k in sents)

    rh = [(r, h) for r in rsents for h in ref.hedges(r) if counts(ref, r, h, ovalues, text_of(other, osents))]
    oh = [(o, h) for o in osents for h in other.hedges(o) if counts(other, o, h, rvalues, text_of(ref, rsents))]
    if len(rh) == len(oh):
        return []
    # markers compared as multisets: "could ... could" against "will ... could" lost one
    left_r, left_o = Counter(h[2] for _, h in rh), Counter(h[2] for _, h in oh)
    rmarks, omarks = left_r - left_o, left_o - left_r
    if len(rh) > len(oh):
        missing = [(r, h) for r, h in rh if h[2] in rmarks]
        if not missing:
            return []
        r = missing[0][0]
        o = min(o for rr, o in links if rr == r)
        grade = "dropped"
    else:
        missing = [(o, h) for o, h in oh if h[2] in omarks]
        if not missing:
            return []
        o = missing[0][0]
        r = min(rr for rr, oo in links if oo == o)
        grade = "added"
    rs, os_ = ref.doc.sentences[r], other.doc.sentences[o]
    return [{"kind": "hedge", "speaker": None, "grade": grade,
             "items": [_item(ref, rs.start, rs.end), _item(other, os_.start, os_.end)]}]
