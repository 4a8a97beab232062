"""Evaluations, statistics and alerts over HTTP."""

from datetime import timedelta

import pytest
from sqlalchemy import insert

from queue_server.storage.models import alerts


def serve_one(client, kiosk, staff, clock, wait_min=5, handle_min=10, finish=True):
    ticket = client.post("/api/v1/halls/h1/tickets", json={"service": "A"},
                         headers=kiosk).get_json()
    clock.advance(minutes=wait_min)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff)
    clock.advance(minutes=handle_min)
    if finish:
        client.post("/api/v1/halls/h1/windows/1/finish", headers=staff)
    return ticket


def rate(client, headers, ticket, grade="satisfied", **body):
    return client.post(f"/api/v1/tickets/{ticket['id']}/evaluation",
                       json=dict(body, grade=grade), headers=headers)


def test_evaluation_is_recorded(client, kiosk, staff1, evaluator1, clock):
    ticket = serve_one(client, kiosk, staff1, clock)
    response = rate(client, evaluator1, ticket, "very_satisfied", comment="很好")
    assert (response.status_code, response.get_json()["grade"]) == (201, "very_satisfied")


def test_second_evaluation_is_409(client, kiosk, staff1, evaluator1, clock):
    ticket = serve_one(client, kiosk, staff1, clock)
    rate(client, evaluator1, ticket)
    response = rate(client, evaluator1, ticket)
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "already_evaluated")


def test_unfinished_ticket_cannot_be_rated(client, kiosk, staff1, evaluator1, clock):
    ticket = serve_one(client, kiosk, staff1, clock, finish=False)
    response = rate(client, evaluator1, ticket)
    assert response.get_json()["error"]["code"] == "ticket_not_finished"


@pytest.mark.parametrize("body", [{"grade": "great"}, {"grade": 1}, {"grade": "satisfied",
                                                                      "comment": "x" * 501}])
def test_bad_evaluations_are_invalid_request(client, kiosk, staff1, evaluator1, clock, body):
    ticket = serve_one(client, kiosk, staff1, clock)
    response = client.post(f"/api/v1/tickets/{ticket['id']}/evaluation", json=body,
                           headers=evaluator1)
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, "invalid_request")


def test_unknown_ticket_evaluation_is_404(client, evaluator1):
    response = client.post("/api/v1/tickets/999/evaluation", json={"grade": "satisfied"},
                           headers=evaluator1)
    assert response.status_code == 404


def test_bad_review_is_flagged(client, kiosk, staff1, evaluator1, clock):
    ticket = serve_one(client, kiosk, staff1, clock)
    assert rate(client, evaluator1, ticket, "dissatisfied").get_json()["bad"] is True


def test_stats_count_and_time_a_day(client, kiosk, staff1, evaluator1, manager, clock):
    rate(client, evaluator1, serve_one(client, kiosk, staff1, clock, 4, 10), "very_satisfied")
    rate(client, evaluator1, serve_one(client, kiosk, staff1, clock, 8, 20), "very_dissatisfied")
    client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    stats = client.get("/api/v1/halls/h1/stats", headers=manager).get_json()
    assert {k: stats[k] for k in ("issued", "served", "no_show", "waiting_now", "avg_wait_s",
                                  "avg_service_s", "satisfaction_rate")} == {
        "issued": 3, "served": 2, "no_show": 0, "waiting_now": 1, "avg_wait_s": 360.0,
        "avg_service_s": 900.0, "satisfaction_rate": 0.5}


def test_stats_p90_wait(client, kiosk, staff1, manager, clock):
    for minutes in range(1, 11):  # waits of 1..10 minutes
        serve_one(client, kiosk, staff1, clock, minutes, 1)
    stats = client.get("/api/v1/halls/h1/stats", headers=manager).get_json()
    assert stats["p90_wait_s"] == pytest.approx(9.1 * 60)


def test_stats_split_by_service_window_and_hour(client, kiosk, staff1, manager, clock):
    serve_one(client, kiosk, staff1, clock)
    stats = client.get("/api/v1/halls/h1/stats", headers=manager).get_json()
    assert (stats["by_service"]["A"]["served"], stats["by_window"]["1"]["served"],
            stats["by_hour"]["10"]["issued"]) == (1, 1, 1)


def test_stats_range_excludes_other_days(client, kiosk, staff1, manager, clock):
    serve_one(client, kiosk, staff1, clock)
    response = client.get("/api/v1/halls/h1/stats?from=2026-03-03&to=2026-03-04", headers=manager)
    assert response.get_json()["issued"] == 0


@pytest.mark.parametrize("query", ["from=yesterday", "from=2026-03-05&to=2026-03-01",
                                   "from=2025-01-01&to=2026-03-01"])
def test_bad_stats_ranges_are_invalid_request(client, manager, query):
    response = client.get(f"/api/v1/halls/h1/stats?{query}", headers=manager)
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, "invalid_request")


def test_alerts_list_open_alerts(client, ctx, manager, clock):
    hall = ctx.halls.get("h1")
    with ctx.db.write() as conn:
        conn.execute(insert(alerts).values(hall_id=hall.id, kind="wait_over_limit", level="red",
                                           window_id=hall.window(1).id, raised_at=clock.now))
    body = client.get("/api/v1/halls/h1/alerts", headers=manager).get_json()
    assert [(a["kind"], a["window"], a["cleared_at"]) for a in body] == [
        ("wait_over_limit", 1, None)]


def test_alerts_active_filter_hides_cleared(client, ctx, manager, clock):
    hall = ctx.halls.get("h1")
    with ctx.db.write() as conn:
        conn.execute(insert(alerts).values(hall_id=hall.id, kind="window_idle", raised_at=clock.now,
                                           cleared_at=clock.now + timedelta(minutes=1)))
    assert client.get("/api/v1/halls/h1/alerts?active=1", headers=manager).get_json() == []
