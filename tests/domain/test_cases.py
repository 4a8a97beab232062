"""五件 case rules: transitions, the 受理编号, working-day deadlines (weekends, holidays, 调休,
across the new year) and the 红黄牌 rule."""

from datetime import date

import pytest

from queue_server.domain import cases as rules
from queue_server.domain.errors import DomainError
from queue_server.domain.workdays import WorkCalendar, hall_calendar

# 2026/2027 new year: 2027-01-01 (Fri) off; Sat 2026-12-26 worked (调休) in this made-up year.
CALENDAR = hall_calendar({"calendar": {
    2026: {"holidays": ["2026-12-31"], "workdays": ["2026-12-26"]},
    2027: {"holidays": ["2027-01-01"]}}})


@pytest.mark.parametrize("current, wanted", [
    ("accepted", "in_progress"), ("accepted", "done"), ("accepted", "returned"),
    ("accepted", "forwarded"), ("in_progress", "done"), ("in_progress", "returned"),
    ("in_progress", "forwarded")])
def test_allowed_transitions(current, wanted):
    assert rules.check_transition(current, wanted) == wanted


@pytest.mark.parametrize("current, wanted", [
    ("done", "in_progress"), ("in_progress", "accepted"), ("returned", "done"),
    ("refused", "accepted"), ("correction", "done"), ("forwarded", "done"),
    ("accepted", "accepted"), ("accepted", "correction")])
def test_refused_transitions_are_invalid_state(current, wanted):
    with pytest.raises(DomainError) as caught:
        rules.check_transition(current, wanted)
    assert caught.value.code == "invalid_state"


@pytest.mark.parametrize("wanted", ["finished", None, 3, ["done"]])
def test_an_unknown_state_is_a_bad_request(wanted):
    with pytest.raises(DomainError) as caught:
        rules.check_transition("accepted", wanted)
    assert caught.value.code == "invalid_request"


def test_case_numbers_carry_the_year_and_sequence():
    assert rules.case_number(2026, 123) == "2026-000123"


def test_immediate_cases_are_done_at_once_and_outcomes_are_their_own_state():
    assert [rules.initial_state("accept", k) for k in ("immediate", "promised", "joint")] == [
        "done", "accepted", "accepted"]
    assert rules.initial_state("refused", "promised") == "refused"
    assert rules.initial_state("correction", "joint") == "correction"


def test_deadlines_cross_the_new_year_over_holidays_and_make_up_days():
    # Accepted Thu 2026-12-24; Fri 25 (1), Sat 26 worked (2), Mon 28 (3), Tue 29 (4),
    # Wed 30 (5), Thu 31 off, Fri 2027-01-01 off, Mon 2027-01-04 (6), Tue 5 (7).
    promised, statutory = rules.deadlines(CALENDAR, date(2026, 12, 24), "promised", 5, 7)
    assert (promised, statutory) == (date(2026, 12, 30), date(2027, 1, 5))


def test_immediate_cases_have_no_deadline_and_missing_limits_stay_none():
    assert rules.deadlines(CALENDAR, date(2026, 3, 2), "immediate", 3, 5) == (None, None)
    assert rules.deadlines(CALENDAR, date(2026, 3, 2), "joint", None, 20) == (
        None, date(2026, 3, 30))


def test_the_promised_day_may_be_edited_within_the_statutory_limit():
    day = date(2026, 3, 2)
    assert rules.check_promised_on(day, date(2026, 3, 10), date(2026, 3, 10)) == date(2026, 3,
                                                                                       10)
    for wrong in (date(2026, 3, 11), date(2026, 3, 1)):
        with pytest.raises(DomainError):
            rules.check_promised_on(day, wrong, date(2026, 3, 10))


def test_yellow_at_80_percent_of_the_promised_working_days_red_after_the_day():
    accepted = date(2026, 12, 24)
    promised = date(2027, 1, 5)  # 7 working days later on CALENDAR
    assert rules.working_days_between(CALENDAR, accepted, promised) == 7
    warn = rules.warn_on(CALENDAR, accepted, promised)
    assert warn == date(2027, 1, 4)  # ceil(5.6) = 6 working days
    assert rules.deadline_level(date(2027, 1, 1), warn, promised) is None
    assert rules.deadline_level(date(2027, 1, 4), warn, promised) == "yellow"
    assert rules.deadline_level(date(2027, 1, 5), warn, promised) == "yellow"
    assert rules.deadline_level(date(2027, 1, 6), warn, promised) == "red"


def test_no_promised_day_no_warning():
    assert rules.warn_on(WorkCalendar(), date(2026, 3, 2), None) is None
    assert rules.deadline_level(date(2030, 1, 1), None, None) is None


@pytest.mark.parametrize("lead, co", [
    (None, ["税务局"]), ("", ["税务局"]), ("自然资源局", []), ("自然资源局", "税务局"),
    ("自然资源局", ["自然资源局"]), ("自然资源局", ["税务局", "税务局"]), ("自然资源局", [3]),
    ("x" * 101, ["税务局"])])
def test_joint_cases_need_a_lead_and_distinct_co_departments(lead, co):
    with pytest.raises(DomainError) as caught:
        rules.check_departments(lead, co)
    assert caught.value.code == "invalid_request"


def test_joint_departments_are_trimmed():
    assert rules.check_departments(" 自然资源局 ", ["税务局 ", "住建局"]) == (
        "自然资源局", ["税务局", "住建局"])


@pytest.mark.parametrize("kind", ["即办件", "other", None, ["promised"], {"a": 1}])
def test_an_unknown_kind_is_a_bad_request(kind):
    with pytest.raises(DomainError) as caught:
        rules.check_kind(kind)
    assert caught.value.code == "invalid_request"
