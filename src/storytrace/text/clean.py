"""Mark page furniture (prompts, captions, link lines) and collect credit lines.

Furniture is flagged, never deleted: ``Article.furniture`` holds whole-line spans
into ``Article.text`` that later stages leave out of the body. Three sources:

1. patterns that hold across sites, kept as data in ``data/furniture.json``;
2. layout heuristics for what no pattern can name (photo tags, inline related
   headlines) -- deliberately narrow, since flagging prose hides real text;
3. the corpus: a line repeated across many articles of one outlet (or of the
   whole corpus) is template, not reporting.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources

import numpy as np

from .fullmatch import FOLDS_TO_ASCII, FullMatcher
from .metadata import fill_from_text
from ..model import Article, Span
from .segment import sentences
# corpus-aware furniture thresholds, kept with all the others
from ..thresholds import (MIN_LINE_CHARS, MIN_SENTENCE_CHARS, OVERALL_MIN, OVERALL_SHARE, PER_OUTLET_MIN,
                         REUSED_RUN_WORDS, SAME_STORY_OVERLAP)

_DATA = json.loads(resources.files("storytrace").joinpath("data/furniture.json").read_text("utf-8"))
FURNITURE = [(d["name"], re.compile(d["pattern"], re.I), d.get("caption", False)) for d in _DATA["furniture"]]
CREDITS = [(d["name"], re.compile(d["pattern"], re.I)) for d in _DATA["credits"]]
_FURNITURE_MATCHER = FullMatcher([rx for _, rx, _ in FURNITURE])
# Every credit pattern names one of these: a cheap test spares most lines the dozen searches.
_ANY_AGENCY = re.compile(r"\b(ap|associated press|reuters|afp)\b", re.I)
# r"\bap\b" for lowercased text, spelt to open with the letters: the regex engine skips to them.
_AP_WORD = re.compile(r"ap(?<=\bap)\b")

# List markers and separators that extracted HTML puts before a link ("- Print Article", "| Share").
_BULLET_CHARS = "-–•*|·>»"
_BULLET = re.compile(rf"^(?:[{_BULLET_CHARS}]\s*)+")
_QUOTES = dict(zip("‘’‚‛′“”„‟″", "'''''\"\"\"\"\""))  # curly -> straight (see _fold_quotes)
# Where a sentence may end in a folded line: a space after a stop, quote or bracket. Every end that
# segment.sentences finds is one (its curly closing quotes fold to these), and more. (Spaces first:
# the regex engine then skips to them.)
_PIECE_BREAK = re.compile(r" (?<=[.!?…\"')\]] )")
_TERMINAL = ".!?\"…"  # after folding, ” is a plain quote
_CONNECTORS = {"a", "an", "and", "at", "for", "in", "of", "on", "the", "to", "vs", "vs."}
# Last words of headline links ("... – war latest", "..., NATO chief says") that sub-headings lack.
_HEADLINE_ENDS = {"says", "say", "latest", "live", "update", "updates", "explained", "warns", "claims",
                  "reveals", "report", "reports", "analysis", "video", "watch", "photos", "opinion"}


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    text: str  # stripped, quotes folded, whitespace collapsed
    norm: str  # text lowercased: what lines and sentences are compared by


def mark_furniture(articles: list[Article]) -> None:
    """Fill ``furniture`` (sorted, merged spans: whole lines, or a recurring sentence inside a line)
    and ``credits`` of each article, in place,
    and the metadata its text states (title, byline, date, dateline) where the input gave none:
    only once furniture is known can the head of the text be read past prompts and photo tags.

    Three passes over the texts, each finding an article's lines again rather than holding every
    line of the corpus (two folded copies of each, 13 KB an article at 20,000 to 50,000 synthetic
    articles): the pieces counted, then the lines and sentences that could recur counted by hash,
    then each article marked. A line is known by its norm's ``hash`` (64 bits, salted per process):
    two different lines taken for one would need a collision, about one chance in 10**8 among a
    million distinct lines; the rules are the ones the texts themselves gave."""
    frequent_pieces = _frequent_pieces(articles)
    sentences_of: dict[int, list[tuple[int, int]]] = {}  # a line's hash -> its sentences (copies repeat lines)
    recurring = _recurring_lines(articles, frequent_pieces, sentences_of)
    for article, common in zip(articles, recurring):
        article_lines = _lines(article.text)
        # an article with no recurring line or sentence has no inner sentence to mark either
        inside = _inner_sentences(article, article_lines, frequent_pieces, sentences_of) if common else []
        if common:
            common -= _reused_runs(article_lines, inside, common)
        flagged = _flag_lines(article_lines)
        for i, line in enumerate(article_lines):
            if hash(line.norm) in common:
                flagged[i] = True
        headings = {(s, e) for s, e in article.headings}
        _flag_related_headlines(article_lines, flagged, [(ln.start, ln.end) in headings for ln in article_lines])
        spans = [(ln.start, ln.end) for ln, f in zip(article_lines, flagged) if f]
        spans += [(sn.start, sn.end) for sn in inside if hash(sn.norm) in common]  # a promo sentence in a paragraph
        article.furniture = _merge(article.text, spans)
        article.credits = _credits(article, article_lines)
        fill_from_text(article)


def _lines(text: str) -> list[_Line]:
    """Non-blank lines with their offsets; the span is the whole line without its newline."""
    text = _fold_quotes(text)  # once for all lines: folding keeps offsets (a character for one)
    out, pos = [], 0
    for raw in text.split("\n"):
        folded = " ".join(raw.split())
        if folded:
            out.append(_Line(pos, pos + len(raw.rstrip("\r")), folded, folded.lower()))
        pos += len(raw) + 1
    return out


def _norms(text: str) -> list[str]:
    """The norms of ``_lines(text)``, without the rest (quicker: cleaning reads every text three times)."""
    return [norm for norm in (" ".join(raw.split()).lower() for raw in _fold_quotes(text).split("\n")) if norm]


def _fold_quotes(text: str) -> str:
    """Curly quotes made straight. (str.translate would look each character up in a table: many
    times slower on a text that is not ASCII.)"""
    if not text.isascii():
        for curly, straight in _QUOTES.items():
            if curly in text:
                text = text.replace(curly, straight)
    return text


def _is_credit(text: str) -> bool:
    return bool(_ANY_AGENCY.search(text)) and any(rx.search(text) for _, rx in CREDITS)


def _flag_lines(lines: list[_Line]) -> list[bool]:
    """Pattern furniture, captions, and the photo tags that go with captions."""
    flagged = [False] * len(lines)
    captions = set()
    for i, line in enumerate(lines):
        text = line.text
        if text[0] in _BULLET_CHARS:
            text = _BULLET.sub("", text) or text
        if len(text) > 2 and text[0] == "[" and text[-1] == "]":  # "[Related: ...]"
            text = text[1:-1].strip() or text
        k = _FURNITURE_MATCHER.first(text)
        if k is not None:
            flagged[i] = True
            if FURNITURE[k][2]:
                captions.add(i)
    for i in captions:
        # A credit on a line of its own ("Press Office via AP") follows its caption sentence -- unless it
        # ends the text, where it credits an image shown elsewhere (seen on Space.com, BGR).
        words = lines[i].text.split()
        if 0 < i < len(lines) - 1 and len(words) <= 8 and not re.search(r"[.!?]\s", lines[i].text):
            flagged[i - 1] = True
    positions: dict[str, list[int]] = {}  # of each line's norm, built at the first tag (most pages have none)
    for i, line in enumerate(lines):
        if flagged[i] or not _is_tag(line.text):
            continue
        if not positions:
            for j, other in enumerate(lines):
                positions.setdefault(other.norm, []).append(j)
        # Photo tags ("Russia Ukraine War NATO") head captions; one also opening the page and repeated
        # further down is a tag too. Repetition alone is not enough: tables and lists repeat labels.
        repeats = positions[line.norm]
        opening_repeat = repeats[0] == 0 and len(repeats) > 1 and repeats[-1] > 1
        flagged[i] = i + 1 in captions or opening_repeat
    return flagged


def _is_tag(text: str) -> bool:
    """A short Title Case label with no verb-like lowercase word and no final punctuation."""
    # 2 to 5 words: counted by their single spaces (the text is collapsed) before splitting a paragraph
    if not 1 <= text.count(" ") <= 4 or _ends_sentence(text) or text[-1] in ",;:'":
        return False
    words = text.split()
    return all(w[0].isupper() or w[0].isdigit() or w.lower() in _CONNECTORS for w in words) and words[0][0].isupper()


def _ends_sentence(text: str) -> bool:
    # A closing single quote or bracket counts only after a stop: "... he said.'" but not "... 'encouraging'".
    return text[-1] in _TERMINAL or (text[-1] in "')" and len(text) > 1 and text[-2] in _TERMINAL)


def _words(text: str) -> int:
    return sum(1 for w in text.split() if any(c.isalnum() for c in w))  # a dash is not a word


def _is_body(text: str) -> bool:
    return _ends_sentence(text) and _words(text) >= 6


def _flag_related_headlines(lines: list[_Line], flagged: list[bool], heading: list[bool]) -> None:
    """Headline links set between body paragraphs (003's "Poland: What we know about ...").

    A candidate has no final punctuation, at most 16 words, is not the title (first unflagged
    line), not a list item, and is not continued by the next line. In a run of candidates set
    between body lines, those that look like headlines are flagged; sub-headings ("Focus on
    defeating Russia") and lists (introduced by a line ending ":") are left alone, and so are lines
    an HTML page marks up as headings.
    """
    body = [i for i, f in enumerate(flagged) if not f]  # flagged lines are transparent

    def candidate(k: int) -> bool:
        i = body[k]
        text = lines[i].text
        if k == 0 or heading[i] or _ends_sentence(text) or text[-1] == ":" or _words(text) > 16:
            return False
        if not (text[0].isalpha() or text[0] in "'\""):  # "1. ...", "* ...", "$99 ...": list items
            return False
        nxt = lines[i + 1].text if i + 1 < len(lines) else ""
        return not nxt[:1].islower()

    k = 0
    while k < len(body):
        if not candidate(k):
            k += 1
            continue
        end = k
        while end + 1 < len(body) and candidate(end + 1):
            end += 1
        if _is_body(lines[body[k - 1]].text) and end + 1 < len(body) and _is_body(lines[body[end + 1]].text):
            for j in range(k, end + 1):
                if _looks_like_headline(lines[body[j]].text):
                    flagged[body[j]] = True
        k = end + 1


def _looks_like_headline(text: str) -> bool:
    """Marks of a headline: opens with a quote, "Topic: headline", "claim – twist", ends "says"/"latest"."""
    if text[0] in "'\"" or text.split()[-1].lower() in _HEADLINE_ENDS:
        return True
    before, colon, after = text.partition(": ")
    if colon and len(before) > 1 and _words(before) <= 3 and _words(after) >= 4:  # "Q: ..." is an interview
        return True
    parts = re.split(r" [–—-] ", text, maxsplit=1)
    return len(parts) == 2 and _words(parts[0]) >= 3 and _words(parts[1]) >= 2


def _frequent_pieces(articles: list[Article]) -> set[int]:
    """Hashes of the pieces (see ``_inner_sentences``) in PER_OUTLET_MIN articles or more: a
    collision can only make a line split that need not be."""
    counts: Counter[int] = Counter()
    for article in articles:
        counts.update(map(hash, set().union(*[_PIECE_BREAK.split(norm) for norm in _norms(article.text)])))
    return {h for h, n in counts.items() if n >= PER_OUTLET_MIN}


def _inner_sentences(article: Article, lines: list[_Line], frequent: set[int],
                     known: dict[int, list[tuple[int, int]]]) -> list[_Line]:
    """The article's sentences of lines holding more than one (a template sentence can close a
    paragraph) -- those that could recur.

    Splitting every paragraph into sentences is costly, and a sentence in fewer than PER_OUTLET_MIN
    articles is never template. So lines are first cut loosely into pieces wherever a sentence might
    end: a sentence is a run of whole pieces, and an article holding it (as a line or a sentence)
    holds each of its pieces. A line is split only if a run of its pieces, each in PER_OUTLET_MIN
    articles or more (``frequent``), is long enough to be a sentence that counts. ``known``: the
    sentences' offsets of lines split before, by the hash of the line's raw text.
    """
    found = []
    for line in lines:
        if _may_recur_inside(line, frequent):
            raw = article.text[line.start:line.end]
            key = hash(raw)
            if key not in known:
                known[key] = _sentences(article.text, line)
            for s, e in known[key]:
                folded = " ".join(_fold_quotes(raw[s:e]).split())
                found.append(_Line(line.start + s, line.start + e, folded, folded.lower()))
    return found


def _may_recur_inside(line: _Line, frequent: set[int]) -> bool:
    """Whether the line has a run of frequent pieces as long as a sentence worth keeping (lowercasing
    never shortens a text, so the run measured on the norm is at least as long as the sentence)."""
    if len(line.text) < 2 * MIN_SENTENCE_CHARS:
        return False
    run = -1  # characters of the current run of frequent pieces, joined by spaces
    for piece in _PIECE_BREAK.split(line.norm):
        run = run + len(piece) + 1 if hash(piece) in frequent else -1
        if run >= MIN_SENTENCE_CHARS:
            return True
    return False


def _sentences(text: str, line: _Line) -> list[tuple[int, int]]:
    """The sentences of a line holding more than one, of MIN_SENTENCE_CHARS or more (folded): offsets
    from the line start. They depend on the line alone (segment.sentences reads no further back than
    the start of a word, and a line follows a newline)."""
    spans = sentences(text, line.start, line.end)
    if len(spans) < 2:
        return []
    return [(s - line.start, e - line.start) for s, e in spans
            if len(" ".join(_fold_quotes(text[s:e]).split())) >= MIN_SENTENCE_CHARS]


class _LineKeys:
    """An article's lines (of MIN_LINE_CHARS or more) and inner sentences as hashes of their norms,
    sorted: all ``_recurring_lines`` keeps of an article while it counts the corpus (8 bytes a key
    and 4 a line's length, not the texts)."""

    __slots__ = ("keys", "lines", "lengths")

    def __init__(self, lines: list[_Line], inner: list[_Line]) -> None:
        by_hash = {hash(ln.norm): len(ln.norm) for ln in lines if len(ln.norm) >= MIN_LINE_CHARS}
        self.lines = np.array(sorted(by_hash), dtype=np.int64)
        self.lengths = np.array([by_hash[h] for h in self.lines.tolist()], dtype=np.int32)
        self.keys = np.union1d(self.lines, np.array([hash(sn.norm) for sn in inner], dtype=np.int64)) \
            if inner else self.lines


def _recurring_lines(articles: list[Article], frequent_pieces: set[int],
                     sentences_of: dict[int, list[tuple[int, int]]]) -> list[set[int]]:
    """Per article, the hashes of its lines and sentences that recur as template across the corpus
    (credit lines excepted). Whether two articles are copies of one story is judged on their lines."""
    held: list[_LineKeys] = []
    counts: Counter[int] = Counter()
    credit: set[int] = set()  # keys that are credit lines, tested once each, when first met
    for article in articles:
        lines = _lines(article.text)
        inner = _inner_sentences(article, lines, frequent_pieces, sentences_of)
        kept = _LineKeys(lines, inner)
        held.append(kept)
        for text in {ln.norm for ln in lines if len(ln.norm) >= MIN_LINE_CHARS} | {sn.norm for sn in inner}:
            if hash(text) not in counts and _may_credit(text) and _is_credit(text):
                credit.add(hash(text))
        counts.update(kept.keys.tolist())
    frequent = {n for n, c in counts.items() if c >= PER_OUTLET_MIN}  # rarer ones cannot be template
    del counts
    where: dict[int, list[int]] = {}
    for a, kept in enumerate(held):
        for n in kept.keys.tolist():
            if n in frequent:
                where.setdefault(n, []).append(a)
    weight = [int(kept.lengths.sum()) for kept in held]
    overall_min = max(OVERALL_MIN, math.ceil(OVERALL_SHARE * len(articles)))
    same: dict[tuple[int, int], bool] = {}

    def same_story(a: int, b: int) -> bool:
        # Copies of one story share most of their text; template lines are a small part of each page.
        key = (min(a, b), max(a, b))
        if key not in same:
            _, in_a, _ = np.intersect1d(held[a].lines, held[b].lines, assume_unique=True, return_indices=True)
            shared = int(held[a].lengths[in_a].sum())
            same[key] = shared > SAME_STORY_OVERLAP * max(1, min(weight[a], weight[b]))
        return same[key]

    def independent(group: list[int], need: int) -> bool:
        # Count articles that are not copies of one another, so a republished story is not template.
        # Compared with the first 20 representatives only, to bound the work on very common lines.
        reps: list[int] = []
        for a in group:
            if not any(same_story(a, r) for r in reps[:20]):
                reps.append(a)
                if len(reps) >= need:
                    return True
        return False

    result: list[set[int]] = [set() for _ in articles]
    for n, group in where.items():
        if n in credit:
            continue
        if len(group) >= overall_min and independent(group, overall_min):
            for a in group:
                result[a].add(n)
            continue
        by_outlet: dict[str, list[int]] = {}
        for a in group:
            if articles[a].outlet:
                by_outlet.setdefault(articles[a].outlet.lower(), []).append(a)
        for members in by_outlet.values():
            if len(members) >= PER_OUTLET_MIN and independent(members, PER_OUTLET_MIN):
                for a in members:
                    result[a].add(n)
    return result


def _reused_runs(lines: list[_Line], inner: list[_Line], common: set[int]) -> set[int]:
    """The recurring lines (and their sentences) that stand in a run of consecutive recurring lines
    of at least REUSED_RUN_WORDS words: hashes of their norms, as ``common`` holds them."""
    reused: set[int] = set()
    run: list[_Line] = []
    for line in [*lines, None]:
        if line is not None and hash(line.norm) in common:
            run.append(line)
            continue
        if sum(_words(ln.text) for ln in run) >= REUSED_RUN_WORDS:
            reused |= {hash(ln.norm) for ln in run}
            reused |= {hash(sn.norm) for sn in inner if any(ln.start <= sn.start and sn.end <= ln.end for ln in run)}
        run = []
    return reused


def _may_credit(norm: str) -> bool:
    """False where _ANY_AGENCY cannot match a lowercased line (as ``_may_name_agency``): most keys
    ``_recurring_lines`` meets are tested, and the regex is the slower test."""
    if not norm.isascii() and FOLDS_TO_ASCII.search(norm):
        return True
    return "reuters" in norm or "afp" in norm or "associated" in norm or _AP_WORD.search(norm) is not None


def _may_name_agency(line: _Line) -> bool:
    """False where _ANY_AGENCY cannot match: substring tests on the lowercased line, quicker than the
    regex (under re.I, ASCII letters match only their two cases unless FOLDS_TO_ASCII finds one)."""
    if not line.text.isascii() and FOLDS_TO_ASCII.search(line.text):
        return True
    low = line.norm
    return "reuters" in low or "afp" in low or "associated" in low or _AP_WORD.search(low) is not None


def _credits(article: Article, lines: list[_Line]) -> list[str]:
    """Agencies credited, in order of first appearance (byline first), after any the reader found
    (an HTML "Source link" to another site names that site)."""
    texts = [" ".join(article.byline.split())] if article.byline else []
    texts += [ln.text for ln in lines if _may_name_agency(ln)]
    found = []
    for t, text in enumerate(texts):
        if not _ANY_AGENCY.search(text):
            continue
        for name, rx in CREDITS:
            m = rx.search(text)
            if m:
                found.append((t, m.start(), name))
    names: list[str] = list(article.credits)
    for _, _, name in sorted(found):
        if name not in names:
            names.append(name)
    return names


def _merge(text: str, spans: list[Span]) -> list[Span]:
    """Sorted spans, joined when only whitespace separates them."""
    merged: list[Span] = []
    for s, e in sorted(spans):
        if merged and (s <= merged[-1][1] or not text[merged[-1][1] : s].strip()):
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
