"""Opening periods, is-open boundaries and the daily quota."""

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from queue_server.domain.errors import DomainError
from queue_server.domain.hours import check_can_issue, is_open, parse_hours, quota_left

SHANGHAI = "Asia/Shanghai"
OFFICE = parse_hours(["08:30-12:00", "14:00-17:30"])


def shanghai_time_as_utc(hh_mm_ss: str) -> datetime:
    """2026-03-02 at the given Shanghai wall-clock time, as an aware UTC instant."""
    wall_clock = time.fromisoformat(hh_mm_ss)
    local = datetime.combine(date(2026, 3, 2), wall_clock, tzinfo=ZoneInfo(SHANGHAI))
    return local.astimezone(timezone.utc)


@pytest.mark.parametrize("spec", [None, []])
def test_no_hours_means_always_open(spec):
    assert parse_hours(spec) == ()


def test_parse_hours_returns_time_pairs():
    assert OFFICE == ((time(8, 30), time(12, 0)), (time(14, 0), time(17, 30)))


def test_parse_hours_sorts_periods():
    assert parse_hours(["14:00-17:30", "08:30-12:00"]) == OFFICE


def test_parse_hours_accepts_spaces_around_the_dash():
    assert parse_hours([" 08:30 - 12:00 "]) == ((time(8, 30), time(12, 0)),)


def test_touching_periods_do_not_overlap():
    assert len(parse_hours(["08:00-12:00", "12:00-13:00"])) == 2


@pytest.mark.parametrize("spec", [
    ["8:30-12:00"], ["08:30-12"], ["08:30~12:00"], ["24:00-25:00"], ["08:60-09:00"],
    ["08:30-12:00-13:00"], [""], [None], [830], "08:30-12:00", {"08:30": "12:00"},
])
def test_a_badly_written_period_is_refused(spec):
    with pytest.raises(DomainError) as caught:
        parse_hours(spec)
    assert caught.value.code == "invalid_request"


@pytest.mark.parametrize("spec", [["12:00-08:30"], ["09:00-09:00"]])
def test_a_period_that_does_not_end_after_it_starts_is_refused(spec):
    with pytest.raises(DomainError, match="must end after it starts"):
        parse_hours(spec)


@pytest.mark.parametrize("spec", [
    ["08:30-12:00", "11:59-14:00"],
    ["08:30-12:00", "09:00-10:00"],
    ["14:00-17:30", "08:00-09:00", "08:30-12:00"],
])
def test_overlapping_periods_are_refused(spec):
    with pytest.raises(DomainError, match="overlap"):
        parse_hours(spec)


@pytest.mark.parametrize("local_time, expected", [
    ("08:29:59", False),
    ("08:30:00", True),
    ("11:59:59", True),
    ("12:00:00", False),
    ("13:59:59", False),
    ("14:00:00", True),
    ("17:29:59", True),
    ("17:30:00", False),
    ("03:00:00", False),
])
def test_is_open_at_the_period_boundaries(local_time, expected):
    assert is_open(OFFICE, shanghai_time_as_utc(local_time), SHANGHAI) is expected


def test_is_open_uses_the_hall_timezone_not_utc():
    # 09:00 UTC is 17:00 in Shanghai (open) but would be closed at 09:00 for a UTC reading
    assert is_open(parse_hours(["14:00-17:30"]), datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
                   SHANGHAI) is True


def test_no_periods_is_open_at_any_time():
    assert is_open((), shanghai_time_as_utc("03:00:00"), SHANGHAI) is True


def test_is_open_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        is_open(OFFICE, datetime(2026, 3, 2, 1, 0), SHANGHAI)


@pytest.mark.parametrize("daily_quota, issued, expected", [
    (None, 0, None), (None, 500, None), (3, 0, 3), (3, 2, 1), (3, 3, 0), (3, 7, 0), (0, 0, 0),
])
def test_quota_left(daily_quota, issued, expected):
    assert quota_left(daily_quota, issued) == expected


def test_can_issue_when_open_and_under_quota():
    assert check_can_issue(OFFICE, 3, 2, shanghai_time_as_utc("09:00:00"), SHANGHAI) is None


def test_can_issue_without_a_quota():
    assert check_can_issue((), None, 10_000, shanghai_time_as_utc("09:00:00"), SHANGHAI) is None


@pytest.mark.parametrize("issued", [3, 4])
def test_quota_exhausted_at_the_quota(issued):
    with pytest.raises(DomainError) as caught:
        check_can_issue(OFFICE, 3, issued, shanghai_time_as_utc("09:00:00"), SHANGHAI)
    assert caught.value.code == "quota_exhausted"


@pytest.mark.parametrize("local_time", ["08:29:59", "12:00:00", "17:30:00"])
def test_service_closed_outside_the_periods(local_time):
    with pytest.raises(DomainError) as caught:
        check_can_issue(OFFICE, None, 0, shanghai_time_as_utc(local_time), SHANGHAI)
    assert caught.value.code == "service_closed"


def test_closed_is_reported_before_the_quota():
    with pytest.raises(DomainError) as caught:
        check_can_issue(OFFICE, 3, 3, shanghai_time_as_utc("13:00:00"), SHANGHAI)
    assert caught.value.code == "service_closed"
