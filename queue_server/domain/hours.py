"""Opening periods and the daily quota (限号) of a service.

Periods are written ``"08:30-12:00"`` in the hall's local time; the start is inclusive and the
end exclusive. No periods at all means the service is always open.
"""

import re
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from queue_server.domain.errors import DomainError, invalid_request
from queue_server.domain.numbering import require_aware

Period = tuple[time, time]

_PERIOD_RE = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])\s*-\s*([01][0-9]|2[0-3]):([0-5][0-9])")


def parse_hours(spec: list[str] | None) -> tuple[Period, ...]:
    """Parse ``["08:30-12:00", "14:00-17:30"]`` into sorted ``(start, end)`` periods.

    None or an empty list means always open (an empty tuple). Raises invalid_request for a bad
    format, an end not after its start, or periods that overlap (touching ones are fine).
    """
    if not spec:
        return ()
    if isinstance(spec, str) or not isinstance(spec, (list, tuple)):
        raise invalid_request('hours must be a list like ["08:30-12:00", "14:00-17:30"]')
    periods = sorted(_parse_period(entry) for entry in spec)
    for earlier, later in zip(periods, periods[1:]):
        if later[0] < earlier[1]:
            raise invalid_request(f"opening periods overlap: {_show(earlier)} and {_show(later)}")
    return tuple(periods)


def _parse_period(entry) -> Period:
    match = _PERIOD_RE.fullmatch(entry.strip()) if isinstance(entry, str) else None
    if match is None:
        raise invalid_request(f"opening period {entry!r} must look like 08:30-12:00")
    start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
    start, end = time(start_h, start_m), time(end_h, end_m)
    if end <= start:
        raise invalid_request(f"opening period {entry!r} must end after it starts")
    return start, end


def _show(period: Period) -> str:
    return f"{period[0]:%H:%M}-{period[1]:%H:%M}"


def is_open(periods: tuple[Period, ...], now_utc: datetime, tz: str) -> bool:
    """True when the local time falls in a period (start inclusive, end exclusive)."""
    require_aware(now_utc)
    if not periods:
        return True
    local_time = now_utc.astimezone(ZoneInfo(tz)).time()
    return any(start <= local_time < end for start, end in periods)


def open_since(periods: tuple[Period, ...], now_utc: datetime, tz: str) -> datetime | None:
    """The UTC start of the opening period that ``now_utc`` falls in (local midnight when there
    are no periods: always open), or None when closed."""
    require_aware(now_utc)
    local = now_utc.astimezone(ZoneInfo(tz))
    if not periods:
        start = time(0)
    else:
        start = next((a for a, b in periods if a <= local.time() < b), None)
        if start is None:
            return None
    return datetime.combine(local.date(), start, ZoneInfo(tz)).astimezone(timezone.utc)


def quota_left(daily_quota: int | None, issued_today: int) -> int | None:
    """Tickets still available today; None when the service has no daily quota."""
    if daily_quota is None:
        return None
    return max(daily_quota - issued_today, 0)


def check_can_issue(periods: tuple[Period, ...], daily_quota: int | None, issued_today: int,
                    now_utc: datetime, tz: str) -> None:
    """Raise ``service_closed`` outside the opening periods, ``quota_exhausted`` at the quota."""
    check_open(periods, now_utc, tz)
    check_quota(daily_quota, issued_today)


def check_open(periods: tuple[Period, ...], now_utc: datetime, tz: str) -> None:
    """Raise ``service_closed`` outside the opening periods (before a ticket takes a number)."""
    if not is_open(periods, now_utc, tz):
        raise DomainError("service_closed", "The service is not open at this time")


def check_quota(daily_quota: int | None, issued_today: int) -> None:
    """Raise ``quota_exhausted`` past the day's quota (once the number is taken)."""
    if quota_left(daily_quota, issued_today) == 0:
        raise DomainError("quota_exhausted", "Today's tickets for this service are all taken")
