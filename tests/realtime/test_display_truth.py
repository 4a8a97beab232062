"""What /display says must be true: a call transferred, marked no-show, finished, put on hold,
or whose window paused or whose clerk signed out is no longer an active call, and every window
carries one state (closed / paused / idle / serving) in every payload."""

import pytest
from sqlalchemy import update

from queue_server.realtime import protocol
from queue_server.storage.models import tickets

H = "/api/v1/halls/h1"


def connect(app, socketio, **auth):
    client = socketio.test_client(app, namespace="/display", auth=auth)
    assert client.is_connected("/display")
    return client


def snapshot(app, socketio):
    events = connect(app, socketio, hall="h1").get_received("/display")
    return events[0]["args"][0]


def window(data, number=1):
    return next(w for w in data["windows"] if w["window"] == number)


def changes(screen, number=1):
    return [e["args"][0] for e in screen.get_received("/display")
            if e["name"] == protocol.WINDOW_CHANGED and e["args"][0]["window"] == number]


@pytest.fixture
def called(client, kiosk, staff1):
    """A001 called at window 1 by its signed-in clerk."""
    assert client.post(f"{H}/windows/1/sign-in", headers=staff1).status_code == 200
    client.post(f"{H}/tickets", json={"service": "A"}, headers=kiosk)
    assert client.post(f"{H}/windows/1/call-next", headers=staff1).status_code == 200


def test_an_unstaffed_window_is_closed_not_waiting(app, socketio):
    assert [w["state"] for w in snapshot(app, socketio)["windows"]] == ["closed"] * 3


def test_a_staffed_window_waits_for_the_next(app, socketio, client, staff1):
    client.post(f"{H}/windows/1/sign-in", headers=staff1)
    assert window(snapshot(app, socketio))["state"] == "idle"


def test_a_call_is_serving_and_active(app, socketio, called):
    data = snapshot(app, socketio)
    assert (window(data)["state"], window(data)["current"]["number"],
            data["recent_calls"][0]["active"]) == ("serving", "A001", True)


@pytest.mark.parametrize("action, body", [
    ("transfer", {"window": 2}), ("no-show", None), ("finish", None)])
def test_an_ended_call_is_no_longer_active(app, socketio, client, staff1, called, action, body):
    screen = connect(app, socketio, hall="h1")
    screen.get_received("/display")
    assert client.post(f"{H}/windows/1/{action}", json=body, headers=staff1).status_code == 200
    change = changes(screen)[-1]
    data = snapshot(app, socketio)
    assert (change["state"], change["current"], data["recent_calls"][0]["active"]) == (
        "idle", None, False)


def test_a_paused_window_s_call_is_not_active(app, socketio, client, staff1, called):
    screen = connect(app, socketio, hall="h1", window=1)
    screen.get_received("/display")
    client.post(f"{H}/windows/1/pause", json={"reason": "午休"}, headers=staff1)
    change = changes(screen)[-1]
    assert ((change["state"], change["reason"]),
            snapshot(app, socketio)["recent_calls"][0]["active"]) == (("paused", "午休"), False)


def test_signing_out_closes_the_window_on_screens(app, socketio, client, staff1, called):
    screen = connect(app, socketio, hall="h1", window=1)
    screen.get_received("/display")
    client.post(f"{H}/windows/1/sign-out", headers=staff1)
    change = changes(screen)[-1]
    assert ((change["state"], change["current"]),
            snapshot(app, socketio)["recent_calls"][0]["active"]) == (("closed", None), False)


def test_signing_in_opens_the_window_on_screens(app, socketio, client, staff1):
    screen = connect(app, socketio, hall="h1")
    screen.get_received("/display")
    client.post(f"{H}/windows/1/sign-in", headers=staff1)
    assert [c["state"] for c in changes(screen)] == ["idle"]


def test_a_ticket_in_any_other_status_is_not_an_active_call(app, socketio, called):
    """A status the caller adds later (hold: "held") ends the call on screens unchanged."""
    with app.extensions["hallq"].db.write() as conn:
        conn.execute(update(tickets).where(tickets.c.number == "A001").values(status="held"))
    data = snapshot(app, socketio)
    assert ((window(data)["state"], window(data)["current"]),
            data["recent_calls"][0]["active"]) == (("idle", None), False)


def test_a_recalled_number_is_listed_once(app, socketio, client, kiosk, staff1, called):
    client.post(f"{H}/windows/1/recall", headers=staff1)
    client.post(f"{H}/windows/1/recall", headers=staff1)
    calls = snapshot(app, socketio)["recent_calls"]
    assert [(c["number"], c["recall"]) for c in calls] == [("A001", True)]


def test_a_transferred_ticket_called_again_is_listed_at_its_new_window(
        app, socketio, client, accts, staff1, called):
    staff2 = accts.user("staff", windows=(2,))
    client.post(f"{H}/windows/1/transfer", json={"window": 2}, headers=staff1)
    client.post(f"{H}/windows/2/call-next", headers=staff2)
    calls = snapshot(app, socketio)["recent_calls"]
    assert [(c["number"], c["window"], c["active"]) for c in calls] == [("A001", 2, True)]


def test_the_dashboard_floor_uses_the_same_states(app, client, manager, staff1, called):
    client.post(f"{H}/windows/2/pause", headers=manager)
    floor = client.get("/api/v1/halls/h1/floor", headers=manager).get_json()
    assert [w["state"] for w in floor["windows"]] == ["serving", "paused", "closed"]
