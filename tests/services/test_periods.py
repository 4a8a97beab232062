"""The query date ranges every report, ledger and export shares."""

from datetime import date

import pytest

from queue_server.domain.errors import DomainError
from queue_server.services import periods


def test_a_whole_leap_year_is_allowed_and_one_day_more_is_not():
    assert periods.checked(date(2024, 1, 1), date(2024, 12, 31)) == (date(2024, 1, 1),
                                                                     date(2024, 12, 31))
    with pytest.raises(DomainError) as refused:
        periods.checked(date(2024, 1, 1), date(2025, 1, 1))
    assert refused.value.code == "invalid_request"


def test_to_before_from_is_refused():
    with pytest.raises(DomainError):
        periods.checked(date(2025, 3, 2), date(2025, 3, 1))


@pytest.mark.parametrize("value", [None, ""])
def test_an_absent_day_takes_the_default(value):
    assert periods.parse_day(value, date(2025, 3, 1), "from") == date(2025, 3, 1)


@pytest.mark.parametrize("value", ["2025-02-30", "yesterday", 20250301])
def test_a_bad_day_is_a_clear_error(value):
    with pytest.raises(DomainError, match="'from' must be a date YYYY-MM-DD"):
        periods.parse_day(value, date(2025, 3, 1), "from")


def test_the_ledger_refuses_more_than_a_year_like_the_reports(client, manager):
    answer = client.get("/api/v1/halls/h1/followups/ledger?from=2024-01-01&to=2025-01-01",
                        headers=manager)
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize("value", ["20261203", "2026-W49-4", "2026-12-03T00:00", " 2026-12-03"])
def test_only_the_extended_calendar_form_is_a_day(value):
    with pytest.raises(DomainError) as refused:
        periods.parse_day(value, date(2025, 3, 1), "from")
    assert refused.value.code == "invalid_request"


@pytest.mark.parametrize("value", ["0001-01-01", "1969-12-31", "2100-01-01", "9999-12-31"])
def test_days_beyond_the_supported_years_are_refused(value):
    with pytest.raises(DomainError) as refused:
        periods.parse_day(value, date(2025, 3, 1), "to")
    assert "between" in refused.value.message
