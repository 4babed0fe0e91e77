"""Direct quotes: the text between quotation marks, found paragraph by paragraph.

Double quotes (“…”, „…“, «…», "…") are the quotes of news prose; curly single quotes (‘…’) are
taken too when they open at a word boundary (British style), but never straight apostrophes.
A quote may run over several paragraphs by the printers' convention: the paragraph ends with
the quote open and the next one starts with an opening mark. A line broken inside a sentence
(no final stop) may also continue into the next line. A quote that never closes is dropped,
and so is one longer than T.MAX_QUOTE_WORDS (a stray mark, not a speech), so no "quote" can
swallow half an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import thresholds as T
from ..model import Span

_DOUBLE_OPEN, _DOUBLE_CLOSE = "“„«", "”»"
_MARK_RE = re.compile("[“„«”»\"‘’]")
_WORD_RE = re.compile(r"[^\W_]+(?:[’'.,\-][^\W_]+)*")
_FINAL = ".!?…:;"


@dataclass
class RawQuote:
    start: int  # first character inside the marks
    end: int  # the closing mark (exclusive end of the words)
    open_mark: int  # offset of the opening mark
    close_mark: int  # offset of the closing mark
    paragraphs: int = 1  # paragraphs the quote runs over


def _is_single_open(text: str, i: int) -> bool:
    """A ‘ opens a quote only at a word boundary and before a letter or digit (‘90s is an elision)."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([—–-:\"“") and after.isalnum()


def _is_single_close(text: str, i: int) -> bool:
    """A ’ closes a quote when it is not an apostrophe: not between two letters (don’t, Ukraine’s)."""
    after = text[i + 1] if i + 1 < len(text) else " "
    return not after.isalnum()


def _marks(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """Opening ("o"), closing ("c") and straight ("s") double marks, and single ones ("O", "C")."""
    out = []
    for m in _MARK_RE.finditer(text, start, end):
        i, ch = m.start(), m.group()
        if ch in _DOUBLE_OPEN:
            # „ opens; “ opens, unless it closes a „ (German style) -- decided by the state machine
            out.append((i, "o"))
        elif ch in _DOUBLE_CLOSE:
            # a ” used as an opener by some sites: before a word, after a space
            before = text[i - 1] if i > 0 else " "
            after = text[i + 1] if i + 1 < end else " "
            out.append((i, "o?" if before.isspace() and after.isalnum() else "c"))
        elif ch == '"':
            out.append((i, "s"))
        elif ch == "‘":
            if _is_single_open(text, i):
                out.append((i, "O"))
        elif ch == "’":
            if _is_single_close(text, i):
                out.append((i, "C"))
    return out


def find_quotes(text: str, paragraphs: list[Span]) -> list[RawQuote]:
    """Quotes in reading order, each a span inside its marks. ``paragraphs``: the body's paragraphs
    (furniture excluded), in order."""
    quotes: list[RawQuote] = []
    opened: tuple[int, str, int] | None = None  # (mark offset, family "d"/"s", paragraphs so far)
    for k, (ps, pe) in enumerate(paragraphs):
        marks = _marks(text, ps, pe)
        if opened is not None:
            # a quote left open: continue it only if this paragraph re-opens it (the printers'
            # convention) or the previous line was cut mid-sentence
            first = marks[0] if marks else None
            reopens = first is not None and first[0] == ps and (
                (opened[1] == "d" and first[1] in ("o", "o?", "s")) or (opened[1] == "s" and first[1] == "O"))
            prev_end = paragraphs[k - 1][1]
            broken_line = text[prev_end - 1] not in _FINAL + "”\"’" and any(
                (opened[1] == "d" and kind in ("c", "s")) or (opened[1] == "s" and kind == "C") for _, kind in marks)
            if reopens:
                marks = marks[1:]
                opened = (opened[0], opened[1], opened[2] + 1)
            elif broken_line:
                opened = (opened[0], opened[1], opened[2] + 1)
            else:
                opened = None
        for i, kind in marks:
            if opened is None:
                if kind in ("o", "o?", "s"):
                    opened = (i, "d", 1)
                elif kind == "O":
                    opened = (i, "s", 1)
                continue
            family = opened[1]
            if family == "d" and kind in ("c", "s", "o?") or family == "s" and kind == "C":
                _keep(quotes, text, opened[0], i, opened[2])
                opened = None
            elif family == "d" and kind == "o":
                if text[opened[0] + 1:i].rstrip()[-1:] in ".!?,":
                    # an opener right after a finished sentence of the quote: a typo for the closer
                    _keep(quotes, text, opened[0], i, opened[2])
                    opened = None
                else:
                    opened = (i, "d", 1)  # mismatched: a second opener restarts the quote
            # single marks inside a double quote are a quote within the quote: part of its words
    return quotes


def _keep(quotes: list[RawQuote], text: str, open_mark: int, close_mark: int, paragraphs: int) -> None:
    start, end = open_mark + 1, close_mark
    words = len(_WORD_RE.findall(text, start, end)) if end - start < 40 * T.MAX_QUOTE_WORDS else T.MAX_QUOTE_WORDS + 1
    if 0 < words <= T.MAX_QUOTE_WORDS:
        quotes.append(RawQuote(start, end, open_mark, close_mark, paragraphs))


def quote_words(text: str) -> list[str]:
    """The words of a quote, folded for comparison (case, accents, curly apostrophes, spellings)."""
    from ..text.segment import normalise

    return [normalise(w) for w in _WORD_RE.findall(text)]
