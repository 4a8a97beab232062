"""Report figures on a hand-built day, on SQLite and PostgreSQL. Every expected number is worked
out by hand from the timeline below (hall h1, Monday 2026-03-02, Asia/Shanghai).

10:00  supervision starts (no alert yet: 空岗 waits its 10 min grace)
       staff1 signs in at window 1, staff2 at window 2; nobody at window 3
       kiosk issues A001, A002, B001
10:05  window 1 (staff1) calls A001 (wait 5 min); window 2 (staff2) calls B001 (wait 5 min)
10:15  window 1 finishes A001 (handled 10 min), calls A002 (wait 15 min)
10:20  window 2: B001 no-show; window 2 pauses
10:35  window 1 finishes A002 (handled 20 min); A001 rated 非常满意, A002 rated 不满意
10:50  supervisor pass: window 2 paused 30 min → alert (window 2); A002's bad review → alert
       (window 1, service A); window 3 unattended while its services are open → alert
       (window 3); window 2 resumes
11:00  kiosk issues B002
11:10  window 2 calls B002 (wait 10 min)
11:12  window 2 transfers B002 to service A (the one transfer: service B, window 2, staff2)
11:20  window 1 calls B002 again; 11:30 finishes it (handled 11:30 − 11:20 = 10 min)

Waits 300, 900, 300, 600 s → avg 525, p90 = 600 + 0.7 × 300 = 810.
Handling (served) 600, 1200, 600 s → avg 800, p90 = 600 + 0.8 × 600 = 1080.
"""

import copy

import pytest

from queue_server.app import create_app
from queue_server.services import supervisor
from queue_server.services.config_loader import load_config
from tests.conftest import TEST_HALL, Accounts, FakeClock


def _build_day(client, accts, ctx, clock):
    kiosk, staff1 = accts.device("kiosk"), accts.user("staff", windows=(1,))
    staff2, rater = accts.user("staff", windows=(2,)), accts.device("evaluator", window=1)
    manager = accts.user("manager")

    def post(path, headers, **body):
        response = client.post(path, json=body or None, headers=headers)
        assert response.status_code in (200, 201), response.get_json()
        return response.get_json()

    def window(n, action, **body):
        return post(f"/api/v1/halls/h1/windows/{n}/{action}", staff1 if n == 1 else staff2,
                    **body)

    supervisor.run_once(ctx)
    window(1, "sign-in"), window(2, "sign-in")
    a001, a002 = (post("/api/v1/halls/h1/tickets", kiosk, service="A") for _ in range(2))
    post("/api/v1/halls/h1/tickets", kiosk, service="B")
    clock.advance(minutes=5)
    window(1, "call-next"), window(2, "call-next")
    clock.advance(minutes=10)
    window(1, "call-next")  # finishes A001, calls A002
    # rated at once: an evaluator rates only its window's latest finished ticket (issue 16)
    post(f"/api/v1/tickets/{a001['id']}/evaluation", rater, grade="very_satisfied")
    clock.advance(minutes=5)
    window(2, "no-show"), window(2, "pause", reason="临时离开")
    clock.advance(minutes=15)
    window(1, "finish")
    post(f"/api/v1/tickets/{a002['id']}/evaluation", rater, grade="dissatisfied")
    clock.advance(minutes=15)
    supervisor.run_once(ctx)
    window(2, "resume")
    clock.advance(minutes=10)
    post("/api/v1/halls/h1/tickets", kiosk, service="B")
    clock.advance(minutes=10)
    window(2, "call-next")
    clock.advance(minutes=2)
    window(2, "transfer", service="A")
    clock.advance(minutes=8)
    window(1, "call-next")
    clock.advance(minutes=10)
    window(1, "finish")
    return manager


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def day(request, tmp_path, monkeypatch):
    """(client, manager headers) after the day above."""
    url = request.getfixturevalue("db_url" if request.param == "sqlite" else "pg_url")
    monkeypatch.chdir(tmp_path)
    clock = FakeClock()
    app = create_app({"database_url": url, "async_mode": "threading", "secret_key": "s",
                      "queue_event_interval": 0.0, "auth_cache_s": 0.0,
                      "password_hash_method": "pbkdf2:sha256:1000"}, clock=clock)
    ctx = app.extensions["hallq"]
    config = copy.deepcopy(TEST_HALL)
    config["halls"][0]["device_silent_min"] = 0  # no device alerts in this day
    load_config(ctx, config)
    client = app.test_client()
    manager = _build_day(client, Accounts(ctx, client), ctx, clock)
    clock.advance(hours=2)
    yield client, manager
    ctx.close()


def report(day, by="hall"):
    client, manager = day
    response = client.get(f"/api/v1/halls/h1/reports?from=2026-03-02&to=2026-03-02&by={by}",
                          headers=manager)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def figures(row, *keys):
    return {k: row[k] for k in keys}


def test_counts_of_the_day(day):
    assert figures(report(day)["total"], "issued", "served", "no_show", "transfers") == {
        "issued": 4, "served": 3, "no_show": 1, "transfers": 1}


def test_wait_average_and_p90(day):
    assert figures(report(day)["total"], "avg_wait_s", "p90_wait_s") == {
        "avg_wait_s": 525.0, "p90_wait_s": 810.0}


def test_handling_average_and_p90(day):
    assert figures(report(day)["total"], "avg_handling_s", "p90_handling_s") == {
        "avg_handling_s": 800.0, "p90_handling_s": 1080.0}


def test_evaluation_rates(day):
    assert figures(report(day)["total"], "evaluations", "satisfaction_rate", "bad_review_rate",
                   "evaluation_coverage") == {
        "evaluations": 2, "satisfaction_rate": 0.5, "bad_review_rate": 0.5,
        "evaluation_coverage": 0.6667}


def test_pause_time_and_alerts(day):
    assert figures(report(day)["total"], "pause_s", "alerts") == {"pause_s": 1800.0, "alerts": 3}


def test_by_service(day):
    rows = report(day, "service")["rows"]
    assert [figures(r, "key", "issued", "served", "no_show", "transfers", "avg_wait_s",
                    "avg_handling_s", "evaluations") for r in rows] == [
        {"key": "A", "issued": 3, "served": 3, "no_show": 0, "transfers": 0, "avg_wait_s": 600.0,
         "avg_handling_s": 800.0, "evaluations": 2},
        {"key": "B", "issued": 1, "served": 0, "no_show": 1, "transfers": 1, "avg_wait_s": 300.0,
         "avg_handling_s": None, "evaluations": 0}]


def test_by_department(day):
    rows = report(day, "department")["rows"]
    assert [(r["key"], r["issued"]) for r in rows] == [("人社局", 1), ("自然资源局", 3)]


def test_by_window(day):
    rows = report(day, "window")["rows"]
    assert [figures(r, "key", "served", "no_show", "transfers", "pause_s", "alerts")
            for r in rows] == [
        {"key": 1, "served": 3, "no_show": 0, "transfers": 0, "pause_s": 0.0, "alerts": 1},
        {"key": 2, "served": 0, "no_show": 1, "transfers": 1, "pause_s": 1800.0, "alerts": 1},
        {"key": 3, "served": 0, "no_show": 0, "transfers": 0, "pause_s": 0.0, "alerts": 1}]


def test_by_staff(day):
    rows = report(day, "staff")["rows"]
    assert [figures(r, "served", "no_show", "transfers", "pause_s") for r in rows] == [
        {"served": 3, "no_show": 0, "transfers": 0, "pause_s": 0.0},
        {"served": 0, "no_show": 1, "transfers": 1, "pause_s": 1800.0}]


def test_by_hour(day):
    rows = report(day, "hour")["rows"]
    assert [figures(r, "key", "issued", "transfers", "pause_s", "alerts") for r in rows] == [
        {"key": "10", "issued": 3, "transfers": 0, "pause_s": 1800.0, "alerts": 3},
        {"key": "11", "issued": 1, "transfers": 1, "pause_s": 0.0, "alerts": 0}]


def test_wait_distribution_chart(day):
    buckets = {b["minutes"]: b["tickets"] for b in report(day)["charts"]["wait_distribution"]}
    assert (buckets["5-10"], buckets["10-15"], buckets["15-20"], sum(buckets.values())) == (
        2, 1, 1, 4)


def test_grades_chart(day):
    grades = report(day)["charts"]["grades"]
    assert (grades["very_satisfied"], grades["dissatisfied"], sum(grades.values())) == (1, 1, 2)


def test_stats_keeps_its_contract_fields(day):
    client, manager = day
    stats = client.get("/api/v1/halls/h1/stats?from=2026-03-02", headers=manager).get_json()
    assert figures(stats, "issued", "served", "no_show", "avg_wait_s", "p90_wait_s",
                   "avg_service_s", "satisfaction_rate") == {
        "issued": 4, "served": 3, "no_show": 1, "avg_wait_s": 525.0, "p90_wait_s": 810.0,
        "avg_service_s": 800.0, "satisfaction_rate": 0.5}
