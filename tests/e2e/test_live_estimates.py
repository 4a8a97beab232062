"""Live estimates on the citizen's phone against a real server: when windows pause, the
forecast moves the ticket's call by more than a minute and the server pushes ``wait_changed``
to that phone, which shows the longer wait."""

import secrets

import pytest
import requests

from tests.e2e.browser import PHONE, screenshot
from tests.e2e.serverproc import ServerProcess, provision, server_env
from tests.e2e.test_dashboard import _token

pytestmark = pytest.mark.e2e
WAIT_MS = 20_000


@pytest.fixture
def served(hallq):
    env = server_env(hallq.sqlite(), secrets.token_hex(32))
    hall = provision(env, hallq.directory, "e2e_" + secrets.token_hex(3))
    server = ServerProcess(env, hallq.directory, name=hall.code)
    hallq.servers.append(server)
    server.start()
    return server, hall


def _post(server, path, token, body=None):
    response = requests.post(server.url + path, json=body, timeout=30,
                             headers={"Authorization": "Bearer " + token})
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_the_phone_shows_the_wait_pushed_when_windows_pause(served, open_page):
    server, hall = served
    tickets = [_post(server, f"/api/v1/halls/{hall.code}/tickets", hall.kiosk_token,
                     {"service": "A"}) for _ in range(9)]
    last = tickets[-1]
    phone = open_page(f"{server.url}/track/{last['track_token']}", PHONE)
    phone.wait_for_selector("#status.waiting", timeout=WAIT_MS)
    phone.wait_for_selector("#live.on", timeout=WAIT_MS)
    before = int(phone.inner_text("#wait"))
    manager = _token(server, hall.manager)
    for window in (1, 2, 3):  # one window left for A: the ninth ticket waits far longer
        _post(server, f"/api/v1/halls/{hall.code}/windows/{window}/pause", manager,
              {"reason": "休息"})
    phone.wait_for_function("window.HallqTrack.waitPushes >= 1", timeout=WAIT_MS)
    phone.wait_for_function(f"Number(document.getElementById('wait').textContent) > {before}",
                            timeout=WAIT_MS)
    screenshot(phone, "phone-wait-pushed")
