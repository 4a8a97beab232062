"""The /display namespace: snapshot on connect, and every pushed event reaching its rooms."""

import pytest

from queue_server.realtime import protocol


def connect(app, socketio, **auth):
    client = socketio.test_client(app, namespace="/display", auth=auth)
    assert client.is_connected("/display")
    return client


def received(client, name=None):
    events = client.get_received("/display")
    return [e for e in events if name is None or e["name"] == name]


def issue(client, kiosk, service="A"):
    return client.post("/api/v1/halls/h1/tickets", json={"service": service},
                       headers=kiosk).get_json()


def test_connect_sends_the_hall_snapshot(app, socketio):
    events = received(connect(app, socketio, hall="h1"))
    assert [e["name"] for e in events] == [protocol.HALL_SNAPSHOT]


def test_snapshot_holds_services_windows_and_recent_calls(app, socketio):
    snapshot = received(connect(app, socketio, hall="h1"))[0]["args"][0]
    assert ({"services", "windows", "recent_calls", "now", "name"} <= set(snapshot)
            and [w["window"] for w in snapshot["windows"]] == [1, 2, 3])


def test_snapshot_shows_the_current_calls(app, socketio, client, kiosk, staff1):
    issue(client, kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    snapshot = received(connect(app, socketio, hall="h1"))[0]["args"][0]
    assert (snapshot["windows"][0]["current"]["number"],
            snapshot["recent_calls"][0]["number"]) == ("A001", "A001")


@pytest.mark.parametrize("auth", [{}, {"hall": "nowhere"}, {"hall": 5},
                                  {"hall": "h1", "window": 99}, {"hall": "h1", "window": "1"}])
def test_bad_auth_is_refused(app, socketio, auth):
    client = socketio.test_client(app, namespace="/display", auth=auth)
    assert not client.is_connected("/display")


def test_call_reaches_the_hall_screen(app, socketio, client, kiosk, staff1):
    screen = connect(app, socketio, hall="h1")
    issue(client, kiosk)
    received(screen)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    called = received(screen, protocol.TICKET_CALLED)[0]["args"][0]
    assert {k: called[k] for k in ("hall", "number", "service", "window", "window_name",
                                   "recall")} == {
        "hall": "h1", "number": "A001", "service": "A", "window": 1, "window_name": "1号窗口",
        "recall": False}


def test_call_reaches_the_window_screen(app, socketio, client, kiosk, staff1):
    screen = connect(app, socketio, hall="h1", window=1)
    issue(client, kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    assert len(received(screen, protocol.TICKET_CALLED)) == 1


def test_call_does_not_reach_another_windows_screen(app, socketio, client, kiosk, staff1):
    screen = connect(app, socketio, hall="h1", window=2)
    issue(client, kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    assert received(screen, protocol.TICKET_CALLED) == []


def test_call_does_not_reach_another_hall(app, socketio, client, kiosk, staff1):
    screen = connect(app, socketio, hall="h2")
    issue(client, kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    assert received(screen, protocol.TICKET_CALLED) == []


def test_recall_is_pushed_as_a_recall(app, socketio, client, kiosk, staff1):
    screen = connect(app, socketio, hall="h1")
    issue(client, kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    client.post("/api/v1/halls/h1/windows/1/recall", headers=staff1)
    calls = received(screen, protocol.TICKET_CALLED)
    assert [c["args"][0]["recall"] for c in calls] == [False, True]


def test_issue_pushes_queue_changed_with_counts(app, socketio, client, kiosk):
    screen = connect(app, socketio, hall="h1")
    issue(client, kiosk)
    payload = received(screen, protocol.QUEUE_CHANGED)[-1]["args"][0]
    assert next(s for s in payload["services"] if s["code"] == "A")["waiting"] == 1


def test_queue_changed_is_not_sent_to_window_screens(app, socketio, client, kiosk):
    screen = connect(app, socketio, hall="h1", window=1)
    issue(client, kiosk)
    assert received(screen, protocol.QUEUE_CHANGED) == []


def test_call_pushes_window_changed_with_the_current_number(app, socketio, client, kiosk, staff1):
    screen = connect(app, socketio, hall="h1", window=1)
    issue(client, kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    change = received(screen, protocol.WINDOW_CHANGED)[-1]["args"][0]
    assert (change["state"], change["current"]["number"]) == ("serving", "A001")


def test_pause_pushes_window_changed(app, socketio, client, staff1):
    screen = connect(app, socketio, hall="h1")
    client.post("/api/v1/halls/h1/windows/1/pause", json={"reason": "午休"}, headers=staff1)
    change = received(screen, protocol.WINDOW_CHANGED)[-1]["args"][0]
    assert (change["window"], change["state"], change["reason"]) == (1, "paused", "午休")


def test_resume_pushes_window_changed(app, socketio, client, staff1):
    client.post("/api/v1/halls/h1/windows/1/sign-in", headers=staff1)
    client.post("/api/v1/halls/h1/windows/1/pause", headers=staff1)
    screen = connect(app, socketio, hall="h1")
    client.post("/api/v1/halls/h1/windows/1/resume", headers=staff1)
    assert received(screen, protocol.WINDOW_CHANGED)[-1]["args"][0]["state"] == "idle"


def test_finish_pushes_window_changed_without_a_current(app, socketio, client, kiosk, staff1):
    screen = connect(app, socketio, hall="h1")
    issue(client, kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    client.post("/api/v1/halls/h1/windows/1/finish", headers=staff1)
    assert received(screen, protocol.WINDOW_CHANGED)[-1]["args"][0]["current"] is None


def test_refused_call_pushes_nothing(app, socketio, client, staff1):
    screen = connect(app, socketio, hall="h1")
    received(screen)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    assert received(screen) == []
