"""Acknowledging alerts, the live floor and the report's parameters over HTTP."""

import pytest

from queue_server.services import accounts, supervisor
from tests.supervision.conftest import act, issue


@pytest.fixture
def overdue(ctx, client, kiosk, clock, manager):
    issue(client, kiosk)
    clock.advance(minutes=30)
    supervisor.run_once(ctx)
    alerts = client.get("/api/v1/halls/h1/alerts", headers=manager).get_json()
    return next(a for a in alerts if a["kind"] == "wait_over_limit")


def ack(client, headers, alert, **body):
    return client.post(f"/api/v1/alerts/{alert['id']}/acknowledge", json=body, headers=headers)


def test_acknowledgement_keeps_the_note(client, manager, overdue):
    body = ack(client, manager, overdue, note="已增开窗口").get_json()
    assert (body["note"], body["acknowledged_at"] is not None) == ("已增开窗口", True)


def test_acknowledged_wait_alert_stays_open_until_its_cause_ends(client, manager, overdue):
    assert ack(client, manager, overdue, note="知道了").get_json()["cleared_at"] is None


def test_second_acknowledgement_is_409(client, manager, overdue):
    ack(client, manager, overdue, note="一")
    response = ack(client, manager, overdue, note="二")
    assert (response.status_code, response.get_json()["error"]["code"]) == (
        409, "already_acknowledged")


def test_acknowledgement_needs_a_note(client, manager, overdue):
    assert ack(client, manager, overdue, note=" ").status_code == 400


def test_other_halls_manager_may_not_acknowledge(client, accts, overdue):
    assert ack(client, accts.user("manager", hall="h2"), overdue, note="x").status_code == 403


def test_unknown_alert_is_404(client, manager):
    response = client.post("/api/v1/alerts/999/acknowledge", json={"note": "x"}, headers=manager)
    assert response.get_json()["error"]["code"] == "unknown_alert"


def test_floor_shows_waiting_and_oldest_wait(client, kiosk, manager, clock):
    issue(client, kiosk)
    clock.advance(minutes=7)
    issue(client, kiosk)
    service = client.get("/api/v1/halls/h1/floor", headers=manager).get_json()["services"][0]
    assert (service["code"], service["waiting"], service["oldest_wait_s"]) == ("A", 2, 420)


def test_floor_shows_the_ticket_handled_and_for_how_long(ctx, client, kiosk, manager, accts,
                                                         clock):
    staff = accts.user("staff", windows=(1,))
    name = next(u["username"] for u in accounts.list_users(ctx) if u["role"] == "staff")
    issue(client, kiosk)
    act(client, staff, "call-next")
    clock.advance(minutes=4)
    window = client.get("/api/v1/halls/h1/floor", headers=manager).get_json()["windows"][0]
    assert (window["current"]["number"], window["current"]["handling_s"], window["staff"]) == (
        "A001", 240, name)


def test_floor_carries_todays_figures(client, kiosk, manager):
    issue(client, kiosk)
    assert client.get("/api/v1/halls/h1/floor", headers=manager).get_json()["today"][
        "issued"] == 1


def test_floor_says_which_windows_someone_is_signed_in_at(client, manager, staff1):
    client.post("/api/v1/halls/h1/windows/1/sign-in", headers=staff1)
    windows = client.get("/api/v1/halls/h1/floor", headers=manager).get_json()["windows"]
    assert [(w["window"], w["signed_in"]) for w in windows] == [(1, True), (2, False),
                                                                (3, False)]


def test_floor_is_for_managers(client, kiosk):
    assert client.get("/api/v1/halls/h1/floor", headers=kiosk).status_code == 403


def test_admin_supervises_every_hall(client, accts):
    halls = client.get("/api/v1/supervision/halls", headers=accts.user("admin")).get_json()
    assert [h["code"] for h in halls] == ["h1", "h2"]


def test_manager_supervises_their_own_hall(client, manager):
    halls = client.get("/api/v1/supervision/halls", headers=manager).get_json()
    assert [h["code"] for h in halls] == ["h1"]


def test_report_refuses_an_unknown_grouping(client, manager):
    response = client.get("/api/v1/halls/h1/reports?by=planet", headers=manager)
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, "invalid_request")


def test_empty_report_has_zero_totals(client, manager):
    body = client.get("/api/v1/halls/h1/reports?by=window", headers=manager).get_json()
    assert (body["rows"], body["total"]["issued"], body["total"]["avg_wait_s"]) == ([], 0, None)


def test_dashboard_page_is_served_in_chinese(client):
    response = client.get("/dashboard")
    assert "管理人员登录" in response.get_data(as_text=True)


def test_p90_below_the_mean_is_still_exact(client, kiosk, manager, accts, clock):
    """Waits 0 s (8 times), 100 s, 1900 s: mean 200 s; p90 = 100 × 0.9 + 1900 × 0.1 = 280 s. The
    value at the p90's rank (100 s) is below the mean, where the pruned sort does not look."""
    staff = accts.user("staff", windows=(1,))
    for _ in range(10):
        issue(client, kiosk)
    for _ in range(8):
        act(client, staff, "call-next")
    clock.advance(seconds=100)
    act(client, staff, "call-next")
    clock.advance(seconds=1800)
    act(client, staff, "call-next")
    body = client.get("/api/v1/halls/h1/reports?by=hall", headers=manager).get_json()
    assert body["total"]["p90_wait_s"] == 280.0
