"""Appointments (预约取号): slots, bookable days, the day's reserved places, check-in and 爽约.

A service that takes bookings says so in the hall file::

    booking: {enabled: true, slot_min: 30, places: 4, days_ahead: 5, reserved: 20}

Slots cut the service's opening periods (``domain/hours``) into ``slot_min`` pieces; a piece
that does not fit before a period ends is dropped, so the lunch gap between periods never holds
a slot. Bookable days are the next ``days_ahead`` working days of the hall's calendar
(``domain/workdays.WorkCalendar``), today excluded. ``reserved`` of the service's daily quota
(限号) are kept for bookings: walk-ins get ``daily_quota - reserved`` and bookings at most
``reserved``, so together they never pass the quota. Check-in is allowed from
``checkin_before_min`` before the slot to ``checkin_after_min`` after its start. A person with
``limit`` missed bookings (爽约) within ``days`` days may not book for ``block_days`` days.
Standard library only.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from queue_server.domain.errors import DomainError, invalid_request
from queue_server.domain.numbering import require_aware
from queue_server.domain.workdays import WorkCalendar

MAX_DAYS_AHEAD = 60
_PHONE_RE = re.compile(r"1[3-9][0-9]{9}")
_PREFIX_RE = re.compile(r"[A-Z]{0,2}")


@dataclass(frozen=True)
class BookingRules:
    slot_min: int
    places: int
    days_ahead: int
    reserved: int | None = None  # None: no daily quota, the slots' places are the only limit
    checkin_before_min: int = 30
    checkin_after_min: int = 15
    prefix: str = ""  # a booked ticket's own number prefix ("" = the service's)


@dataclass(frozen=True)
class NoShowRule:
    limit: int = 3
    days: int = 30
    block_days: int = 30


def _whole(spec: dict, key: str, where: str, low: int, high: int, default=None) -> int:
    value = spec.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid_request(f"{where}: booking '{key}' must be a whole number from {low} to "
                              f"{high}")
    return value


_KEYS = {"enabled", "slot_min", "places", "days_ahead", "reserved", "checkin_before_min",
         "checkin_after_min", "prefix"}


def parse_booking(spec, where: str, periods: tuple, daily_quota: int | None) -> BookingRules | None:
    """The rules of ``booking:`` (None when absent or not enabled); clear errors otherwise."""
    if spec is None:
        return None
    if not isinstance(spec, dict):
        raise invalid_request(f"{where}: 'booking' must be a mapping like "
                              "{enabled: true, slot_min: 30, places: 4, days_ahead: 5}")
    unknown = sorted(set(spec) - _KEYS)
    if unknown:
        raise invalid_request(f"{where}: unknown booking key {unknown[0]!r}")
    if not isinstance(spec.get("enabled", True), bool):
        raise invalid_request(f"{where}: booking 'enabled' must be true or false")
    if not spec.get("enabled", True):
        return None
    if not periods:
        raise invalid_request(f"{where}: booking needs the service's 'hours' to cut slots from")
    rules = BookingRules(
        _whole(spec, "slot_min", where, 5, 240), _whole(spec, "places", where, 1, 1000),
        _whole(spec, "days_ahead", where, 1, MAX_DAYS_AHEAD),
        _reserved(spec, where, daily_quota),
        _whole(spec, "checkin_before_min", where, 0, 240, 30),
        _whole(spec, "checkin_after_min", where, 0, 240, 15), _prefix(spec, where))
    if not slot_starts(periods, rules.slot_min):
        raise invalid_request(f"{where}: no {rules.slot_min}-minute slot fits in the hours")
    return rules


def _reserved(spec: dict, where: str, daily_quota: int | None) -> int | None:
    if daily_quota is None:
        if spec.get("reserved") is not None:
            raise invalid_request(f"{where}: booking 'reserved' needs a 'daily_quota'")
        return None
    if spec.get("reserved") is None:
        raise invalid_request(f"{where}: booking 'reserved' is needed with a 'daily_quota': the "
                              "share of the day's tickets kept for bookings")
    return _whole(spec, "reserved", where, 1, daily_quota)


def _prefix(spec: dict, where: str) -> str:
    prefix = spec.get("prefix", "")
    if not isinstance(prefix, str) or not _PREFIX_RE.fullmatch(prefix):
        raise invalid_request(f"{where}: booking 'prefix' must be up to two capital letters")
    return prefix


def slot_starts(periods: tuple, slot_min: int) -> list[time]:
    """Start times of the slots: each period cut in ``slot_min`` pieces that fit entirely."""
    starts = []
    for start, end in periods:
        minute, last = start.hour * 60 + start.minute, end.hour * 60 + end.minute
        while minute + slot_min <= last:
            starts.append(time(minute // 60, minute % 60))
            minute += slot_min
    return starts


def bookable_days(calendar: WorkCalendar, today: date, days_ahead: int) -> list[date]:
    """The next ``days_ahead`` working days after ``today``."""
    days, day = [], today
    while len(days) < days_ahead:
        day += timedelta(days=1)
        if calendar.is_workday(day):
            days.append(day)
    return days


def parse_slot(text, starts: list[time]) -> time:
    """A slot start ``"09:30"`` that is one of ``starts``; else ``unknown_slot``."""
    try:
        value = time.fromisoformat(text) if isinstance(text, str) and len(text) == 5 else None
    except ValueError:
        value = None
    if value is None or value not in starts:
        raise DomainError("unknown_slot", f"no booking slot {text!r} on that day")
    return value


def parse_day(text, days: list[date]) -> date:
    try:
        value = date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        value = None
    if value is None:
        raise invalid_request("day must be a date like 2026-03-03")
    if value not in days:
        raise DomainError("day_not_bookable", f"{value.isoformat()} cannot be booked")
    return value


def walkin_quota(daily_quota: int | None, rules: BookingRules | None) -> int | None:
    """The daily quota left to walk-ins once the bookings' share is set aside."""
    if daily_quota is None or rules is None or not rules.reserved:
        return daily_quota
    return daily_quota - rules.reserved


def slot_utc(day: date, start: time, tz: str) -> datetime:
    return datetime.combine(day, start, ZoneInfo(tz)).astimezone(timezone.utc)


def check_in_window(slot_start_utc: datetime, now_utc: datetime, rules: BookingRules):
    """``("early", opens_at)``, ``("ok", None)`` or ``("late", None)`` for a check-in now."""
    require_aware(now_utc)
    opens = slot_start_utc - timedelta(minutes=rules.checkin_before_min)
    if now_utc < opens:
        return "early", opens
    if now_utc > slot_start_utc + timedelta(minutes=rules.checkin_after_min):
        return "late", None
    return "ok", None


def blocked_until(missed: list[date], today: date, rule: NoShowRule) -> date | None:
    """The last day a person may not book (None = may book): ``rule.limit`` misses within
    ``rule.days`` days block until ``rule.block_days`` days after the latest of them."""
    recent = sorted(missed)
    untils = [recent[i + rule.limit - 1] + timedelta(days=rule.block_days)
              for i in range(len(recent) - rule.limit + 1)
              if (recent[i + rule.limit - 1] - recent[i]).days < rule.days]
    until = max(untils, default=None)
    return until if until is not None and until >= today else None


def parse_no_show_rule(spec, where: str = "hall") -> NoShowRule:
    if spec is None:
        return NoShowRule()
    if not isinstance(spec, dict) or set(spec) - {"limit", "days", "block_days"}:
        raise invalid_request(f"{where}: 'booking_no_show' must be a mapping of limit, days, "
                              "block_days")
    return NoShowRule(_whole(spec, "limit", where, 1, 100, 3),
                      _whole(spec, "days", where, 1, 365, 30),
                      _whole(spec, "block_days", where, 1, 365, 30))


def mask_phone(text) -> str:
    """A mainland mobile number, masked ``138****1234``; ``invalid_phone`` otherwise."""
    number = re.sub(r"[\s-]", "", text) if isinstance(text, str) else ""
    if number.startswith("+86"):
        number = number[3:]
    if not _PHONE_RE.fullmatch(number):
        raise DomainError("invalid_phone", "mobile number must be 11 digits starting with 1")
    return number[:3] + "****" + number[-4:]
