"""Keypads wired to a real app (the Flask test client stands in for HTTP)."""

import pytest

from hardware.keypad import open_keypad
from display.keypad_bridge import CallerActions, EvaluatorActions, KeypadBridge
from tests.conftest import bearer


@pytest.fixture
def post(client):
    def post(path, token, body=None):
        response = client.post(path, json=body or {}, headers={"Authorization": "Bearer " + token})
        return response.status_code, response.get_json()
    return post


def test_call_key_calls_the_next_ticket(client, kiosk, staff1, post):
    client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    status, body = CallerActions(post, "h1", 1, bearer(staff1))("call_next")
    assert (status, body["ticket"]["number"]) == (200, "A001")


def test_pause_key_pauses_then_resumes(staff1, post):
    press = CallerActions(post, "h1", 1, bearer(staff1))
    first, second = press("pause")[1]["state"], press("pause")[1]["state"]
    assert (first, second) == ("paused", "open")


def test_caller_key_on_another_window_is_refused(accts, post):
    other = accts.user("staff", windows=(2,))
    assert CallerActions(post, "h1", 1, bearer(other))("call_next")[0] == 403


def _finished_ticket(client, kiosk, staff1) -> int:
    client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    return client.post("/api/v1/halls/h1/windows/1/finish", headers=staff1).get_json()["ticket"]["id"]


def test_grade_key_rates_the_ticket_on_offer(client, accts, kiosk, staff1, post):
    ticket = _finished_ticket(client, kiosk, staff1)
    rate = EvaluatorActions(post, bearer(accts.device("evaluator", window=1)))
    rate.offer({"ticket": ticket})
    assert rate("very_satisfied")[0] == 201


def test_grade_key_with_nothing_on_offer_records_nothing(accts, post):
    rate = EvaluatorActions(post, bearer(accts.device("evaluator", window=1)))
    assert rate("very_satisfied") is None


def test_grade_key_after_the_offer_expired_records_nothing(client, accts, kiosk, staff1, post):
    now = [0.0]
    rate = EvaluatorActions(post, bearer(accts.device("evaluator", window=1)), offer_s=60,
                            clock=lambda: now[0])
    rate.offer({"ticket": _finished_ticket(client, kiosk, staff1)})
    now[0] = 61.0
    assert rate("satisfied") is None


def test_one_offer_takes_one_grade(client, accts, kiosk, staff1, post):
    rate = EvaluatorActions(post, bearer(accts.device("evaluator", window=1)))
    rate.offer({"ticket": _finished_ticket(client, kiosk, staff1)})
    rate("satisfied")
    assert rate("very_dissatisfied") is None


class RecordingSocket:
    def __init__(self):
        self.handlers, self.connected = {}, None

    def on(self, name, handler, namespace=None):
        self.handlers[(namespace, name)] = handler

    def connect(self, url, namespaces=None, auth=None, wait_timeout=None):
        self.connected = (url, namespaces, auth)

    def disconnect(self):
        self.connected = None

    def shutdown(self):  # python-socketio: disconnects, or ends the reconnection attempts
        self.connected = None


def test_bridge_wires_fake_keypads_to_the_window(client, accts, kiosk, staff1, post):
    socket = RecordingSocket()
    caller, evaluator = open_keypad("fake", "caller"), open_keypad("fake", "evaluator")
    evaluator_token = bearer(accts.device("evaluator", window=1))
    bridge = KeypadBridge("http://hall", "h1", 1, caller, bearer(staff1), evaluator,
                          evaluator_token, post=post, socket_factory=lambda: socket)
    bridge.start()
    client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    caller.press("call_next")
    caller.press("finish")
    ticket = client.get("/api/v1/halls/h1/windows/1/counter", headers=staff1).get_json()
    socket.handlers[("/evaluator", "evaluation_request")]({"ticket": 1})
    evaluator.press("basic")
    bridge.stop()
    again = client.post("/api/v1/tickets/1/evaluation", json={"grade": "basic"},
                        headers={"Authorization": "Bearer " + evaluator_token})
    assert (ticket["current"], again.get_json()["error"]["code"]) == (None, "already_evaluated")


# ---- the window's caller device token (kind ``caller``), the token a keypad is given -------

@pytest.fixture
def caller1(accts):
    return bearer(accts.device("caller", window=1))


def _sign_in(client, headers, window=1):
    assert client.post(f"/api/v1/halls/h1/windows/{window}/sign-in",
                       headers=headers).status_code == 200


def test_caller_device_key_calls_for_the_signed_in_staff_member(client, kiosk, staff1, caller1,
                                                                post):
    _sign_in(client, staff1)
    client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    CallerActions(post, "h1", 1, caller1)("call_next")
    current = client.get("/api/v1/halls/h1/windows/1/counter", headers=staff1).get_json()
    assert current["current"]["number"] == "A001"


def test_caller_device_pause_key_pauses_then_resumes(client, staff1, caller1, post):
    _sign_in(client, staff1)
    press = CallerActions(post, "h1", 1, caller1)
    assert (press("pause")[1]["state"], press("pause")[1]["state"]) == ("paused", "open")


def test_caller_device_key_with_nobody_signed_in_does_nothing(client, kiosk, caller1, post):
    client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    status, body = CallerActions(post, "h1", 1, caller1)("call_next")
    assert (status, body["error"]["code"]) == (409, "not_signed_in")


def test_nobody_signed_in_is_logged_plainly(caller1, post, caplog):
    CallerActions(post, "h1", 1, caller1)("recall")
    assert "nobody is signed in" in caplog.text


def test_caller_device_of_another_window_is_refused_and_logged(client, accts, post, caplog):
    _sign_in(client, accts.user("staff", windows=(2,)), window=2)
    other = bearer(accts.device("caller", window=2))
    status = CallerActions(post, "h1", 1, other)("call_next")[0]
    assert (status, "caller device token" in caplog.text) == (403, True)


def test_caller_device_token_keeps_working_past_a_user_tokens_life(client, clock, kiosk, staff1,
                                                                   caller1, post):
    _sign_in(client, staff1)
    clock.advance(hours=13)  # a user token (12 h) would be dead by now
    client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    assert CallerActions(post, "h1", 1, caller1)("call_next")[0] == 200


def test_grade_key_says_it_came_from_a_keypad():
    sent = []
    rate = EvaluatorActions(lambda path, token, body: sent.append(body) or (201, {}), "t")
    rate.offer({"ticket": 7})
    rate("satisfied")
    assert sent == [{"grade": "satisfied", "channel": "keypad"}]


def test_bridge_with_a_caller_device_token_serves_a_whole_visit(client, accts, kiosk, staff1,
                                                                 caller1, post):
    _sign_in(client, staff1)
    socket = RecordingSocket()
    caller, evaluator = open_keypad("fake", "caller"), open_keypad("fake", "evaluator")
    bridge = KeypadBridge("http://hall", "h1", 1, caller, caller1, evaluator,
                          bearer(accts.device("evaluator", window=1)), post=post,
                          socket_factory=lambda: socket)
    bridge.start()
    client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    caller.press("call_next")
    caller.press("finish")
    socket.handlers[("/evaluator", "evaluation_request")]({"ticket": 1})
    evaluator.press("very_satisfied")
    bridge.stop()
    figures = client.get("/api/v1/halls/h1/me", headers=staff1).get_json()["figures"]
    assert (figures["served"], figures["evaluations"]) == (1, 1)
