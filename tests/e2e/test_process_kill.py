"""A server process killed (``kill -9``) while hall screens are connected to it through the
shipped nginx site: every screen reconnects to the surviving process, redraws from a fresh
snapshot, and sees the next call made there.

Two processes on PostgreSQL joined by Redis. nginx routes by ``hash $remote_addr consistent``,
so every screen of this test (all from 127.0.0.1) sits on the same process: the one killed. How
fast 500 or 2,000 screens come back is measured in bench/bench_failover.py, not asserted here.
"""

import re
import time

import pytest
import requests

from tests.deploy import kit
from tests.deploy.test_kit import require
from tests.e2e.crowd import Crowd
from tests.e2e.serverproc import free_port
from tests.e2e.workload import TIMEOUT_S, issue_tickets

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]

SCREENS = 60
# Generous for a loaded 2-core CI machine: a deadline that fails the test only when screens
# never come back. The time they take is the benchmark's business.
COME_BACK_S = 90


def screens_on(server) -> int:
    """Connected /display clients of one process, from its /metrics (loopback may read it)."""
    text = requests.get(server.url + "/metrics", timeout=TIMEOUT_S).text
    found = re.search(r'^hallq_socketio_clients\{namespace="/display"\} (\S+)$', text, re.M)
    return int(float(found.group(1))) if found else 0


@pytest.fixture
def behind_nginx(hallq, tmp_path):
    require(kit.nginx_binary(), "nginx")
    deployment = hallq.deploy(hallq.postgres(), processes=2, message_queue=hallq.redis())
    (tmp_path / "nginx").mkdir()
    nginx = kit.start_nginx(tmp_path / "nginx", [s.port for s in deployment.servers],
                            free_port(), free_port())
    try:
        yield deployment, nginx
    finally:
        nginx.stop()


def call_next(url: str, deployment, window: int, ca: str | None = None) -> str:
    hall = deployment.hall
    response = requests.post(
        f"{url}/api/v1/halls/{hall.code}/windows/{window}/call-next", timeout=TIMEOUT_S,
        headers={"Authorization": "Bearer " + deployment.token(hall.staff[window])},
        verify=ca or True)
    assert response.status_code == 200, response.text
    return response.json()["ticket"]["number"]


def test_screens_of_a_killed_process_redraw_on_the_other_and_see_the_next_call(behind_nginx):
    deployment, nginx = behind_nginx
    hall = deployment.hall
    issue_tickets([deployment.servers[0].url], hall, 12, 1)
    for window in (1, 2, 3):  # signed in before the kill: sign-in goes to the first process
        deployment.token(hall.staff[window])
    crowd = Crowd(nginx.https, hall.code, SCREENS, ca=nginx.ca)
    try:
        assert crowd.wait_until(lambda: crowd.snapshotted_since(0) == SCREENS, COME_BACK_S)
        counts = [screens_on(server) for server in deployment.servers]
        assert sorted(counts) == [0, SCREENS], counts  # one process holds them all
        doomed = deployment.servers[counts.index(SCREENS)]
        survivor = deployment.servers[1 - counts.index(SCREENS)]
        first = call_next(survivor.url, deployment, 1)
        assert crowd.wait_until(lambda: crowd.saw_call(first) == SCREENS, COME_BACK_S)

        killed_at = time.monotonic()
        doomed.kill()

        came_back = crowd.wait_until(lambda: crowd.snapshotted_since(killed_at) == SCREENS,
                                     COME_BACK_S)
        assert came_back, (f"{crowd.snapshotted_since(killed_at)} of {SCREENS} screens "
                           f"redrew within {COME_BACK_S} s")
        assert all(state.disconnects >= 1 for state in crowd.states)
        # A screen may redraw a moment before its process counts it among its clients.
        assert crowd.wait_until(lambda: screens_on(survivor) == SCREENS, COME_BACK_S, poll=0.5)
        # The next call, made on the survivor, reaches every screen, as does one made through
        # nginx (which must no longer route to the dead process).
        second = call_next(survivor.url, deployment, 2)
        third = call_next(nginx.https, deployment, 3, ca=nginx.ca)
        for number in (second, third):
            assert crowd.wait_until(lambda n=number: crowd.saw_call(n) == SCREENS, COME_BACK_S)
    finally:
        crowd.close()
