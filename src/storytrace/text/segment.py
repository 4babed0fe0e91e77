"""Paragraphs, sentences and tokens with character offsets: one tokenizer for every stage.

Tokens are normalised for matching (case, curly quotes, accents, a few spelling
variants such as "Zelenskyy"/"Zelensky") but keep the offsets of the original text.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache

import numpy as np

from ..model import Article, Doc, Sentences, Span, Spans, Token, token_lengths
from .vocab import word_ids

# Words, numbers with inner separators ("2.5", "1,000", "155-mm"), and contractions.
_TOKEN_RE = re.compile(r"[^\W_]+(?:[’'.,\-][^\W_]+)*", re.UNICODE)

# Abbreviations after which a period does not end a sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st adm gen col lt sgt capt cmdr maj gov sen rep rev hon pres supt insp
    insp det cpl pvt mt ft no nos vol vols fig figs inc ltd co corp bros dept est approx vs etc al
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    u.s u.k u.n e.u u.s.a d.c a.m p.m i.e e.g""".split()
)
_SENTENCE_END_RE = re.compile(r"[.!?…]+[”\"’')\]]*(?=\s)|[.!?…]+[”\"’')\]]*$")
_OPENERS = "“\"‘'([" 


def _fold(word: str) -> str:
    word = word.lower().replace("’", "'")
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Transliteration variants that outlets spell differently; folded to one form for matching.
_VARIANTS = {"zelenskyy": "zelensky", "zelenskiy": "zelensky", "kiev": "kyiv", "organisation": "organization",
             "defence": "defense", "colour": "color", "favour": "favor", "centre": "center"}


@lru_cache(maxsize=1 << 18)  # a corpus repeats its vocabulary: each word form is folded once
def normalise(word: str) -> str:
    word = _fold(word)
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace(",", "") if any(ch.isdigit() for ch in word) else word
    return _VARIANTS.get(word, word)


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of ``text[start:end]`` with offsets into ``text``."""
    end = len(text) if end is None else end
    return [Token(normalise(m.group()), *m.span()) for m in _TOKEN_RE.finditer(text, start, end)]


# The same tokens as _TOKEN_RE, found with numpy over the code points of a whole article: a token
# is a run of word characters (str.isalnum, as the regex's [^\W_]) in which a single separator
# (’ ' . , -) may stand between two word characters.
_ASCII_WORD = np.array([chr(c).isalnum() for c in range(128)], dtype=bool)
_ASCII_SEPARATOR = np.array([chr(c) in "'.,-" for c in range(128)], dtype=bool)
_CURLY_APOSTROPHE = ord("’")


def token_spans(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of every token of ``text``, as ``tokenize`` would find them, vectorised."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if not len(points):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    low = np.minimum(points, 127)  # a table index for every point; non-ASCII ones are set below
    word = _ASCII_WORD[low]
    joins = _ASCII_SEPARATOR[low]
    other = np.flatnonzero(points >= 128)
    if len(other):
        distinct, inverse = np.unique(points[other], return_inverse=True)
        word[other] = np.array([chr(c).isalnum() for c in distinct.tolist()], dtype=bool)[inverse]
        joins[other] = points[other] == _CURLY_APOSTROPHE
    joins[0] = joins[-1] = False
    joins[1:-1] &= word[:-2] & word[2:]
    inside = np.r_[False, word | joins, False]
    edges = np.flatnonzero(inside[1:] != inside[:-1])
    return edges[0::2].astype(np.int64), edges[1::2].astype(np.int64)


def paragraphs(text: str) -> list[Span]:
    """Lines of text: captures separate paragraphs by blank lines or by single newlines."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at ``dot`` closes an abbreviation or an initial, not a sentence."""
    j = dot
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    if not word:
        return False
    if word in _ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():  # an initial: "John F. Kennedy"
        return True
    return False


_VISIBLE = re.compile(r"\S")
_CLOSERS = "”\"’')]"


def sentences(text: str, start: int, end: int) -> list[Span]:
    """Sentence spans inside ``text[start:end]``: ends at . ! ? unless after an abbreviation, and only
    before a capital, a digit or an opening quote (so "U.S. officials" stays one sentence)."""
    spans = []
    cursor = start
    for m in _SENTENCE_END_RE.finditer(text, start, end):
        stop = m.end()
        visible = _VISIBLE.search(text, stop, end)
        nxt = text[visible.start()] if visible else None
        if nxt is not None and not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS):
            continue
        first_mark = m.start()
        # after an abbreviation, a sentence ends only before a clear sentence opener
        if (text[first_mark] == "." and (nxt is None or nxt not in "“\"")
                and m.group().rstrip(_CLOSERS) == "." and _is_abbreviation(text, first_mark)):
            continue
        s = _skip_space(text, cursor, stop)
        if stop > s:
            spans.append((s, stop))
        cursor = stop
    s = _skip_space(text, cursor, end)
    e = end
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        spans.append((s, e))
    return spans


def _skip_space(text: str, i: int, end: int) -> int:
    visible = _VISIBLE.search(text, i, end)
    return visible.start() if visible else end


def _disjoint(spans: list[Span]) -> list[Span]:
    """Sorted spans with overlapping ones joined (furniture comes merged from clean; an Article
    built by hand may not)."""
    out: list[Span] = []
    for fs, fe in sorted(spans):
        if out and fs < out[-1][1]:
            out[-1] = (out[-1][0], max(fe, out[-1][1]))
        else:
            out.append((fs, fe))
    return out


def _inside(span: Span, spans: list[Span], starts: list[int]) -> bool:
    """Is ``span`` inside one of the disjoint sorted ``spans`` (``starts``: their starts)? Only the
    last one starting at or before it can hold it: a binary search, not a scan (a page of thousands
    of furniture lines made segmenting quadratic)."""
    i = bisect.bisect_right(starts, span[0])
    return i > 0 and span[1] <= spans[i - 1][1]


def segment(article: Article) -> Doc:
    """Split an article's body (its text less furniture spans) into paragraphs, sentences and tokens."""
    text = article.text
    furniture = _disjoint(article.furniture)
    furniture_starts = [fs for fs, _ in furniture]
    paras = [p for p in paragraphs(text) if not _inside(p, furniture, furniture_starts)]
    spans, owners = [], []
    for pi, (ps, pe) in enumerate(paras):
        for span in sentences(text, ps, pe):
            if not furniture or not _inside(span, furniture, furniture_starts):
                spans.append(span)
                owners.append(pi)
    all_starts, all_ends = token_spans(text)
    bounds = np.array(spans, dtype=np.int64).reshape(-1, 2)
    # sentence bounds fall on white space, so no token straddles one: a sentence's tokens are
    # those starting inside it
    first = np.searchsorted(all_starts, bounds[:, 0])
    size = np.searchsorted(all_starts, bounds[:, 1]) - first
    has_words = size > 0
    first, size = first[has_words], size[has_words]
    keep = np.repeat(first - np.cumsum(size) + size, size) + np.arange(int(size.sum()))
    # offsets in the narrowest type the text allows: uint16 for a text under 65,536 characters (nearly
    # every news article; a batch run holds every Doc to compare's end, so this is ~1.8 KB an article
    # less than int32), int32 for any the input limits let in
    offset = _offset_type(len(text))
    starts, ends = all_starts[keep].astype(offset), all_ends[keep].astype(offset)
    cursor = np.r_[0, np.cumsum(size)]
    rows = np.c_[bounds[has_words], cursor[:-1], cursor[1:], np.array(owners, dtype=np.int64)[has_words]]
    sents = Sentences(rows.astype(offset))
    body_chars = sum(len("".join(text[s:e].split())) for s, e in bounds[has_words].tolist())
    norms = list(map(normalise, map(text.__getitem__, map(slice, starts.tolist(), ends.tolist()))))
    words = word_ids(norms).astype(np.int32)
    return Doc(article, Spans(np.array(paras, dtype=offset).reshape(-1, 2)), sents, words, starts,
               token_lengths(starts, ends), body_chars, np.packbits(quoted_tokens(text, paras, starts)))


def _offset_type(chars: int) -> type:
    """The type of a text's character offsets (and token, sentence, paragraph indices, which are
    fewer): callers convert to Python ints or wider arrays before arithmetic that could leave it."""
    for kind in (np.uint16, np.int32):
        if chars <= np.iinfo(kind).max:
            return kind
    return np.int64


_OPEN_QUOTES, _CLOSE_QUOTES = "“«„", "”»“"
_QUOTE_MARK_RE = re.compile('[“«„”»"]')


def quoted_tokens(text: str, paras: list[Span], starts: np.ndarray) -> np.ndarray:
    """Which tokens (by start offset) stand inside quotation marks. Curly quotes open and close
    explicitly; straight double quotes alternate. A quotation never runs past its paragraph (captures
    do not keep the convention of re-opening quotes in the next paragraph)."""
    opens, closes = [], []
    for ps, pe in paras:
        opened = None
        for m in _QUOTE_MARK_RE.finditer(text, ps, pe):
            i, ch = m.start(), m.group()
            if opened is None and (ch in _OPEN_QUOTES or ch == '"'):
                opened = i
            elif opened is not None and (ch in _CLOSE_QUOTES or ch == '"'):
                opens.append(opened)
                closes.append(i)
                opened = None
    if not opens:
        return np.zeros(len(starts), dtype=bool)
    opens_, closes_ = np.array(opens), np.array(closes)
    # the first quotation not closed before the token starts: the token is inside it or in none
    k = np.searchsorted(closes_, starts, side="left")
    found = k < len(closes_)
    inside = np.zeros(len(starts), dtype=bool)
    inside[found] = (opens_[k[found]] < starts[found]) & (starts[found] < closes_[k[found]])
    return inside
