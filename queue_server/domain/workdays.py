"""Working days for follow-up deadlines (差评整改时限): weekends and a hall's holidays skipped.

A bad review must be followed up within N working days (5 by default; local rules differ: 5 in
Dezhou, 15 in a Sichuan city). The review's own day never counts: a review on Monday with a
5-working-day limit is due by the end of the following Monday. China moves working days around
public holidays (调休): ``holidays`` are weekdays off, ``extra_workdays`` are weekend days worked.
Standard library only; days come in as ``date`` objects.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from queue_server.domain.errors import invalid_request

DEFAULT_FOLLOWUP_DAYS = 5
MAX_FOLLOWUP_DAYS = 60
WEEKEND = (5, 6)  # Saturday, Sunday


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset = field(default_factory=frozenset)
    extra_workdays: frozenset = field(default_factory=frozenset)

    def is_workday(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        return day.weekday() not in WEEKEND and day not in self.holidays


def add_working_days(start: date, days: int, calendar: WorkCalendar = WorkCalendar()) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself never counts)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if calendar.is_workday(day):
            left -= 1
    return day


def working_days_left(today: date, deadline: date, calendar: WorkCalendar = WorkCalendar()) -> int:
    """Working days from tomorrow up to the deadline (0 on the deadline day, negative after)."""
    if today > deadline:
        return -sum(1 for n in range(1, (today - deadline).days + 1)
                    if calendar.is_workday(deadline + timedelta(days=n)))
    return sum(1 for n in range(1, (deadline - today).days + 1)
               if calendar.is_workday(today + timedelta(days=n)))


def is_overdue(today: date, deadline: date) -> bool:
    """Overdue once the deadline day has ended in the hall's time zone."""
    return today > deadline


def _dates(value, name: str) -> frozenset:
    if value is None:
        return frozenset()
    if not isinstance(value, (list, tuple)):
        raise invalid_request(f"{name} must be a list of dates (YYYY-MM-DD)")
    try:
        return frozenset(date.fromisoformat(str(item)) for item in value)
    except ValueError:
        raise invalid_request(f"{name} must be a list of dates (YYYY-MM-DD)")


def followup_rules(options: dict) -> tuple[int, WorkCalendar]:
    """The hall's follow-up limit and calendar from its options (``followup_days``,
    ``followup_holidays``, ``followup_workdays``), with the defaults."""
    days = options.get("followup_days", DEFAULT_FOLLOWUP_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_FOLLOWUP_DAYS:
        raise invalid_request(f"followup_days must be a whole number from 1 to {MAX_FOLLOWUP_DAYS}")
    calendar = WorkCalendar(_dates(options.get("followup_holidays"), "followup_holidays"),
                            _dates(options.get("followup_workdays"), "followup_workdays"))
    return days, calendar
