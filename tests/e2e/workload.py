"""Concurrent clients for the end-to-end tests: kiosks issuing tickets, windows calling them.

Each client is a thread with its own ``requests.Session`` (keep-alive, as a kiosk page or counter
keeps its connection). Clients start together behind a barrier; any unexpected answer raises in
the client's thread and is re-raised by ``Future.result()`` in the test.
"""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import requests

TIMEOUT_S = 30
NUMBER = re.compile(r"([A-Z]{1,2})(\d{3,})")


def sequence_of(ticket: dict) -> int:
    """``A007`` → 7, checking that the number is the service's code and ≥ 3 digits."""
    match = NUMBER.fullmatch(ticket["number"])
    assert match, f"malformed ticket number {ticket['number']!r}"
    assert match.group(1) == ticket["service"], ticket
    return int(match.group(2))


def _run_clients(count: int, work) -> list:
    """Run ``work(index, barrier)`` in ``count`` threads; their results in client order."""
    barrier = threading.Barrier(count, timeout=TIMEOUT_S)
    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(work, index, barrier) for index in range(count)]
        return [future.result() for future in futures]


def issue_tickets(base_urls: list[str], hall, total: int, clients: int) -> list[dict]:
    """``total`` tickets from ``clients`` kiosk clients spread over ``base_urls``; services
    alternate. Returns the 201 answers."""
    per_client = [total // clients + (index < total % clients) for index in range(clients)]

    def work(index, barrier):
        base = base_urls[index % len(base_urls)]
        issued = []
        with requests.Session() as session:
            session.headers["Authorization"] = "Bearer " + hall.kiosk_token
            barrier.wait()
            for n in range(per_client[index]):
                service = hall.services[(index + n) % len(hall.services)]
                response = session.post(f"{base}/api/v1/halls/{hall.code}/tickets",
                                        json={"service": service}, timeout=TIMEOUT_S)
                assert response.status_code == 201, (response.status_code, response.text)
                issued.append(response.json())
        return issued

    return [ticket for issued in _run_clients(clients, work) for ticket in issued]


def waiting_now(session, base: str, hall) -> int:
    response = session.get(f"{base}/api/v1/halls/{hall.code}/services", timeout=TIMEOUT_S)
    assert response.status_code == 200, response.text
    return sum(service["waiting"] for service in response.json())


def race_windows(base_urls: list[str], hall, tokens: dict[int, str], limit: int) -> dict:
    """Every window in ``tokens`` calls next as fast as it can until ``queue_empty``.

    Returns ``{window: ([called ticket, ...], waiting)}``, ``waiting`` being the hall's waiting
    count read just after the window's ``queue_empty``. ``limit`` bounds each window's loop; a
    503 ``busy`` answer (the server's "press again") is retried.
    """
    windows = sorted(tokens)

    def work(index, barrier):
        window = windows[index]
        base = base_urls[index % len(base_urls)]
        url = f"{base}/api/v1/halls/{hall.code}/windows/{window}/call-next"
        called = []
        with requests.Session() as session:
            session.headers["Authorization"] = "Bearer " + tokens[window]
            barrier.wait()
            for _ in range(limit):
                response = session.post(url, timeout=TIMEOUT_S)
                body = response.json()
                if response.status_code == 404 and body["error"]["code"] == "queue_empty":
                    return called, waiting_now(session, base, hall)
                if response.status_code == 503 and body["error"]["code"] == "busy":
                    continue
                assert response.status_code == 200, (response.status_code, body)
                ticket = body["ticket"]
                assert ticket["window"] == window and ticket["status"] == "called", ticket
                called.append(ticket)
        raise AssertionError(f"window {window} still calling after {limit} calls")

    return dict(zip(windows, _run_clients(len(windows), work)))
