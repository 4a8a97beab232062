"""The ``from``/``to`` query dates of reports, ledgers and exports: the hall's local days, both
ends included, at most a year (366 days), between 1970 and 2099 (outside them the arithmetic on
epoch seconds overflows). Each use case chooses its own defaults."""

import re
from datetime import date

from queue_server.domain.errors import invalid_request

MAX_DAYS = 366
FIRST_DAY = date(1970, 1, 2)
LAST_DAY = date(2099, 12, 31)
# date.fromisoformat also takes 20261203 and 2026-W49-4: only the extended calendar form counts.
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(value, default: date, name: str) -> date:
    """A ``YYYY-MM-DD`` query value; ``default`` when it is absent or empty."""
    if value in (None, ""):
        return default
    try:
        if not _DAY.fullmatch(value):
            raise ValueError(value)
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        raise invalid_request(f"'{name}' must be a date YYYY-MM-DD")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise invalid_request(f"'{name}' must be between {FIRST_DAY} and {LAST_DAY}")
    return day


def checked(start: date, end: date) -> tuple[date, date]:
    if end < start or (end - start).days >= MAX_DAYS:
        raise invalid_request("'to' must be on or after 'from', at most a year later")
    return start, end
