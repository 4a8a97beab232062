"""The /staff (counter page) and /evaluator (window tablet) namespaces."""

from queue_server.realtime import protocol
from tests.api.counter_helpers import serve_one
from tests.conftest import bearer


def staff_client(app, socketio, headers, window=1):
    return socketio.test_client(app, namespace=protocol.STAFF_NAMESPACE,
                                auth={"token": bearer(headers), "hall": "h1", "window": window})


def evaluator_client(app, socketio, headers, **auth):
    return socketio.test_client(app, namespace=protocol.EVALUATOR_NAMESPACE,
                                auth=dict(auth, token=bearer(headers)))


def received(client, namespace, name):
    return [e["args"][0] for e in client.get_received(namespace) if e["name"] == name]


def test_staff_gets_the_counter_state_on_connect(app, socketio, staff1):
    client = staff_client(app, socketio, staff1)
    state = received(client, protocol.STAFF_NAMESPACE, protocol.COUNTER_STATE)
    assert [s["window"] for s in state] == [1]


def test_staff_of_another_window_is_refused(app, socketio, staff1):
    client = staff_client(app, socketio, staff1, window=2)
    assert not client.is_connected(protocol.STAFF_NAMESPACE)


def test_a_device_token_is_refused_on_staff(app, socketio, kiosk):
    client = staff_client(app, socketio, kiosk)
    assert not client.is_connected(protocol.STAFF_NAMESPACE)


def test_call_pushes_the_new_current_ticket(app, socketio, client, kiosk, staff1):
    page = staff_client(app, socketio, staff1)
    page.get_received(protocol.STAFF_NAMESPACE)
    client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    states = received(page, protocol.STAFF_NAMESPACE, protocol.COUNTER_STATE)
    assert states[-1]["current"]["number"] == "A001"


def test_new_ticket_pushes_the_hall_queues(app, socketio, client, kiosk, staff1):
    page = staff_client(app, socketio, staff1)
    client.post("/api/v1/halls/h1/tickets", json={"service": "B"}, headers=kiosk)
    pushed = received(page, protocol.STAFF_NAMESPACE, protocol.QUEUE_CHANGED)
    assert pushed[-1]["services"]["B"]["waiting"] == 1


def test_other_windows_calls_do_not_reach_this_counter(app, socketio, client, kiosk, staff1,
                                                       accts):
    staff2 = accts.user("staff", windows=(2,))
    page = staff_client(app, socketio, staff1)
    page.get_received(protocol.STAFF_NAMESPACE)
    client.post("/api/v1/halls/h1/tickets", json={"service": "B"}, headers=kiosk)
    client.post("/api/v1/halls/h1/windows/2/call-next", headers=staff2)
    assert received(page, protocol.STAFF_NAMESPACE, protocol.COUNTER_STATE) == []


def test_evaluator_gets_its_window_on_connect(app, socketio, accts):
    tablet = evaluator_client(app, socketio, accts.device("evaluator", window=2))
    state = received(tablet, protocol.EVALUATOR_NAMESPACE, protocol.EVALUATOR_STATE)[0]
    assert (state["window"], state["window_name"], state["staff"]) == (2, "2号窗口", None)


def test_evaluator_of_another_window_is_refused(app, socketio, accts):
    tablet = evaluator_client(app, socketio, accts.device("evaluator", window=2), hall="h1",
                              window=1)
    assert not tablet.is_connected(protocol.EVALUATOR_NAMESPACE)


def test_a_staff_token_is_refused_on_evaluator(app, socketio, staff1):
    assert not evaluator_client(app, socketio, staff1).is_connected(protocol.EVALUATOR_NAMESPACE)


def test_finish_asks_the_evaluator_of_that_window(app, socketio, client, accts, kiosk, staff1):
    tablet = evaluator_client(app, socketio, accts.device("evaluator", window=1))
    ticket = serve_one(client, kiosk, staff1)
    asked = received(tablet, protocol.EVALUATOR_NAMESPACE, protocol.EVALUATION_REQUEST)
    assert [(a["ticket"], a["number"], a["window"], a["service_name"]) for a in asked] == [
        (ticket["id"], "A001", 1, "不动产登记")]


def test_evaluation_request_names_the_staff_member(app, socketio, client, accts, kiosk, staff1):
    tablet = evaluator_client(app, socketio, accts.device("evaluator", window=1))
    serve_one(client, kiosk, staff1)
    name = client.get("/api/v1/halls/h1/me", headers=staff1).get_json()["name"]
    asked = received(tablet, protocol.EVALUATOR_NAMESPACE, protocol.EVALUATION_REQUEST)
    assert asked[0]["staff_name"] == name


def test_no_show_asks_nothing(app, socketio, client, accts, kiosk, staff1):
    tablet = evaluator_client(app, socketio, accts.device("evaluator", window=1))
    client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    client.post("/api/v1/halls/h1/windows/1/no-show", headers=staff1)
    assert received(tablet, protocol.EVALUATOR_NAMESPACE, protocol.EVALUATION_REQUEST) == []


def test_another_windows_finish_does_not_ask_this_evaluator(app, socketio, client, accts, kiosk):
    tablet = evaluator_client(app, socketio, accts.device("evaluator", window=2))
    serve_one(client, kiosk, accts.user("staff", windows=(1,)))
    assert received(tablet, protocol.EVALUATOR_NAMESPACE, protocol.EVALUATION_REQUEST) == []


def test_sign_in_updates_the_evaluator_idle_screen(app, socketio, client, accts, staff1):
    tablet = evaluator_client(app, socketio, accts.device("evaluator", window=1))
    tablet.get_received(protocol.EVALUATOR_NAMESPACE)
    client.post("/api/v1/halls/h1/windows/1/sign-in", headers=staff1)
    state = received(tablet, protocol.EVALUATOR_NAMESPACE, protocol.EVALUATOR_STATE)[-1]
    assert state["staff"]["user"].startswith("staff")


def test_finish_is_not_pushed_to_hall_screens(app, socketio, client, kiosk, staff1):
    screen = socketio.test_client(app, namespace="/display", auth={"hall": "h1"})
    serve_one(client, kiosk, staff1)
    names = {e["name"] for e in screen.get_received("/display")}
    assert protocol.TICKET_FINISHED not in names
