"""Service codes, ticket numbers and the hall's local day."""

from datetime import date, datetime, timedelta, timezone

import pytest

from queue_server.domain.errors import DomainError
from queue_server.domain.numbering import (
    SERVICE_CODE_RE, format_ticket_number, local_day, local_midnight_utc, validate_service_code,
)

SHANGHAI = "Asia/Shanghai"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.mark.parametrize("code", ["A", "Z", "AB", "ZZ"])
def test_one_or_two_capital_letters_are_a_service_code(code):
    assert validate_service_code(code) == code


@pytest.mark.parametrize("code", ["", "a", "Ab", "ABC", "A1", "1", " A", "A ", "Ä", "甲", None, 1])
def test_anything_else_is_not_a_service_code(code):
    with pytest.raises(DomainError) as caught:
        validate_service_code(code)
    assert caught.value.code == "invalid_request"


@pytest.mark.parametrize("code, matches", [("AB", True), ("ab", False), ("A-", False)])
def test_service_code_re(code, matches):
    assert bool(SERVICE_CODE_RE.fullmatch(code)) is matches


@pytest.mark.parametrize("prefix, seq, expected", [
    ("A", 1, "A001"),
    ("A", 42, "A042"),
    ("A", 999, "A999"),
    ("A", 1000, "A1000"),
    ("AB", 7, "AB007"),
])
def test_format_ticket_number(prefix, seq, expected):
    assert format_ticket_number(prefix, seq) == expected


@pytest.mark.parametrize("seq", [0, -1])
def test_a_sequence_number_below_one_is_a_bug(seq):
    with pytest.raises(ValueError):
        format_ticket_number("A", seq)


@pytest.mark.parametrize("instant, expected", [
    ("2026-01-01T00:00:00", date(2026, 1, 1)),
    ("2025-12-31T15:59:59", date(2025, 12, 31)),
    ("2025-12-31T16:00:00", date(2026, 1, 1)),
    ("2026-01-01T15:59:59", date(2026, 1, 1)),
    ("2026-01-01T16:00:00", date(2026, 1, 2)),
    ("2026-01-01T23:59:59", date(2026, 1, 2)),
])
def test_the_day_rolls_over_at_shanghai_midnight_not_utc_midnight(instant, expected):
    assert local_day(utc(instant), SHANGHAI) == expected


def test_local_day_uses_the_given_timezone():
    assert local_day(utc("2026-01-01T16:00:00"), "UTC") == date(2026, 1, 1)


def test_local_day_accepts_a_non_utc_aware_instant():
    beijing = timezone(timedelta(hours=8))
    assert local_day(datetime(2026, 1, 2, 0, 0, tzinfo=beijing), SHANGHAI) == date(2026, 1, 2)


def test_local_day_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        local_day(datetime(2026, 1, 1, 12, 0), SHANGHAI)


@pytest.mark.parametrize("day, tz, expected", [
    (date(2026, 1, 2), SHANGHAI, "2026-01-01T16:00:00"),
    (date(2026, 1, 1), "UTC", "2026-01-01T00:00:00"),
    (date(2026, 7, 1), "Europe/Berlin", "2026-06-30T22:00:00"),
    (date(2026, 1, 1), "Europe/Berlin", "2025-12-31T23:00:00"),
])
def test_local_midnight_utc(day, tz, expected):
    assert local_midnight_utc(day, tz) == utc(expected)


def test_local_midnight_utc_is_in_utc():
    assert local_midnight_utc(date(2026, 1, 2), SHANGHAI).utcoffset() == timedelta(0)


def test_local_midnight_is_the_first_instant_of_the_local_day():
    start = local_midnight_utc(date(2026, 1, 2), SHANGHAI)
    assert (local_day(start - timedelta(microseconds=1), SHANGHAI),
            local_day(start, SHANGHAI)) == (date(2026, 1, 1), date(2026, 1, 2))
