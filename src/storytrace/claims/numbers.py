"""Figures: a value with what it counts ("40 drone attacks", "$2.5 billion", "29%", "five people").

Equal values written differently are equal: digits with or without thousands separators, number
words ("one thousand", "five"), scales ("2.5bn", "2.5 billion"), per cent in its spellings, and
fractions ("a third", "half"). Dates, times, years, ordinals and numbers inside names ("Nord
Stream 2", "Block 58", "F-16") are not figures: a rewrite restating them is not a changed fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {
    "$": "usd", "us$": "usd", "€": "eur", "£": "gbp", "¥": "jpy", "₹": "inr",
    "dollar": "usd", "dollars": "usd", "euro": "eur", "euros": "eur", "pound": "gbp", "pounds": "gbp",
    "yen": "jpy", "yuan": "cny", "rupees": "inr", "rubles": "rub", "roubles": "rub", "hryvnias": "uah",
    "%": "percent", "percent": "percent", "per cent": "percent", "pct": "percent", "percentage points": "points",
}
_SCALES = {"hundred": 1e2, "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6,
           "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "dozen": 12}
_SMALL = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"}
_FRACTIONS = {"half": 0.5, "third": 1 / 3, "quarter": 0.25, "fifth": 0.2, "tenth": 0.1}
_MONTHS = frozenset("""january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec""".split())
# what a number next to these words is: a time, an age or a date, not a counted figure
_TIME_WORDS = frozenset("a.m am p.m pm gmt bst edt est utc cet o'clock hours-long".split())
# words that end a counted phrase
_STOP = frozenset("""the a an of in on at to for from by with and or but as than that which who whom whose
this these those it its is are was were be been being has have had will would could may might must should
can said says say told after before during over under into onto about around since until while when where
per each more less than up down off out other others' their his her our your my them they he she we you i not no""".split())

_NUMBER_WORD = "|".join(sorted(list(_SMALL) + list(_TENS) + ["hundred", "thousand", "million", "billion",
                                                               "trillion", "dozen"], key=len, reverse=True))
_FIGURE_RE = re.compile(
    r"(?<![\w.\-/:])"
    r"(?P<cur>US\$|\$|€|£|¥|₹)?\s?"
    r"(?:(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    rf"|(?P<words>(?:(?:{_NUMBER_WORD})(?:[\s\-]+(?:and\s+)?)?)*(?:{_NUMBER_WORD}))"
    r"|(?P<frac>(?:a|one)[\s\-](?:half|third|quarter|fifth|tenth)|half))"
    r"(?P<scale>\s?(?:hundred|thousand|million|billion|trillion|bn|mn|mln|tn|[kmb])(?![\w]))?"
    r"(?P<pct>\s?(?:%|per\s?cent|pct|percentage points)(?!\w))?",
    re.IGNORECASE)
_VERBS = frozenset("""hurt died dead left remain remains lost lose fell fall rose rise went go came come got get
took take made make say says said saw see run ran hit put set cut""".split())
_WORD_RE = re.compile(r"[^\W_]+(?:[’'\-][^\W_]+)*")


@dataclass
class Figure:
    start: int
    end: int  # the figure and what it counts
    value: float
    unit: str | None  # currency or percent
    counted: tuple[str, ...]  # the counted words after it, folded ("drone", "attacks")
    text: str


def _words_value(words: str) -> float | None:
    total, current = 0.0, 0.0
    for w in re.split(r"[\s\-]+", words.lower()):
        if w in ("and", ""):
            continue
        if w in _SMALL:
            current += _SMALL[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w in ("hundred", "dozen"):
            current = (current or 1) * _SCALES[w]
        elif w in ("thousand", "million", "billion", "trillion"):
            total += (current or 1) * _SCALES[w]
            current = 0.0
        else:
            return None
    return total + current


def _fold(word: str) -> str:
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 3 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def _counted(text: str, end: int, limit: int) -> tuple[tuple[str, ...], int]:
    """Up to three words after a figure, to the first function word or punctuation: what it counts."""
    words, stop = [], end
    for m in _WORD_RE.finditer(text, end, min(limit, end + 60)):
        gap = text[stop:m.start()]
        if gap.strip() not in ("", "-") or m.group().lower() in _STOP or len(words) == 3:
            break
        if m.group()[0].isdigit():
            break
        low = m.group().lower()
        if words and (low.endswith("ed") or low in _VERBS):
            break  # "five people hurt", "34 officers killed": the counted thing ends at its verb
        words.append(_fold(m.group()))
        stop = m.end()
    return tuple(words), stop


def _is_name_number(text: str, start: int, sentence_start: int) -> bool:
    """A number right after a capitalised word inside a sentence names something ("Nord Stream 2")."""
    m = re.search(r"([^\W\d_][\w’'\-]*)\.?\s+$", text[max(sentence_start, start - 40):start])
    if not m:
        return False
    word = m.group(1)
    if word.lower() in _MONTHS:
        return True  # "Sept. 28" is a date, not a name; excluded alike
    at_sentence_start = not text[sentence_start:start - len(m.group())].strip()
    return word[0].isupper() and not at_sentence_start and word.lower() not in ("us", "u.s")


def figures(text: str, start: int, end: int) -> list[Figure]:
    """The counted figures in ``text[start:end]`` (a sentence)."""
    out = []
    for m in _FIGURE_RE.finditer(text, start, end):
        if not m.group().strip() or not (m.group("num") or m.group("words") or m.group("frac")):
            continue
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        cur, pct = m.group("cur"), m.group("pct")
        scale = (m.group("scale") or "").strip().lower()
        if m.group("num"):
            raw = m.group("num")
            value = float(raw.replace(",", ""))
            after = text[m.end("num"):m.end("num") + 12]
            before = text[max(start, s - 12):s]
            nxt = text[e:e + 1]
            # times, dates, years, ordinals, ranges of a code ("F-16", "COVID-19", "2023-09-28")
            if re.match(r"[:/]\d|st\b|nd\b|rd\b|th\b|\.\d+\.", after) or before[-1:] in (":", "/", "-"):
                continue
            if nxt.isalpha() and not (scale or pct):
                continue  # "3D", "5G": part of a word
            if not (cur or pct or scale) and "," not in raw and "." not in raw and 1800 <= value <= 2100:
                continue  # a year
            if _is_name_number(text, s, start):
                continue
            follow = text[e:e + 12].lower().lstrip()
            if not (cur or pct or scale) and (follow.split(" ")[0].strip(".,;") in _TIME_WORDS
                                               or follow.split(" ")[0].strip(".,;") in _MONTHS):
                continue
            if scale in ("m", "b", "k") and not cur:
                continue  # "5 m" is five metres, not five million
        elif m.group("words"):
            words = m.group("words")
            if words.lower() in ("one", "hundred", "thousand", "million", "billion", "trillion", "dozen"):
                continue  # "one of them", "hundreds": not a stated figure
            value = _words_value(words)
            if value is None:
                continue
            if not (cur or pct) and not scale and re.match(r"\s*(?:o'clock|years? old|-year-old)", text[e:e + 14]):
                continue
        else:
            frac = m.group("frac").lower().split()[-1].split("-")[-1]
            following = text[e:e + 4].lower()
            if not following.startswith(" of"):
                continue  # "a third time" is an ordinal; "a third of the" a fraction
            value = _FRACTIONS[frac]
        value *= _SCALES.get(scale, 1.0)
        unit = _UNITS.get((cur or "").lower()) or ("percent" if pct and "point" not in pct.lower() else
                                                   "points" if pct else None)
        counted, stop = _counted(text, e, end)
        if unit is None and counted and _UNITS.get(counted[0]) and _UNITS.get(counted[0]) != "percent":
            unit = _UNITS[counted[0]]  # "2.4 billion euros"
        out.append(Figure(s, max(e, stop), round(value, 6), unit, counted, text[s:max(e, stop)]))
    return out


def same_thing(a: Figure, b: Figure) -> bool:
    """Whether two figures count the same thing: the same unit, and counted words in common (or,
    for a bare currency or percentage, none on either side)."""
    if a.unit != b.unit:
        return False
    if a.counted and b.counted:
        return bool(set(a.counted) & set(b.counted))
    return a.unit is not None and not a.counted and not b.counted
