"""Numbers and calls stay right under concurrent clients, on SQLite and on PostgreSQL (there with
two server processes on one database), and across a ``kill -9`` of the server."""

import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.e2e.workload import TIMEOUT_S, issue_tickets, race_windows, sequence_of

pytestmark = pytest.mark.e2e

TICKETS = 1000
KIOSK_CLIENTS = 16
QUEUE_FOR_RACE = 300


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def deployment(request, hallq):
    """SQLite: one server process. PostgreSQL: two processes on the same database."""
    if request.param == "sqlite":
        return hallq.deploy(hallq.sqlite())
    return hallq.deploy(hallq.postgres(), processes=2)


def urls(deployment) -> list[str]:
    return [server.url for server in deployment.servers]


def assert_numbers_are_one_to_n(tickets: list[dict]) -> None:
    by_service = defaultdict(list)
    for ticket in tickets:
        by_service[ticket["service"]].append(sequence_of(ticket))
    for service, seqs in by_service.items():
        duplicates = sorted(n for n, k in Counter(seqs).items() if k > 1)
        assert not duplicates, f"service {service}: numbers issued twice: {duplicates[:20]}"
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), f"service {service}: gaps"


def test_concurrent_kiosks_get_unique_gapless_numbers(deployment):
    tickets = issue_tickets(urls(deployment), deployment.hall, TICKETS, KIOSK_CLIENTS)

    assert len(tickets) == TICKETS
    assert len({t["id"] for t in tickets}) == TICKETS
    assert len({t["track_token"] for t in tickets}) == TICKETS
    assert_numbers_are_one_to_n(tickets)
    stats = deployment.stats()
    assert stats["issued"] == TICKETS
    assert {code: figures["issued"] for code, figures in stats["by_service"].items()} == \
        dict(Counter(t["service"] for t in tickets))


def test_racing_windows_call_every_ticket_exactly_once(deployment):
    hall = deployment.hall
    issued = issue_tickets(urls(deployment), hall, QUEUE_FOR_RACE, 8)
    tokens = {window: deployment.token(hall.staff[window]) for window in hall.windows}

    results = race_windows(urls(deployment), hall, tokens, limit=QUEUE_FOR_RACE + 1)

    calls = {window: called for window, (called, _) in results.items()}
    called_ids = [ticket["id"] for called in calls.values() for ticket in called]
    twice = sorted(i for i, k in Counter(called_ids).items() if k > 1)
    assert not twice, f"tickets called more than once: {twice[:20]}"
    assert sorted(called_ids) == sorted(t["id"] for t in issued)
    assert all(calls.values()), {window: len(called) for window, called in calls.items()}
    # queue_empty is right only when every waiting ticket is being taken by another window at
    # that moment: at most windows - 1 of them, and fewer by the time the count is read.
    waiting_after_empty = {window: waiting for window, (_, waiting) in results.items()}
    assert max(waiting_after_empty.values()) < len(hall.windows), waiting_after_empty
    stats = deployment.stats()
    assert (stats["issued"], stats["served"], stats["waiting_now"]) == (QUEUE_FOR_RACE,) * 2 + (0,)
    served_by_window = {window: figures["served"] for window, figures in stats["by_window"].items()}
    assert served_by_window == {str(window): len(called) for window, called in calls.items()}


def _issue_until_killed(server, hall, acked: list, index: int) -> str | None:
    """Issue tickets until the server dies; returns the service of the request in flight then."""
    service = hall.services[index % len(hall.services)]
    with requests.Session() as session:
        session.headers["Authorization"] = "Bearer " + hall.kiosk_token
        for _ in range(10_000):
            try:
                response = session.post(f"{server.url}/api/v1/halls/{hall.code}/tickets",
                                        json={"service": service}, timeout=TIMEOUT_S)
                ticket = response.json()
            except (requests.RequestException, ValueError):  # refused, reset or cut short
                return service
            assert response.status_code == 201, ticket
            acked.append(ticket)
    return None


def test_tickets_acknowledged_before_kill_9_survive_and_numbering_continues(hallq):
    deployment = hallq.deploy(hallq.sqlite())
    server, hall = deployment.servers[0], deployment.hall
    acked = []
    with ThreadPoolExecutor(max_workers=8) as pool:
        clients = [pool.submit(_issue_until_killed, server, hall, acked, i) for i in range(8)]
        deadline = time.monotonic() + 60
        while len(acked) < 300 and time.monotonic() < deadline:
            time.sleep(0.01)
        server.kill()
        in_flight = [client.result() for client in clients]
    assert len(acked) >= 300 and None not in in_flight

    server.start()

    with requests.Session() as session:
        for ticket in acked:
            response = session.get(f"{server.url}/api/v1/track/{ticket['track_token']}",
                                   timeout=TIMEOUT_S)
            assert response.status_code == 200, (ticket["number"], response.text)
            assert response.json()["number"] == ticket["number"]
    stats = deployment.stats()
    # A request in flight at the kill may or may not have committed; nothing acknowledged is lost.
    assert len(acked) <= stats["issued"] <= len(acked) + len(in_flight)
    committed = {code: figures["issued"] for code, figures in stats["by_service"].items()}
    for service in hall.services:
        seqs = [sequence_of(t) for t in acked if t["service"] == service]
        assert len(set(seqs)) == len(seqs) and set(seqs) <= set(range(1, committed[service] + 1))
    after = issue_tickets([server.url], hall, 20, 1)
    for service in hall.services:
        seqs = [sequence_of(t) for t in after if t["service"] == service]
        assert seqs == list(range(committed[service] + 1, committed[service] + 1 + len(seqs)))


def _wait_for_acks(acked: list, count: int) -> None:
    deadline = time.monotonic() + 120
    while len(acked) < count and time.monotonic() < deadline:
        time.sleep(0.01)  # polling for the count, with a generous deadline
    assert len(acked) >= count, f"only {len(acked)} tickets acknowledged"


def _track_all(base_url: str, tickets: list[dict]) -> None:
    with requests.Session() as session:
        for ticket in tickets:
            response = session.get(f"{base_url}/api/v1/track/{ticket['track_token']}",
                                   timeout=TIMEOUT_S)
            assert (response.status_code, response.json().get("number")) == \
                (200, ticket["number"]), response.text


@pytest.mark.postgres
def test_kill_9_of_one_of_two_processes_on_postgres(hallq):
    """Two processes on one PostgreSQL database, both issuing; one is killed with SIGKILL. The
    other goes on issuing, every acknowledged ticket survives, no number is issued twice, and
    numbering continues on both after the killed process restarts."""
    deployment = hallq.deploy(hallq.postgres(), processes=2)
    victim, survivor = deployment.servers
    hall = deployment.hall
    manager = {"Authorization": "Bearer " + deployment.token("manager")}  # signed in at victim
    acked = []
    with ThreadPoolExecutor(max_workers=9) as pool:
        clients = [pool.submit(_issue_until_killed, victim, hall, acked, i) for i in range(8)]
        beside = pool.submit(issue_tickets, [survivor.url], hall, 300, 4)
        _wait_for_acks(acked, 150)
        victim.kill()
        in_flight = [client.result() for client in clients]
        on_survivor = beside.result()  # every request to the other process succeeded
    assert None not in in_flight and len(on_survivor) == 300

    _track_all(survivor.url, acked)
    stats = requests.get(f"{survivor.url}/api/v1/halls/{hall.code}/stats",
                         headers=manager, timeout=TIMEOUT_S).json()
    survived = acked + on_survivor
    assert len(survived) <= stats["issued"] <= len(survived) + len(in_flight)
    committed = {code: figures["issued"] for code, figures in stats["by_service"].items()}
    for service in hall.services:
        seqs = [sequence_of(t) for t in survived if t["service"] == service]
        assert len(set(seqs)) == len(seqs) and set(seqs) <= set(range(1, committed[service] + 1))

    victim.start()
    after = issue_tickets([victim.url, survivor.url], hall, 20, 2)
    for service in hall.services:
        seqs = sorted(sequence_of(t) for t in after if t["service"] == service)
        assert seqs == list(range(committed[service] + 1, committed[service] + 1 + len(seqs)))
