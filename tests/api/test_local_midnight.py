"""The hall's local midnight (Asia/Shanghai = 16:00 UTC): tickets issued at 23:59:59 and at
00:00:00 local time fall on their own local day, for the daily quota and numbering and for the
reports' day and hour buckets. (Every other report fixture sits at 10:00–11:30.)"""

import shutil
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")
LAST_SECOND = datetime(2026, 3, 2, 23, 59, 59, tzinfo=SHANGHAI).astimezone(timezone.utc)
MIDNIGHT = datetime(2026, 3, 3, 0, 0, 0, tzinfo=SHANGHAI).astimezone(timezone.utc)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, template_db, tmp_path):
    """Each test on SQLite and on PostgreSQL: the day and hour buckets are SQL of each."""
    if request.param == "postgres":
        return request.getfixturevalue("pg_url")
    path = tmp_path / "hallq.sqlite3"
    shutil.copy(template_db, path)
    return f"sqlite:///{path}"


def test_the_instants_are_the_utc_ones_the_issue_names():
    assert (LAST_SECOND.strftime("%H:%M:%S"), MIDNIGHT.strftime("%H:%M:%S")) == (
        "15:59:59", "16:00:00")


def _issue(client, kiosk, service="B"):
    return client.post("/api/v1/halls/h1/tickets", json={"service": service}, headers=kiosk)


def test_quota_used_up_at_23_59_59_is_whole_again_at_midnight(client, kiosk, clock):
    clock.now = LAST_SECOND  # service B: daily_quota 3
    numbers = [_issue(client, kiosk).get_json()["number"] for _ in range(3)]
    refused = _issue(client, kiosk).get_json()["error"]["code"]
    clock.now = MIDNIGHT
    assert (numbers, refused, _issue(client, kiosk).get_json()["number"]) == (
        ["B001", "B002", "B003"], "quota_exhausted", "B001")


def test_tickets_issued_at_midnight_count_against_the_new_days_quota(client, kiosk, clock):
    clock.now = LAST_SECOND
    _issue(client, kiosk)
    clock.now = MIDNIGHT
    issued = [_issue(client, kiosk).status_code for _ in range(4)]
    assert issued == [201, 201, 201, 409]


def test_quota_left_at_midnight_is_the_full_quota(client, kiosk, clock):
    clock.now = LAST_SECOND
    for _ in range(3):
        _issue(client, kiosk)
    clock.now = MIDNIGHT
    services = client.get("/api/v1/halls/h1/services").get_json()
    assert next(s for s in services if s["code"] == "B")["quota_left"] == 3


@pytest.fixture
def around_midnight(client, kiosk, clock, accts):
    """One ticket at 23:59:59 on Monday 2026-03-02 and one at 00:00:00 on Tuesday; a manager
    signed in at 01:00 (a token from 10:00 the day before has expired)."""
    clock.now = LAST_SECOND
    assert _issue(client, kiosk, "A").status_code == 201
    clock.now = MIDNIGHT
    assert _issue(client, kiosk, "A").status_code == 201
    clock.advance(hours=1)
    return accts.user("manager")


def _report(client, manager, by, start="2026-03-02", end="2026-03-03"):
    response = client.get(f"/api/v1/halls/h1/reports?from={start}&to={end}&by={by}",
                          headers=manager)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_day_buckets_split_at_local_midnight(client, around_midnight):
    rows = _report(client, around_midnight, "day")["rows"]
    assert [(r["key"], r["issued"]) for r in rows] == [("2026-03-02", 1), ("2026-03-03", 1)]


def test_hour_buckets_are_23_and_00_local(client, around_midnight):
    rows = _report(client, around_midnight, "hour")["rows"]
    assert [(r["key"], r["issued"]) for r in rows] == [("00", 1), ("23", 1)]


def test_a_one_day_report_holds_the_last_second_not_the_midnight_ticket(client,
                                                                      around_midnight):
    manager = around_midnight
    monday = _report(client, manager, "hall", "2026-03-02", "2026-03-02")["total"]["issued"]
    tuesday = _report(client, manager, "hall", "2026-03-03", "2026-03-03")["total"]["issued"]
    assert (monday, tuesday) == (1, 1)


def test_stats_take_the_same_local_days(client, around_midnight):
    stats = client.get("/api/v1/halls/h1/stats?from=2026-03-03&to=2026-03-03",
                       headers=around_midnight).get_json()
    assert (stats["issued"], list(stats["by_hour"])) == (1, ["00"])


def test_numbers_restart_at_local_midnight(client, kiosk, clock):
    clock.now = LAST_SECOND
    before = _issue(client, kiosk, "A").get_json()["number"]
    clock.now = MIDNIGHT
    assert (before, _issue(client, kiosk, "A").get_json()["number"]) == ("A001", "A001")
