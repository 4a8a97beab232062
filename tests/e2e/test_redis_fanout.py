"""Two server processes joined by a Redis message queue: a hall screen connected to one sees
what is done through the other."""

import queue

import pytest
import requests
import socketio

from tests.e2e.workload import TIMEOUT_S, issue_tickets

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]

NAMESPACE = "/display"
PUSH_TIMEOUT_S = 5.0


@pytest.fixture(scope="module")
def deployment(hallq_module):
    return hallq_module.deploy(hallq_module.postgres(), processes=2,
                               message_queue=hallq_module.redis())


class Screen:
    """A hall screen: a Socket.IO client on ``/display`` recording the events it receives."""

    def __init__(self, url: str, hall: str):
        self.events = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        for name in ("hall_snapshot", "ticket_called", "queue_changed", "window_changed"):
            self.client.on(name, self._recorder(name), namespace=NAMESPACE)
        self.client.connect(url, namespaces=[NAMESPACE], auth={"hall": hall},
                            transports=["websocket"], wait_timeout=TIMEOUT_S)

    def _recorder(self, name):
        return lambda payload: self.events.put((name, payload))

    def wait_for(self, name: str, match=lambda payload: True) -> dict:
        """The first ``name`` event whose payload matches; others are skipped."""
        seen = []
        while True:
            try:
                event, payload = self.events.get(timeout=PUSH_TIMEOUT_S)
            except queue.Empty:
                raise AssertionError(f"no matching {name} within {PUSH_TIMEOUT_S} s; got {seen}")
            if event == name and match(payload):
                return payload
            seen.append(event)

    def close(self) -> None:
        self.client.disconnect()
        self.client.wait()


@pytest.fixture
def screen_on_b(deployment):
    screen = Screen(deployment.servers[1].url, deployment.hall.code)
    yield screen
    screen.close()


def test_screen_on_b_gets_a_snapshot_of_the_hall_on_connect(deployment, screen_on_b):
    snapshot = screen_on_b.wait_for("hall_snapshot")

    assert snapshot["hall"] == deployment.hall.code
    assert {s["code"] for s in snapshot["services"]} == set(deployment.hall.services)


def test_call_made_through_a_reaches_screen_on_b(deployment, screen_on_b):
    hall, server_a = deployment.hall, deployment.servers[0]
    screen_on_b.wait_for("hall_snapshot")
    issue_tickets([server_a.url], hall, 1, 1)
    response = requests.post(
        f"{server_a.url}/api/v1/halls/{hall.code}/windows/1/call-next",
        headers={"Authorization": "Bearer " + deployment.token(hall.staff[1])}, timeout=TIMEOUT_S)
    assert response.status_code == 200, response.text
    called = response.json()["ticket"]

    pushed = screen_on_b.wait_for("ticket_called", lambda p: p["number"] == called["number"])

    assert (pushed["hall"], pushed["window"], pushed["recall"]) == (hall.code, 1, False)
    assert pushed["service"] == called["service"]
