"""Publication dates.

``parse_date``: an ISO-8601 string in, a naive UTC datetime out (None if unusable), for comparing
dates. ``date_from_text``: a date written for people ("Thursday 28 September 2023 13:26 BST",
"Sept. 28, 2023 10:15 a.m. EDT", "2023-09-28") as an ISO-8601 string, or None: only what the
text states, nothing guessed (no relative dates, no ambiguous "09/10/2023", no year assumed).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone


def parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:  # compare instants: 13:26 BST is 12:26 UTC
        parsed = parsed.astimezone(timezone.utc)
    return parsed.replace(tzinfo=None)


_MONTHS = {m: i for i, names in enumerate(
    ["jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
     "aug august", "sep sept september", "oct october", "nov november", "dec december"], 1)
    for m in names.split()}
# Unambiguous abbreviations only (IST, CST could be several zones; CST is taken as US Central, the
# one news sites print).
_ZONES = {"utc": 0, "gmt": 0, "z": 0, "bst": 60, "cet": 60, "cest": 120, "eet": 120, "eest": 180,
          "msk": 180, "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360,
          "pst": -480, "pdt": -420, "aest": 600, "aedt": 660, "jst": 540, "kst": 540, "hkt": 480, "sgt": 480}

_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_MONTH = r"(?P<month>[a-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_TIME = (r"(?:(?:,|\s+at|\s*[-–—|])?\s+(?P<hour>\d{1,2})[:.](?P<minute>\d\d)(?::(?P<second>\d\d))?"
         r"\s*(?P<ampm>[ap]\.?m\.?)?(?:\s*(?P<zone>[a-z]{1,5}|[+-]\d\d:?\d\d|(?:utc|gmt)[+-]\d{1,2}(?::?\d\d)?))?)?")
_PATTERNS = [re.compile(p + _TIME + r"$", re.I) for p in (
    _WEEKDAY + _DAY + r"\s+" + _MONTH + r",?\s+" + _YEAR,           # Thursday 28 September 2023
    _WEEKDAY + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR,           # Thursday, September 28, 2023
    r"(?P<year>(?:19|20)\d\d)-(?P<nmonth>\d\d)-(?P<day>\d\d)",       # 2023-09-28
)]


def date_from_text(text: str) -> str | None:
    """The date a short text (a line) consists of, as ISO-8601 ("2023-09-28" or with time and
    offset "2023-09-28T13:26:00+01:00"), or None when the text is not just a date."""
    text = " ".join(text.split()).strip(" .")
    if len(text) > 80:
        return None
    iso = _iso(text)
    if iso:
        return iso
    for rx in _PATTERNS:
        m = rx.fullmatch(text)
        if m:
            return _build(m)
    return None


def _iso(text: str) -> str | None:
    if not re.fullmatch(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?", text):
        return None
    parsed = parse_date(text)
    return text.replace(" ", "T") if parsed else None


def _build(m: re.Match) -> str | None:
    g = m.groupdict()
    month = int(g["nmonth"]) if g.get("nmonth") else _MONTHS.get(g["month"].lower())
    if not month:
        return None
    try:
        day = datetime(int(g["year"]), month, int(g["day"]))
    except ValueError:
        return None
    if g.get("hour") is None:
        return day.date().isoformat()
    hour, minute, second = int(g["hour"]), int(g["minute"]), int(g["second"] or 0)
    ampm = (g["ampm"] or "").replace(".", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    stamp = day.replace(hour=hour, minute=minute, second=second)
    offset = _offset(g["zone"])
    if g["zone"] and offset is None:
        return None  # an unknown zone word: not a date line we can read faithfully
    if offset is None:
        return stamp.isoformat()
    return stamp.replace(tzinfo=timezone(timedelta(minutes=offset))).isoformat()


def _offset(zone: str | None) -> int | None:
    if not zone:
        return None
    zone = zone.lower()
    if zone in _ZONES:
        return _ZONES[zone]
    m = re.fullmatch(r"(?:utc|gmt)?([+-])(\d{1,2}):?(\d\d)?", zone)
    if not m:
        return None
    minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
    return minutes if m.group(1) == "+" else -minutes
