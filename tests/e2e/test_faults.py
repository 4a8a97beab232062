"""Faults a city deployment lives through: the database or the message queue stopping and
coming back while the server processes keep running.

Each test stops a PostgreSQL cluster or a Redis server of its own (tests/e2e/privateservices),
never the shared ones.
"""

import time

import pytest
import requests

from tests.e2e.conftest import unavailable
from tests.e2e.privateservices import PrivatePostgres, PrivateRedis
from tests.e2e.test_redis_fanout import Screen
from tests.e2e.workload import TIMEOUT_S

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]

RECOVERY_DEADLINE_S = 60


@pytest.fixture
def private_postgres():
    reason = PrivatePostgres.missing()
    if reason:
        unavailable(reason)
    cluster = PrivatePostgres().init()
    yield cluster
    cluster.destroy()


@pytest.fixture
def private_redis():
    reason = PrivateRedis.missing()
    if reason:
        unavailable(reason)
    server = PrivateRedis().start()
    yield server
    server.stop()


def issue(deployment, service: str = "A") -> requests.Response:
    return requests.post(f"{deployment.url}/api/v1/halls/{deployment.hall.code}/tickets",
                         json={"service": service}, timeout=TIMEOUT_S,
                         headers={"Authorization": "Bearer " + deployment.hall.kiosk_token})


def wait_healthy(url: str) -> None:
    deadline = time.monotonic() + RECOVERY_DEADLINE_S
    while time.monotonic() < deadline:
        if requests.get(url + "/healthz", timeout=TIMEOUT_S).status_code == 200:
            return
        time.sleep(0.2)
    raise AssertionError(f"{url} not healthy {RECOVERY_DEADLINE_S} s after the database came back")


def test_postgres_stopping_answers_503_then_recovers_without_restart(hallq, private_postgres):
    deployment = hallq.deploy(private_postgres.url)
    server = deployment.servers[0]
    assert issue(deployment).json()["number"] == "A001"

    private_postgres.stop()
    health = requests.get(deployment.url + "/healthz", timeout=TIMEOUT_S)
    refused = issue(deployment)
    services = requests.get(f"{deployment.url}/api/v1/halls/{deployment.hall.code}/services",
                            timeout=TIMEOUT_S)

    assert health.status_code == 503
    assert refused.status_code == 503, refused.text
    assert refused.json()["error"]["code"] == "database_unavailable"
    assert refused.headers["Retry-After"] == "5"
    assert services.status_code == 503
    assert server.process.poll() is None

    private_postgres.start()
    wait_healthy(deployment.url)
    second = issue(deployment)

    assert second.status_code == 201, second.text
    assert second.json()["number"] == "A002"  # the refused request used no number
    assert deployment.stats()["issued"] == 2
    assert server.process.poll() is None


def call_next(deployment, server, window: int = 1) -> dict:
    hall = deployment.hall
    response = requests.post(
        f"{server.url}/api/v1/halls/{hall.code}/windows/{window}/call-next", timeout=TIMEOUT_S,
        headers={"Authorization": "Bearer " + deployment.token(hall.staff[window])})
    assert response.status_code == 200, response.text
    return response.json()["ticket"]


def test_redis_stopping_keeps_each_process_serving_its_own_screens(hallq, private_redis):
    deployment = hallq.deploy(hallq.postgres(), processes=2, message_queue=private_redis.url)
    server_a, server_b = deployment.servers
    for _ in range(40):  # enough for every call the recovery loop may make
        assert issue(deployment).status_code == 201
    screen_a = Screen(server_a.url, deployment.hall.code)
    screen_b = Screen(server_b.url, deployment.hall.code)
    try:
        screen_a.wait_for("hall_snapshot")
        screen_b.wait_for("hall_snapshot")

        private_redis.stop()
        called = call_next(deployment, server_a)
        pushed = screen_a.wait_for("ticket_called", lambda p: p["number"] == called["number"])
        assert pushed["window"] == 1
        assert "Cannot publish to redis" in server_a.log_tail(200)

        private_redis.start()
        # Each process resubscribes on its own schedule: call until a call made through A
        # reaches the screen on B again.
        deadline = time.monotonic() + RECOVERY_DEADLINE_S
        while True:
            called = call_next(deployment, server_a, window=2)
            try:
                screen_b.wait_for("ticket_called", lambda p: p["number"] == called["number"])
                break
            except AssertionError:
                if time.monotonic() > deadline:
                    raise
    finally:
        screen_a.close()
        screen_b.close()
