"""Working-day deadlines for bad-review follow-up."""

from datetime import date

import pytest

from queue_server.domain.errors import DomainError
from queue_server.domain.workdays import (
    WorkCalendar,
    add_working_days,
    followup_rules,
    is_overdue,
    working_days_left,
)

MONDAY = date(2026, 3, 2)
FRIDAY = date(2026, 3, 6)


def test_five_working_days_from_monday_is_next_monday():
    assert add_working_days(MONDAY, 5) == date(2026, 3, 9)


def test_a_friday_review_skips_the_weekend():
    assert add_working_days(FRIDAY, 1) == date(2026, 3, 9)


def test_a_saturday_review_counts_from_monday():
    assert add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 9)


def test_holidays_are_skipped():
    calendar = WorkCalendar(holidays=frozenset({date(2026, 3, 3)}))
    assert add_working_days(MONDAY, 1, calendar) == date(2026, 3, 4)


def test_a_worked_weekend_day_counts():
    calendar = WorkCalendar(extra_workdays=frozenset({date(2026, 3, 7)}))
    assert add_working_days(FRIDAY, 1, calendar) == date(2026, 3, 7)


def test_national_day_week_pushes_the_deadline_past_it():
    golden_week = WorkCalendar(holidays=frozenset(date(2026, 10, d) for d in range(1, 8)))
    assert add_working_days(date(2026, 9, 30), 5, golden_week) == date(2026, 10, 14)


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
