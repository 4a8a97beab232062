"""Keypads wired to a real app (the Flask test client stands in for HTTP)."""

import pytest

from hardware.keypad import open_keypad
from hardware.keypad.bridge import CallerActions, EvaluatorActions, KeypadBridge


@pytest.fixture
def post(client):
    def post(path, token, body=None):
        response = client.post(path, json=body or {}, headers={"Authorization": "Bearer " + token})
        return response.status_code, response.get_json()
    return post


def _token(headers):
    return headers["Authorization"].split(" ", 1)[1]


@pytest.fixture
def staff1(accts):
    return accts.user("staff", windows=(1,))


def test_call_key_calls_the_next_ticket(client, kiosk, staff1, post):
    client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    status, body = CallerActions(post, "h1", 1, _token(staff1))("call_next")
    assert (status, body["ticket"]["number"]) == (200, "A001")


def test_pause_key_pauses_then_resumes(staff1, post):
    press = CallerActions(post, "h1", 1, _token(staff1))
    first, second = press("pause")[1]["state"], press("pause")[1]["state"]
    assert (first, second) == ("paused", "open")


def test_caller_key_on_another_window_is_refused(accts, post):
    other = accts.user("staff", windows=(2,))
    assert CallerActions(post, "h1", 1, _token(other))("call_next")[0] == 403


def _finished_ticket(client, kiosk, staff1) -> int:
    client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    return client.post("/api/v1/halls/h1/windows/1/finish", headers=staff1).get_json()["ticket"]["id"]


def test_grade_key_rates_the_ticket_on_offer(client, accts, kiosk, staff1, post):
    ticket = _finished_ticket(client, kiosk, staff1)
    rate = EvaluatorActions(post, _token(accts.device("evaluator", window=1)))
    rate.offer({"ticket": ticket})
    assert rate("very_satisfied")[0] == 201


def test_grade_key_with_nothing_on_offer_records_nothing(accts, post):
    rate = EvaluatorActions(post, _token(accts.device("evaluator", window=1)))
    assert rate("very_satisfied") is None


def test_grade_key_after_the_offer_expired_records_nothing(client, accts, kiosk, staff1, post):
    now = [0.0]
    rate = EvaluatorActions(post, _token(accts.device("evaluator", window=1)), offer_s=60,
                            clock=lambda: now[0])
    rate.offer({"ticket": _finished_ticket(client, kiosk, staff1)})
    now[0] = 61.0
    assert rate("satisfied") is None


def test_one_offer_takes_one_grade(client, accts, kiosk, staff1, post):
    rate = EvaluatorActions(post, _token(accts.device("evaluator", window=1)))
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


def test_bridge_wires_fake_keypads_to_the_window(client, accts, kiosk, staff1, post):
    socket = RecordingSocket()
    caller, evaluator = open_keypad("fake", "caller"), open_keypad("fake", "evaluator")
    evaluator_token = _token(accts.device("evaluator", window=1))
    bridge = KeypadBridge("http://hall", "h1", 1, caller, _token(staff1), evaluator,
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
