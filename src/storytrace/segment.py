"""Paragraphs, sentences and tokens with character offsets: one tokenizer for every stage.

Tokens are normalised for matching (case, curly quotes, accents, a few spelling
variants such as "Zelenskyy"/"Zelensky") but keep the offsets of the original text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .model import Article, Doc, Sentence, Span, Token

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


def sentences(text: str, start: int, end: int) -> list[Span]:
    """Sentence spans inside ``text[start:end]``: ends at . ! ? unless after an abbreviation, and only
    before a capital, a digit or an opening quote (so "U.S. officials" stays one sentence)."""
    spans = []
    cursor = start
    for m in _SENTENCE_END_RE.finditer(text, start, end):
        stop = m.end()
        first_mark = m.start()
        if text[first_mark] == "." and m.group().rstrip("”\"’')]") == "." and _is_abbreviation(text, first_mark):
            nxt = _next_visible(text, stop, end)
            # after an abbreviation, a sentence ends only before a clear sentence opener
            if nxt is None or not (text[nxt] in "“\"" ):
                continue
        nxt = _next_visible(text, stop, end)
        if nxt is not None and not (text[nxt].isupper() or text[nxt].isdigit() or text[nxt] in _OPENERS):
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
    while i < end and text[i].isspace():
        i += 1
    return i


def _next_visible(text: str, i: int, end: int) -> int | None:
    i = _skip_space(text, i, end)
    return i if i < end else None


def _inside(span: Span, spans: list[Span]) -> bool:
    s, e = span
    return any(fs <= s and e <= fe for fs, fe in spans)


def segment(article: Article) -> Doc:
    """Split an article's body (its text less furniture spans) into paragraphs, sentences and tokens."""
    text = article.text
    furniture = sorted(article.furniture)
    paras = [p for p in paragraphs(text) if not _inside(p, furniture)]
    sents: list[Sentence] = []
    tokens: list[Token] = []
    body_chars = 0
    for pi, (ps, pe) in enumerate(paras):
        for ss, se in sentences(text, ps, pe):
            if _inside((ss, se), furniture):
                continue
            toks = tokenize(text, ss, se)
            if not toks:
                continue
            sents.append(Sentence(ss, se, len(tokens), len(tokens) + len(toks), pi))
            tokens.extend(toks)
            body_chars += len("".join(text[ss:se].split()))
    return Doc(article, paras, sents, tokens, body_chars, quoted_tokens(text, paras, tokens))


_OPEN_QUOTES, _CLOSE_QUOTES = "“«„", "”»“"
_QUOTE_MARK_RE = re.compile('[“«„”»"]')


def quoted_tokens(text: str, paras: list[Span], tokens: list[Token]) -> list[bool]:
    """Which tokens stand inside quotation marks. Curly quotes open and close explicitly; straight
    double quotes alternate. A quotation never runs past its paragraph (captures do not keep the
    convention of re-opening quotes in the next paragraph)."""
    inside = [False] * len(tokens)
    spans = []
    for ps, pe in paras:
        opened = None
        for m in _QUOTE_MARK_RE.finditer(text, ps, pe):
            i, ch = m.start(), m.group()
            if opened is None and (ch in _OPEN_QUOTES or ch == '"'):
                opened = i
            elif opened is not None and (ch in _CLOSE_QUOTES or ch == '"'):
                spans.append((opened, i))
                opened = None
    k = 0
    for n, tok in enumerate(tokens):
        while k < len(spans) and spans[k][1] < tok.start:
            k += 1
        if k < len(spans) and spans[k][0] < tok.start < spans[k][1]:
            inside[n] = True
    return inside
