"""Two server processes on PostgreSQL joined by Redis: a kiosk agent connected to one, a kiosk
page connected to the other. The page sees the agent online and its printer's status as soon
as it connects (read from the database, not from the other process's memory), and hears when
the agent stops."""

import queue
import time

import pytest
import socketio

from tests.e2e.agentproc import AgentProcess
from tests.e2e.workload import TIMEOUT_S

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]

NAMESPACE = "/kiosk"
AGENT_REPORT_S = 40.0  # the agent polls its printer every 10 s; a loaded machine is slower
PUSH_TIMEOUT_S = 10.0


@pytest.fixture
def deployment(hallq):
    return hallq.deploy(hallq.postgres(), processes=2, message_queue=hallq.redis())


class KioskPage:
    """The kiosk touch page's socket: ``/kiosk`` as ``page``, recording ``kiosk_status``."""

    def __init__(self, url: str, token: str):
        self.statuses = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on("kiosk_status", self.statuses.put, namespace=NAMESPACE)
        self.client.connect(url, namespaces=[NAMESPACE], auth={"token": token, "role": "page"},
                            transports=["websocket"], wait_timeout=TIMEOUT_S)

    def next_status(self, timeout: float = PUSH_TIMEOUT_S) -> dict:
        return self.statuses.get(timeout=timeout)

    def wait_for_offline(self) -> dict:
        """The first pushed status with the agent gone (the agent's printer reports push the
        status again meanwhile)."""
        while True:
            try:
                status = self.next_status()
            except queue.Empty:
                raise AssertionError(f"no kiosk_status without the agent in {PUSH_TIMEOUT_S} s")
            if not status["agent"]:
                return status

    def close(self) -> None:
        self.client.disconnect()
        self.client.wait()


def _status_on_connect(url: str, token: str) -> tuple[dict, KioskPage]:
    page = KioskPage(url, token)
    return page.next_status(), page


def _wait_for_status_on_connect(url: str, token: str, wanted: dict) -> KioskPage:
    """A page connecting to ``url`` until its first ``kiosk_status`` is ``wanted``."""
    deadline, seen = time.monotonic() + AGENT_REPORT_S, None
    while time.monotonic() < deadline:
        seen, page = _status_on_connect(url, token)
        if seen == wanted:
            return page
        page.close()
        time.sleep(0.5)
    raise AssertionError(f"a page on {url} never saw {wanted} on connect; last {seen}")


def test_page_on_b_sees_the_agent_on_a_and_its_printer(deployment, tmp_path):
    server_a, server_b = deployment.servers
    token = deployment.hall.kiosk_token
    printer = tmp_path / "virtual-printer"
    printer.mkdir()
    (printer / "paper_low").touch()
    agent = AgentProcess(server_a.url, token, f"virtual:{printer}", tmp_path).start()
    try:
        page = _wait_for_status_on_connect(
            server_b.url, token,
            {"agent": True, "printer": {"status": "paper_low", "detail": ""}})
        agent.stop()  # SIGKILL: the agent's socket on A closes without a goodbye

        gone = page.wait_for_offline()
        page.close()
        assert gone == {"agent": False, "printer": {"status": "paper_low", "detail": ""}}
        status, again = _status_on_connect(server_b.url, token)
        again.close()
        assert status["agent"] is False
    finally:
        agent.stop()
