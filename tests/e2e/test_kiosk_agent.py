"""The kiosk agent against a real server process, printing into a file (``file:`` printer):
every ticket issued with the kiosk's token lands there exactly once, also when the agent was
down when it was issued."""

import time

import pytest

from tests.e2e.agentproc import AgentProcess, wait_for
from tests.e2e.serverproc import ApiClient

pytestmark = pytest.mark.e2e


@pytest.fixture
def deployment(hallq):
    return hallq.deploy(hallq.sqlite())


@pytest.fixture
def printed(tmp_path):
    return tmp_path / "printer.bin"


@pytest.fixture
def agent(deployment, printed, tmp_path):
    process = AgentProcess(deployment.url, deployment.hall.kiosk_token, f"file:{printed}",
                           tmp_path)
    yield process
    process.stop()


def issue(deployment, service="A") -> dict:
    with ApiClient(deployment.url, deployment.hall.kiosk_token) as api:
        status, ticket = api.request("POST", f"/api/v1/halls/{deployment.hall.code}/tickets",
                                     {"service": service})
    assert status == 201, ticket
    return ticket


def file_bytes(path) -> bytes:
    return path.read_bytes() if path.exists() else b""


def copies(path, ticket) -> int:
    """How many times the ticket's tracking token (inside its QR code) is in the file."""
    return file_bytes(path).count(ticket["track_token"].encode())


def test_a_kiosk_ticket_is_printed_once(deployment, agent, printed):
    agent.start()
    ticket = issue(deployment)
    wait_for(lambda: copies(printed, ticket))
    time.sleep(1.0)  # a second copy would have come by now
    assert copies(printed, ticket) == 1, agent.log_tail()


def test_the_ticket_carries_its_number(deployment, agent, printed):
    agent.start()
    ticket = issue(deployment)
    assert wait_for(lambda: ticket["number"].encode() in file_bytes(printed)), agent.log_tail()


def test_tickets_issued_while_the_agent_was_down_are_printed_once(deployment, agent, printed):
    tickets = [issue(deployment) for _ in range(3)]
    agent.start()
    wait_for(lambda: all(copies(printed, t) for t in tickets))
    time.sleep(1.0)
    assert [copies(printed, t) for t in tickets] == [1, 1, 1], agent.log_tail()


def test_a_restarted_agent_does_not_print_again(deployment, agent, printed, tmp_path):
    agent.start()
    ticket = issue(deployment)
    wait_for(lambda: copies(printed, ticket))
    time.sleep(0.5)  # the result reaches the server
    agent.stop()
    again = AgentProcess(deployment.url, deployment.hall.kiosk_token, f"file:{printed}",
                         tmp_path, name="agent-again").start()
    try:
        later = issue(deployment)
        wait_for(lambda: copies(printed, later))
        assert copies(printed, ticket) == 1, again.log_tail()
    finally:
        again.stop()


def test_the_agent_comes_back_after_a_server_restart(deployment, agent, printed):
    agent.start()
    wait_for(lambda: copies(printed, issue(deployment)))
    server = deployment.servers[0]
    server.stop()
    server.start()
    ticket = issue(deployment)
    assert wait_for(lambda: copies(printed, ticket), timeout=40), agent.log_tail()


def test_a_staff_ticket_is_not_printed(deployment, agent, printed):
    agent.start()
    with ApiClient(deployment.url) as api:
        api.login(deployment.hall.staff[1])
        status, staff_ticket = api.request(
            "POST", f"/api/v1/halls/{deployment.hall.code}/tickets", {"service": "B"})
    kiosk_ticket = issue(deployment)
    wait_for(lambda: copies(printed, kiosk_ticket))
    assert copies(printed, staff_ticket) == 0
