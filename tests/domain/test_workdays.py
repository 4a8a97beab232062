"""Working-day deadlines for bad-review follow-up."""

from datetime import date

import pytest

from queue_server.domain.errors import DomainError
from queue_server.domain.workdays import (
    WorkCalendar,
    add_working_days,
    followup_rules,
    hall_calendar,
    is_overdue,
    working_days_left,
)

MONDAY = date(2026, 3, 2)
FRIDAY = date(2026, 3, 6)
PLAIN = WorkCalendar()


def test_five_working_days_from_monday_is_next_monday():
    assert add_working_days(PLAIN, MONDAY, 5) == date(2026, 3, 9)


def test_a_friday_review_skips_the_weekend():
    assert add_working_days(PLAIN, FRIDAY, 1) == date(2026, 3, 9)


def test_a_saturday_review_counts_from_monday():
    assert add_working_days(PLAIN, date(2026, 3, 7), 1) == date(2026, 3, 9)


def test_holidays_are_skipped():
    calendar = WorkCalendar(holidays=frozenset({date(2026, 3, 3)}))
    assert add_working_days(calendar, MONDAY, 1) == date(2026, 3, 4)


def test_a_worked_weekend_day_counts():
    calendar = WorkCalendar(extra_workdays=frozenset({date(2026, 3, 7)}))
    assert add_working_days(calendar, FRIDAY, 1) == date(2026, 3, 7)


def test_national_day_week_pushes_the_deadline_past_it():
    golden_week = WorkCalendar(holidays=frozenset(date(2026, 10, d) for d in range(1, 8)))
    assert add_working_days(golden_week, date(2026, 9, 30), 5) == date(2026, 10, 14)


def test_overdue_only_after_the_deadline_day():
    assert (is_overdue(date(2026, 3, 9), date(2026, 3, 9)),
            is_overdue(date(2026, 3, 10), date(2026, 3, 9))) == (False, True)


def test_working_days_left_skip_the_weekend():
    assert working_days_left(FRIDAY, date(2026, 3, 10)) == 2


def test_working_days_left_are_negative_when_late():
    assert working_days_left(date(2026, 3, 11), date(2026, 3, 9)) == -2


def test_default_rules_are_five_days_and_no_holidays():
    assert followup_rules({}) == (5, WorkCalendar())


@pytest.mark.parametrize("options", [{"followup_days": 0}, {"followup_days": "5"},
                                     {"followup_holidays": ["2026-13-01"]},
                                     {"followup_holidays": "2026-10-01"}])
def test_bad_options_are_refused(options):
    with pytest.raises(DomainError):
        followup_rules(options)


# The 2026 arrangement (国务院办公厅 notice): Spring Festival 2-15..2-23 off, 2-14 and 2-28
# (Saturdays) worked; National Day 10-1..10-7 off, 9-20 (Sunday) and 10-10 (Saturday) worked.
CALENDAR_2026 = {"calendar": {2026: {
    "holidays": ["2026-02-15..2026-02-23", "2026-10-01..2026-10-07"],
    "workdays": [date(2026, 2, 14), "2026-02-28", "2026-09-20", "2026-10-10"]}}}


def test_a_hall_calendar_expands_holiday_ranges():
    assert len(hall_calendar(CALENDAR_2026).holidays) == 9 + 7


def test_a_promise_across_the_spring_festival_counts_the_make_up_saturday():
    calendar = hall_calendar(CALENDAR_2026)
    # Accepted Thu 2-12: Fri 2-13, Sat 2-14 (调休), then 2-24 and 2-25 after the holiday.
    assert add_working_days(calendar, date(2026, 2, 12), 4) == date(2026, 2, 25)


def test_a_promise_across_national_day_skips_the_week_and_counts_saturday_10_10():
    calendar = hall_calendar(CALENDAR_2026)
    # Accepted Tue 9-29: Wed 9-30, then Thu 10-8, Fri 10-9, Sat 10-10 (调休).
    assert add_working_days(calendar, date(2026, 9, 29), 4) == date(2026, 10, 10)


def test_a_deadline_runs_across_the_new_year():
    calendar = hall_calendar({"calendar": {2027: {"holidays": ["2027-01-01"]}}})
    # Accepted Wed 2026-12-30: Thu 12-31, (Fri 1-1 off, weekend), Mon 1-4, Tue 1-5.
    assert add_working_days(calendar, date(2026, 12, 30), 3) == date(2027, 1, 5)


def test_zero_working_days_is_the_day_itself():
    assert add_working_days(PLAIN, MONDAY, 0) == MONDAY


def test_arguments_in_the_old_order_are_refused():
    with pytest.raises(TypeError):
        add_working_days(MONDAY, 5, PLAIN)


def test_the_old_followup_lists_still_count():
    calendar = hall_calendar({"followup_holidays": ["2026-03-03"], **CALENDAR_2026})
    assert date(2026, 3, 3) in calendar.holidays and date(2026, 2, 16) in calendar.holidays


@pytest.mark.parametrize("options", [
    {"calendar": {2026: {"holidays": ["2026-02-30"]}}},
    {"calendar": {2026: {"holidays": ["2026-03-05..2026-03-01"]}}},
    {"calendar": {2026: {"holydays": []}}},
    {"calendar": {2026: {"holidays": ["2026-10-10"], "workdays": ["2026-10-10"]}}},
    {"calendar": ["2026-01-01"]},
])
def test_a_bad_calendar_is_refused(options):
    with pytest.raises(DomainError):
        hall_calendar(options)
