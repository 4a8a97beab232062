"""The ``from``/``to`` query dates of reports, ledgers and exports: the hall's local days, both
ends included, at most a year (366 days). Each use case chooses its own defaults."""

from datetime import date

from queue_server.domain.errors import invalid_request

MAX_DAYS = 366


def parse_day(value, default: date, name: str) -> date:
    """A ``YYYY-MM-DD`` query value; ``default`` when it is absent or empty."""
    if value in (None, ""):
        return default
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise invalid_request(f"'{name}' must be a date YYYY-MM-DD")


def checked(start: date, end: date) -> tuple[date, date]:
    if end < start or (end - start).days >= MAX_DAYS:
        raise invalid_request("'to' must be on or after 'from', at most a year later")
    return start, end
