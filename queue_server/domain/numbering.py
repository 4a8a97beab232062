"""Ticket numbers and the hall's calendar day.

A ticket number is the service prefix plus a daily counter (``A001``). Counters restart at local
midnight in the hall's timezone, not at UTC midnight: in Asia/Shanghai the new day starts at
16:00 UTC.
"""

import re
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from queue_server.domain.errors import invalid_request

SERVICE_CODE_RE = re.compile(r"[A-Z]{1,2}")


def validate_service_code(code) -> str:
    """Return ``code`` when it is one or two capital ASCII letters, else raise invalid_request."""
    if not isinstance(code, str) or not SERVICE_CODE_RE.fullmatch(code):
        raise invalid_request("service code must be one or two capital letters A-Z")
    return code


def format_ticket_number(prefix: str, seq: int) -> str:
    """``A`` and 1 -> ``A001``: at least three digits, so ``A1000`` follows ``A999``."""
    if seq < 1:
        raise ValueError("ticket sequence numbers start at 1")
    return f"{prefix}{seq:03d}"


def local_day(now_utc: datetime, tz: str) -> date:
    """The hall's local calendar day at the aware instant ``now_utc``."""
    require_aware(now_utc)
    return now_utc.astimezone(ZoneInfo(tz)).date()


def local_midnight_utc(day: date, tz: str) -> datetime:
    """The UTC instant at which the local ``day`` starts in timezone ``tz``."""
    local_start = datetime.combine(day, time(0), tzinfo=ZoneInfo(tz))
    return local_start.astimezone(timezone.utc)


def require_aware(moment: datetime) -> None:
    """Raise ValueError for a naive datetime: local days are meaningless without a zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
