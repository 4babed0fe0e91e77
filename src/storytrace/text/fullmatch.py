"""The first of many regular expressions that matches a whole line, found fast.

Trying each of ~40 furniture patterns on every line was the costliest part of marking furniture,
yet few lines match any. The regex parser tells each pattern's match lengths and the strings every
match holds, so most lines are ruled out before a pattern runs; the answer is the same as trying
the patterns in turn. (The parser is CPython's ``re._parser``; where it is missing, the patterns
are simply tried in turn.)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

try:
    from re import _parser as regex_parser
    from re._constants import ANY, BRANCH, LITERAL, MAX_REPEAT, MAXREPEAT, MIN_REPEAT, POSSESSIVE_REPEAT, SUBPATTERN
except ImportError:  # another Python: no shortcuts, same answers
    regex_parser = None

# The characters other than their two ASCII cases that match an ASCII letter under re.I (found by
# trying all of Unicode); "İ" also lowercases to two characters. In a text without them, what a
# pattern's ASCII letters match shows, lowercased, in the lowercased text.
FOLDS_TO_ASCII = re.compile("[İıſK]")

_LENGTH_STEP = 32  # lines are grouped by length, each group tried with the patterns that fit it


@dataclass(frozen=True)
class _Shape:
    shortest: int  # length of the shortest and the longest text the pattern matches in full (huge: unbounded)
    longest: int
    joinable: bool  # tried within one alternation of many: it fails at once unless the line opens right
    from_end: int | None  # for ".*X", the longest X (huge: unbounded), which must end the line
    key: tuple[str, ...]  # every match, lowercased, holds one of these (empty: none known)


class FullMatcher:
    """``first(text)``: index of the first pattern that matches all of ``text``, or None."""

    def __init__(self, patterns: list[re.Pattern]) -> None:
        self.patterns = patterns
        self._shapes = [_shape(rx) for rx in patterns] if regex_parser else None
        if self._shapes:
            # the last group takes every line longer than any bounded pattern matches
            self._last_group = max((n for s in self._shapes for n in (s.shortest, s.longest) if n < MAXREPEAT),
                                   default=0) // _LENGTH_STEP + 1
        self._groups = lru_cache(maxsize=None)(self._patterns_for)

    def first(self, text: str) -> int | None:
        if self._shapes is not None:
            joined, alone, keys = self._groups(min(len(text) // _LENGTH_STEP, self._last_group))
            if joined is None or not joined.fullmatch(text):
                low = text.lower() if text.isascii() or not FOLDS_TO_ASCII.search(text) else None  # None: keys untested
                if low is not None and keys is not None and not any(map(low.__contains__, keys)):
                    return None
                if not any(self._matches(k, shape, text, low) for k, shape in alone):
                    return None
        return next((k for k, rx in enumerate(self.patterns) if rx.fullmatch(text)), None)

    def _patterns_for(self, group: int) -> tuple[re.Pattern | None, tuple[tuple[int, _Shape], ...], tuple[str, ...] | None]:
        """The patterns that can match a line of a length group: the joinable ones as one alternation (one
        regex call for dozens), and apart, the others with their shapes and all their keys (None if one
        has none), so that a line holding no key is spared them all at once."""
        first = group * _LENGTH_STEP
        last = math.inf if group == self._last_group else first + _LENGTH_STEP - 1
        fit = [k for k, s in enumerate(self._shapes) if s.shortest <= last and s.longest >= first]
        joined = "|".join(f"(?:{self.patterns[k].pattern})" for k in fit if self._shapes[k].joinable)
        alone = tuple((k, self._shapes[k]) for k in fit if not self._shapes[k].joinable)
        keys = tuple(sorted({key for _, s in alone for key in s.key})) if all(s.key for _, s in alone) else None
        return (re.compile(joined, re.I) if joined else None), alone, keys

    def _matches(self, k: int, shape: _Shape, text: str, low: str | None) -> bool:
        if low is not None and shape.key and not any(map(low.__contains__, shape.key)):
            return False
        # A line holds no newline, the one character "." refuses: ".*" takes any start of it, so the rest
        # is tried only where it could begin, not from every place a backtracking ".*" would go to.
        start = 0 if shape.from_end is None else max(0, len(text) - shape.from_end)
        return self.patterns[k].fullmatch(text, start) is not None


_REPEATS = (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT) if regex_parser else ()


def _shape(rx: re.Pattern) -> _Shape:
    """What the parser tells of a pattern compiled with re.I (the furniture patterns are)."""
    pattern = rx.pattern
    parsed = regex_parser.parse(pattern, rx.flags)
    shortest, longest = parsed.getwidth()
    leading_any = _is_wildcard(parsed.data[:1]) and parsed[0][1][:2] == (0, MAXREPEAT)
    # An opening wildcard backtracks over the whole line, so it is kept out of the alternation, and so
    # are group references and global flags, which would mean something else inside it.
    joinable = (not _opens_with_wildcard(parsed) and not re.search(r"\\[1-9]|\(\?P=|\(\?\(", pattern)
                and not parsed.state.flags & ~(re.I | re.U))
    from_end = parsed[1:].getwidth()[1] if leading_any else None
    # of the sets of strings a match holds one of, the quickest to test: fewest strings, longest
    key = min(_needs(parsed), key=lambda strings: (len(strings), -min(map(len, strings))), default=())
    return _Shape(shortest, longest, joinable, from_end, tuple(sorted(key)))


def _is_wildcard(items) -> bool:
    """Whether ``items`` (a parsed pattern's first item, or none) is "." repeated."""
    return bool(items) and items[0][0] in _REPEATS and list(items[0][1][2]) == [(ANY, None)]


def _opens_with_wildcard(parsed) -> bool:
    op, av = parsed[0] if parsed else (None, None)
    if op is BRANCH:
        return any(_opens_with_wildcard(alternative) for alternative in av[1])
    return _opens_with_wildcard(av[-1]) if op is SUBPATTERN else _is_wildcard(parsed.data[:1])


def _needs(parsed) -> list[frozenset[str]]:
    """Sets of strings of which a match of a parsed pattern holds one each: its runs of ASCII literals,
    lowercased (see _FOLDS_TO_ASCII), outside optional parts; of alternatives, one set from each."""
    needs: list[frozenset[str]] = []
    run = ""
    for op, av in [*parsed, (None, None)]:
        if op is LITERAL and chr(av).isascii():
            run += chr(av).lower()
            continue
        if run:
            needs.append(frozenset([run]))
            run = ""
        if op is SUBPATTERN:
            needs += _needs(av[-1])
        elif op in _REPEATS and av[0] >= 1:
            needs += _needs(av[2])
        elif op is BRANCH:
            options = [_needs(alternative) for alternative in av[1]]
            if all(options):  # every alternative holds a string: the surest one of each
                needs.append(frozenset().union(*(max(o, key=lambda strings: min(map(len, strings))) for o in options)))
    return needs
