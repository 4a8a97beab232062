"""Working days (工作日) of a hall's calendar: follow-up deadlines (差评整改时限), the promised and
statutory time limits of matters (承诺时限/法定时限), bookable days.

A bad review must be followed up within N working days (5 by default; local rules differ: 5 in
Dezhou, 15 in a Sichuan city). The review's own day never counts: a review on Monday with a
5-working-day limit is due by the end of the following Monday. China moves working days around
public holidays (调休): ``holidays`` are weekdays off, ``extra_workdays`` are weekend days worked.
Standard library only; days come in as ``date`` objects.

A hall's calendar is configured per year, as the State Council announces it each December::

    calendar:
      2026:
        holidays: [2026-01-01..2026-01-03, 2026-10-01..2026-10-07]   # days off, ranges allowed
        workdays: [2026-01-04, 2026-10-10]                           # 调休: weekend days worked

The older ``followup_holidays`` / ``followup_workdays`` lists still count, for every purpose.
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


def add_working_days(calendar: WorkCalendar, start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself never counts): the deadline
    of something accepted on ``start`` with a limit of ``days`` working days. 0 = ``start``."""
    if not isinstance(calendar, WorkCalendar) or not isinstance(start, date):
        raise TypeError("add_working_days(calendar, start, days)")
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
    """Dates from a list of ``YYYY-MM-DD`` and ``YYYY-MM-DD..YYYY-MM-DD`` (both ends included)."""
    if value is None:
        return frozenset()
    message = f"{name} must be a list of dates (YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD)"
    if not isinstance(value, (list, tuple)):
        raise invalid_request(message)
    days = set()
    try:
        for item in value:
            first_text, _, last_text = str(item).partition("..")
            first = date.fromisoformat(first_text.strip())
            last = date.fromisoformat(last_text.strip()) if last_text else first
            if last < first or (last - first).days > 366:
                raise ValueError
            days.update(first + timedelta(days=n) for n in range((last - first).days + 1))
    except ValueError:
        raise invalid_request(message)
    return frozenset(days)


def hall_calendar(options: dict) -> WorkCalendar:
    """The hall's working-day calendar from its options: ``calendar`` (per year) and the older
    ``followup_holidays`` / ``followup_workdays``. A day both off and worked is refused."""
    holidays = set(_dates(options.get("followup_holidays"), "followup_holidays"))
    workdays = set(_dates(options.get("followup_workdays"), "followup_workdays"))
    years = options.get("calendar") or {}
    if not isinstance(years, dict):
        raise invalid_request("calendar must map a year to its holidays and workdays")
    for year, spec in years.items():
        if not str(year).isdigit() or not isinstance(spec, dict) or set(spec) - {
                "holidays", "workdays"}:
            raise invalid_request(f"calendar {year}: expected a year with 'holidays' and "
                                  "'workdays' lists")
        holidays |= _dates(spec.get("holidays"), f"calendar {year} holidays")
        workdays |= _dates(spec.get("workdays"), f"calendar {year} workdays")
    both = sorted(holidays & workdays)
    if both:
        raise invalid_request(f"calendar: {both[0].isoformat()} is both a holiday and a workday")
    return WorkCalendar(frozenset(holidays), frozenset(workdays))


def followup_rules(options: dict) -> tuple[int, WorkCalendar]:
    """The hall's follow-up limit and calendar from its options (``followup_days``,
    ``followup_holidays``, ``followup_workdays``), with the defaults."""
    days = options.get("followup_days", DEFAULT_FOLLOWUP_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_FOLLOWUP_DAYS:
        raise invalid_request(f"followup_days must be a whole number from 1 to {MAX_FOLLOWUP_DAYS}")
    return days, hall_calendar(options)
