"""What the counter's newer actions push: hall screens (/display) stop showing a held or
no-show ticket as called, see 选呼 and unhold as calls, never see a refused call-next; the
counter page (/staff) gets its held list and next numbers."""

from queue_server.realtime import protocol
from tests.conftest import bearer

BASE = "/api/v1/halls/h1/windows/1"


def screen(app, socketio):
    client = socketio.test_client(app, namespace="/display", auth={"hall": "h1"})
    client.get_received("/display")  # the snapshot
    return client


def counter_page(app, socketio, headers):
    client = socketio.test_client(app, namespace=protocol.STAFF_NAMESPACE,
                                  auth={"token": bearer(headers), "hall": "h1", "window": 1})
    client.get_received(protocol.STAFF_NAMESPACE)
    return client


def pushed(client, namespace, name):
    return [e["args"][0] for e in client.get_received(namespace) if e["name"] == name]


def issue(client, kiosk, service="A"):
    return client.post("/api/v1/halls/h1/tickets", json={"service": service},
                       headers=kiosk).get_json()


def test_hold_clears_the_window_on_hall_screens(app, socketio, client, kiosk, staff1):
    issue(client, kiosk)
    client.post(f"{BASE}/call-next", headers=staff1)
    display = screen(app, socketio)
    client.post(f"{BASE}/hold", headers=staff1)
    changes = pushed(display, "/display", protocol.WINDOW_CHANGED)
    assert [(c["window"], c["current"]) for c in changes] == [(1, None)]


def test_hold_pushes_the_held_list_to_the_counter(app, socketio, client, kiosk, staff1):
    issue(client, kiosk)
    client.post(f"{BASE}/call-next", headers=staff1)
    page = counter_page(app, socketio, staff1)
    client.post(f"{BASE}/hold", headers=staff1)
    state = pushed(page, protocol.STAFF_NAMESPACE, protocol.COUNTER_STATE)[-1]
    assert (state["current"], [t["number"] for t in state["held"]]) == (None, ["A001"])


def test_unhold_is_announced_as_a_call(app, socketio, client, kiosk, staff1):
    ticket = issue(client, kiosk)
    client.post(f"{BASE}/call-next", headers=staff1)
    client.post(f"{BASE}/hold", headers=staff1)
    display = screen(app, socketio)
    client.post(f"{BASE}/unhold", json={"ticket": ticket["id"]}, headers=staff1)
    calls = pushed(display, "/display", protocol.TICKET_CALLED)
    assert [(c["number"], c["window"], c["recall"]) for c in calls] == [("A001", 1, False)]


def test_call_number_is_announced(app, socketio, client, kiosk, staff1):
    issue(client, kiosk)
    issue(client, kiosk)
    display = screen(app, socketio)
    client.post(f"{BASE}/call-number", json={"number": "A002"}, headers=staff1)
    assert [c["number"] for c in pushed(display, "/display", protocol.TICKET_CALLED)] == ["A002"]


def test_no_show_clears_the_window_and_undo_shows_it_again_without_a_call(
        app, socketio, client, kiosk, staff1):
    issue(client, kiosk)
    client.post(f"{BASE}/call-next", headers=staff1)
    display = screen(app, socketio)
    client.post(f"{BASE}/no-show", headers=staff1)
    client.post(f"{BASE}/undo-no-show", headers=staff1)
    events = display.get_received("/display")
    changes = [(e["args"][0]["current"] or {}).get("number") for e in events
               if e["name"] == protocol.WINDOW_CHANGED]
    calls = [e for e in events if e["name"] == protocol.TICKET_CALLED]
    assert (changes, calls) == ([None, "A001"], [])


def test_refused_call_next_pushes_nothing(app, socketio, client, kiosk, staff1):
    issue(client, kiosk)
    issue(client, kiosk)
    client.post(f"{BASE}/call-next", headers=staff1)
    display = screen(app, socketio)
    page = counter_page(app, socketio, staff1)
    response = client.post(f"{BASE}/call-next", json={"finish": None}, headers=staff1)
    assert (response.status_code, display.get_received("/display"),
            pushed(page, protocol.STAFF_NAMESPACE, protocol.COUNTER_STATE)) == (409, [], [])


def test_new_ticket_then_counter_state_lists_it_next(app, socketio, client, kiosk, staff1):
    page = counter_page(app, socketio, staff1)
    issue(client, kiosk)
    issue(client, kiosk)
    client.post(f"{BASE}/call-next", headers=staff1)
    state = pushed(page, protocol.STAFF_NAMESPACE, protocol.COUNTER_STATE)[-1]
    assert [t["number"] for t in state["upcoming"]] == ["A002"]
