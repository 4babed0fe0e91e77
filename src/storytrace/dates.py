"""Publication dates: ISO-8601 strings in, naive datetimes (time zone dropped) out, None if unusable."""

from __future__ import annotations

from datetime import datetime


def parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None
