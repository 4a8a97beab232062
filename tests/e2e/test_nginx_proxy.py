"""The shipped nginx site in front of two real server processes (PostgreSQL + Redis).

nginx runs the file from deploy/nginx/hallq.conf, rewritten only for loopback ports and a test
certificate (tests/deploy/kit.py): plain HTTP is redirected, pages and the API answer over TLS,
Socket.IO works over a websocket upgrade and over long-polling, which only holds together when
a client's requests stick to one process.
"""

import queue
import time

import pytest
import requests
import socketio

from tests.deploy import kit
from tests.deploy.test_kit import require
from tests.e2e.serverproc import free_port
from tests.e2e.workload import TIMEOUT_S

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture(scope="module")
def proxy(hallq_module, tmp_path_factory):
    require(kit.nginx_binary(), "nginx")
    deployment = hallq_module.deploy(hallq_module.postgres(), processes=2,
                                     message_queue=hallq_module.redis())
    nginx = kit.start_nginx(tmp_path_factory.mktemp("nginx"),
                            [server.port for server in deployment.servers],
                            free_port(), free_port())
    try:
        yield {"deployment": deployment, "http": nginx.http, "https": nginx.https,
               "ca": nginx.ca}
    finally:
        nginx.stop()


def test_plain_http_is_redirected_to_tls(proxy):
    response = requests.get(proxy["http"] + "/healthz", allow_redirects=False, timeout=TIMEOUT_S)

    assert response.status_code == 301
    assert response.headers["Location"].startswith("https://")


def test_the_api_answers_over_tls(proxy):
    hall = proxy["deployment"].hall
    response = requests.get(f"{proxy['https']}/api/v1/halls/{hall.code}/services",
                            verify=proxy["ca"], timeout=TIMEOUT_S)

    assert response.status_code == 200, response.text
    assert {s["code"] for s in response.json()} == set(hall.services)
    assert "max-age" in response.headers["Strict-Transport-Security"]


def connect_screen(proxy, transport: str):
    events = queue.Queue()
    session = requests.Session()
    session.verify = proxy["ca"]
    # REQUESTS_CA_BUNDLE in the environment would override the session's CA file.
    session.trust_env = False
    # A loaded 2-core CI machine can take longer than engineio's 5 s for the TLS handshake and
    # upgrade; a proxy named in the environment must not be asked for a loopback address.
    client = socketio.Client(reconnection=False, http_session=session, request_timeout=TIMEOUT_S,
                             websocket_extra_options={"http_no_proxy": ["127.0.0.1",
                                                                         "localhost"]})
    for name in ("hall_snapshot", "ticket_called"):
        client.on(name, lambda payload, name=name: events.put((name, payload)),
                  namespace="/display")
    client.connect(proxy["https"], namespaces=["/display"],
                   auth={"hall": proxy["deployment"].hall.code}, transports=[transport],
                   wait_timeout=TIMEOUT_S)
    return client, events


def next_event(events: queue.Queue, name: str) -> dict:
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            event, payload = events.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        if event == name:
            return payload
    raise AssertionError(f"no {name} within {TIMEOUT_S} s")


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_a_screen_behind_the_proxy_sees_a_call(proxy, transport):
    deployment = proxy["deployment"]
    hall = deployment.hall
    client, events = connect_screen(proxy, transport)
    try:
        assert next_event(events, "hall_snapshot")["hall"] == hall.code
        assert client.transport() == transport
        ticket = requests.post(
            f"{proxy['https']}/api/v1/halls/{hall.code}/tickets", verify=proxy["ca"],
            json={"service": hall.services[0]}, timeout=TIMEOUT_S,
            headers={"Authorization": "Bearer " + hall.kiosk_token})
        assert ticket.status_code == 201, ticket.text
        called = requests.post(
            f"{proxy['https']}/api/v1/halls/{hall.code}/windows/1/call-next", verify=proxy["ca"],
            headers={"Authorization": "Bearer " + deployment.token(hall.staff[1])},
            timeout=TIMEOUT_S)
        assert called.status_code == 200, called.text

        pushed = next_event(events, "ticket_called")
        assert pushed["number"] == called.json()["ticket"]["number"]
    finally:
        client.disconnect()
