"""Use cases under real concurrency, in-process, on SQLite and on PostgreSQL.

Threads call the use cases directly (no HTTP) so that many transactions overlap as tightly as
the database allows. The server-process versions of these checks live in tests/e2e.
"""

import threading
import uuid
from collections import Counter

from queue_server.domain.commands import IssueTicket
from queue_server.domain.errors import DomainError
from queue_server.domain.idnumber import make_id_number
from queue_server.services import accounts, calling, tickets


def device(ctx, kind="kiosk", window=None):
    token = accounts.add_device(ctx, f"{kind}-{uuid.uuid4().hex[:6]}", kind,
                                ctx.halls.get("h1").id, window)
    return accounts.authenticate(ctx, token)


def run_threads(count: int, work) -> list:
    results, errors = [None] * count, []
    barrier = threading.Barrier(count)

    def body(i):
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 - collected and reported below
            errors.append(error)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_concurrent_issues_never_repeat_a_number(backend_ctx):
    kiosk = device(backend_ctx)

    def work(_):
        return [tickets.issue_ticket(backend_ctx, kiosk, "h1", IssueTicket("A"))[0]["number"]
                for _ in range(25)]

    results, errors = run_threads(16, work)
    numbers = [n for batch in results for n in batch]
    assert (errors, sorted(numbers)) == ([], [f"A{i:03d}" for i in range(1, 401)])


def test_racing_windows_never_call_a_ticket_twice(backend_ctx):
    kiosk = device(backend_ctx)
    for _ in range(60):
        tickets.issue_ticket(backend_ctx, kiosk, "h1", IssueTicket("A"))
    hall_id = backend_ctx.halls.get("h1").id
    manager = accounts.Principal("user", accounts.add_user(
        backend_ctx, "boss", "a long password", "manager", hall_id), "manager", hall_id)

    def work(i):
        called = []
        window = 1 + i % 2  # windows 1 and 2 both serve A
        while True:
            try:
                called.append(calling.call_next(backend_ctx, manager, "h1", window)["id"])
            except DomainError as error:
                assert error.code == "queue_empty"
                return called

    results, errors = run_threads(4, work)
    assert errors == []
    ids = Counter(t for batch in results for t in batch)
    assert (len(ids), max(ids.values())) == (60, 1)


def test_same_idempotency_key_at_once_gives_one_ticket(backend_ctx):
    kiosk = device(backend_ctx)
    results, errors = run_threads(8, lambda _: tickets.issue_ticket(
        backend_ctx, kiosk, "h1", IssueTicket("A"), "same-tap")[0]["id"])
    assert (errors, len(set(results))) == ([], 1)


def test_same_person_at_once_gets_one_ticket(backend_ctx):
    kiosk = device(backend_ctx)
    person = make_id_number("11010519800101123")

    def work(_):
        try:
            return tickets.issue_ticket(backend_ctx, kiosk, "h1",
                                        IssueTicket("C", id_number=person))[0]["number"]
        except DomainError as error:
            return error.code

    results, errors = run_threads(8, work)
    assert errors == []  # before sorting: a thread that raised left None among the results
    assert sorted(results) == ["C001"] + ["already_waiting"] * 7


def test_quota_holds_under_concurrency(backend_ctx):
    kiosk = device(backend_ctx)

    def work(_):
        try:
            return tickets.issue_ticket(backend_ctx, kiosk, "h1", IssueTicket("B"))[0]["number"]
        except DomainError as error:
            return error.code

    results, errors = run_threads(8, work)
    assert errors == []
    assert sorted(results) == ["B001", "B002", "B003"] + ["quota_exhausted"] * 5


def test_same_person_at_once_after_midnight_gets_one_ticket_and_one_expiry(backend_ctx):
    """Yesterday's ticket is still waiting; eight taps at once just after the hall's local
    midnight: one new ticket, seven refusals, yesterday's ticket expired and logged once."""
    from datetime import datetime, timezone

    from sqlalchemy import func, select

    from queue_server.storage.models import ticket_events

    kiosk = device(backend_ctx)
    person = make_id_number("11010519800101123")
    tickets.issue_ticket(backend_ctx, kiosk, "h1", IssueTicket("C", id_number=person))
    backend_ctx.clock.now = datetime(2026, 3, 2, 16, 0, 1, tzinfo=timezone.utc)  # 00:00:01 local

    def work(_):
        try:
            return tickets.issue_ticket(backend_ctx, kiosk, "h1",
                                        IssueTicket("C", id_number=person))[0]["number"]
        except DomainError as error:
            return error.code

    results, errors = run_threads(8, work)
    with backend_ctx.db.read() as conn:
        expiries = conn.execute(select(func.count()).select_from(ticket_events)
                                .where(ticket_events.c.kind == "expired")).scalar_one()
    assert (errors, sorted(results), expiries) == ([], ["C001"] + ["already_waiting"] * 7, 1)
