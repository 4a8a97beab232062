"""A scenario derived from a hall's history, the planner's "what if" changes, and its API."""

import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from queue_server.planning import apply_changes, erlang_c_windows, merged_breaks
from queue_server.services.history_scenario import fit_lognormal, scenario_from_history
from queue_server.storage.models import tickets, window_events

ZONE = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 2, 23)  # the fake clock's today is Monday 2026-03-02


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZONE)


def _ticket(hall, code: str, day: date, issued: datetime, handling_min: float, n: int,
            status: str = "done", priority: bool = False) -> dict:
    service = hall.service(code)
    called = issued + timedelta(minutes=5)
    return {"hall_id": hall.id, "service_id": service.id, "original_service_id": service.id,
            "number": f"{code}{n:03d}", "seq": n, "local_date": day, "status": status,
            "priority": priority, "issued_at": issued, "queued_at": issued,
            "called_at": called, "first_called_at": called,
            "finished_at": called + timedelta(minutes=handling_min),
            "track_token": secrets.token_hex(16)}


def seed(ctx, days=(MONDAY, MONDAY + timedelta(days=1)), pauses=True) -> None:
    """On each day: 6 A tickets at 09:xx (8 minutes each; one no-show), 2 B at 14:xx; window
    1 pauses 12:00-13:00 every day."""
    hall = ctx.halls.get("h1")
    rows, events = [], []
    for day in days:
        for i in range(6):
            rows.append(_ticket(hall, "A", day, _at(day, 9, i * 5), 8 + (i % 3) - 1, i + 1,
                                "no_show" if i == 5 else "done", priority=i == 0))
        for i in range(2):
            rows.append(_ticket(hall, "B", day, _at(day, 14, i * 10), 6, i + 1))
        if pauses:
            window = hall.window(1).id
            events += [{"hall_id": hall.id, "window_id": window, "kind": "paused",
                        "at": _at(day, 12, 2)},
                       {"hall_id": hall.id, "window_id": window, "kind": "resumed",
                        "at": _at(day, 13, 1)}]
    with ctx.db.write() as conn:
        conn.execute(insert(tickets), rows)
        if events:
            conn.execute(insert(window_events), events)


def test_a_scenario_is_the_average_day_of_the_history(ctx):
    seed(ctx)
    scenario = scenario_from_history(ctx, ctx.halls.get("h1"), days=20)
    services = {s["code"]: s for s in scenario["services"]}
    assert scenario["history"]["days"] == 2 and scenario["history"]["tickets"] == 16
    assert services["A"]["visits"] == 6 and services["B"]["visits"] == 2
    assert services["A"]["arrivals_by_hour"] == {9: 6} and services["B"]["arrivals_by_hour"] == {
        14: 2}
    assert services["C"]["visits"] == 0
    assert 7.5 < services["A"]["handling_min"] < 8.5
    assert services["D"]["hours"] == ["08:30-12:00", "14:00-17:30"]
    assert scenario["no_show_share"] == pytest.approx(2 / 16, abs=0.001)
    assert scenario["priority_share"] == pytest.approx(2 / 16, abs=0.001)
    windows = {w["number"]: w for w in scenario["windows"]}
    assert windows[1]["services"] == ["A", "B"] and windows[2]["services"] == ["B", "A"]
    assert windows[1]["breaks"] == ["12:00-13:00"] and windows[2]["breaks"] == []


def test_a_weekday_takes_only_its_own_days(ctx):
    seed(ctx, days=(MONDAY, MONDAY + timedelta(days=1), MONDAY - timedelta(days=7)))
    scenario = scenario_from_history(ctx, ctx.halls.get("h1"), days=20, weekday=0)
    assert scenario["history"]["days"] == 2
    assert scenario["date"] == "2026-03-02"  # the next Monday from today


def test_a_pause_on_one_day_of_three_is_no_break(ctx):
    seed(ctx, days=(MONDAY - timedelta(days=1), MONDAY - timedelta(days=2)), pauses=False)
    seed(ctx, days=(MONDAY,))
    scenario = scenario_from_history(ctx, ctx.halls.get("h1"), days=20)
    assert scenario["windows"][0]["breaks"] == []


def test_no_history_is_a_documented_refusal(ctx):
    from queue_server.domain.errors import DomainError

    with pytest.raises(DomainError) as refused:
        scenario_from_history(ctx, ctx.halls.get("h1"), days=20)
    assert refused.value.code == "invalid_request"


def test_the_lognormal_fit_keeps_its_mean_and_ignores_a_forgotten_finish():
    mean_min, sigma = fit_lognormal([600.0] * 40 + [8 * 3600.0], 300.0)
    assert mean_min == pytest.approx(10, abs=0.1) and sigma <= 0.06
    assert fit_lognormal([60.0], 300.0) == (5.0, 0.5)  # too few samples: the fallback


def test_closed_hours_merge_with_breaks():
    assert merged_breaks(["12:00-13:00"], [12, 13, 16]) == ["12:00-14:00", "16:00-17:00"]
    assert merged_breaks([], [23]) == ["23:00-23:59"]


def test_changes_close_hours_change_services_and_add_windows():
    scenario = {"windows": [{"number": 1, "services": ["A"], "breaks": ["12:00-13:00"]},
                            {"number": 2, "services": ["B"]}]}
    changed = apply_changes(scenario, [
        {"number": 1, "services": ["B", "A"], "closed_hours": [9]},
        {"number": 2, "services": []},
        {"number": 7, "services": ["A"], "closed_hours": [16]}])
    assert changed["windows"] == [
        {"number": 1, "services": ["B", "A"], "breaks": ["09:00-10:00", "12:00-13:00"],
         "closed_hours": [9]},
        {"number": 7, "services": ["A"], "breaks": ["16:00-17:00"], "closed_hours": [16]}]
    assert scenario["windows"][0]["services"] == ["A"]  # the base is left alone


def test_erlang_c_asks_more_windows_for_a_shorter_target():
    assert erlang_c_windows(0, 10, 20) == 0
    loose, tight = erlang_c_windows(30, 10, 20), erlang_c_windows(30, 10, 1)
    assert loose >= 6 and tight > loose  # 5 erlangs of work need more than 5 windows


def test_the_planner_simulates_the_weekday_with_the_changes(client, ctx, manager):
    seed(ctx)
    base = client.post("/api/v1/halls/h1/planner", json={"weekday": 0, "days": 20},
                       headers=manager)
    assert base.status_code == 200, base.get_json()
    body = base.get_json()
    assert body["history"]["days"] == 1
    result = body["result"]
    assert result["issued"] == result["served"] + result["no_show"] + result["left_waiting"]
    nine = next(r for r in result["by_hour"] if r["service"] == "A" and r["hour"] == 9)
    assert nine["windows"] == 2 and nine["tickets"] == result["services"][0]["issued"]
    closed = client.post("/api/v1/halls/h1/planner", headers=manager, json={
        "weekday": 0, "windows": [{"number": 1, "closed_hours": [9, 10]},
                                  {"number": 2, "services": ["B"]}]}).get_json()
    nine = next(r for r in closed["result"]["by_hour"] if r["service"] == "A" and r["hour"] == 9)
    assert nine["windows"] == 0
    assert closed["windows"][0]["breaks"][0] == "09:00-11:00"


@pytest.mark.parametrize("body", [
    {"weekday": 7}, {"days": 0}, {"target_wait_min": "20"}, {"windows": {}},
    {"windows": [{"number": 1, "services": ["Z"]}]},
    {"windows": [{"number": 1, "closed_hours": [24]}]},
    {"windows": [{"number": 1}, {"number": 1}]}])
def test_bad_plans_get_the_error_shape(client, ctx, manager, body):
    seed(ctx)
    response = client.post("/api/v1/halls/h1/planner", json=body, headers=manager)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_request"
