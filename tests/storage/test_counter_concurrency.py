"""选呼 (call-number), unhold and undo-no-show racing call-next: a ticket is never called at two
windows, on SQLite and on PostgreSQL. Threads call the use cases directly, as in
test_concurrency.py."""

from collections import Counter

from sqlalchemy import func, select

from queue_server.domain.commands import ANY_CURRENT, CallNumber, IssueTicket, UndoNoShow
from queue_server.domain.errors import DomainError
from queue_server.services import accounts, calling, no_show, special_calls, tickets
from queue_server.storage.models import ticket_events
from tests.storage.test_concurrency import device, run_threads


def manager(ctx):
    hall_id = ctx.halls.get("h1").id
    return accounts.Principal("user", accounts.add_user(
        ctx, "boss", "a long password", "manager", hall_id), "manager", hall_id)


def calls_per_ticket(ctx) -> Counter:
    with ctx.db.read() as conn:
        rows = conn.execute(select(ticket_events.c.ticket_id, func.count())
                            .where(ticket_events.c.kind.in_(("called", "unheld",
                                                             "no_show_undone",
                                                             "requeue_undone")))
                            .group_by(ticket_events.c.ticket_id)).all()
    return Counter(dict(rows))


def test_call_number_racing_call_next_calls_each_ticket_once(backend_ctx):
    kiosk, boss = device(backend_ctx), manager(backend_ctx)
    numbers = [tickets.issue_ticket(backend_ctx, kiosk, "h1", IssueTicket("A"))[0]["number"]
               for _ in range(20)]

    def work(i):
        window, got = 1 + i % 2, []
        for number in (numbers if i % 2 else reversed(numbers)):
            try:
                if i < 2:
                    got.append(special_calls.call_number(
                        backend_ctx, boss, "h1", window, CallNumber(number, ANY_CURRENT)))
                else:
                    got.append(calling.call_next(backend_ctx, boss, "h1", window))
            except DomainError as error:
                assert error.code in ("ticket_not_waiting", "queue_empty")
        return got

    results, errors = run_threads(4, work)
    counts = calls_per_ticket(backend_ctx)
    assert (errors, len(counts), max(counts.values())) == ([], 20, 1)


def test_undo_racing_another_windows_call_next_takes_the_ticket_once(backend_ctx):
    from sqlalchemy import update

    from queue_server.storage.models import services

    with backend_ctx.db.write() as conn:
        conn.execute(update(services).where(services.c.code == "A")
                     .values(no_show_requeue=3, no_show_requeue_max=5))
    backend_ctx.halls.invalidate()
    kiosk, boss = device(backend_ctx), manager(backend_ctx)
    tickets.issue_ticket(backend_ctx, kiosk, "h1", IssueTicket("A"))
    calling.call_next(backend_ctx, boss, "h1", 1)
    no_show.no_show(backend_ctx, boss, "h1", 1)  # requeued: waiting again, next in line

    def work(i):
        try:
            if i == 0:
                return no_show.undo_no_show(backend_ctx, boss, "h1", 1, UndoNoShow())["window"]
            return calling.call_next(backend_ctx, boss, "h1", 2)["window"]
        except DomainError as error:
            return error.code

    results, errors = run_threads(2, work)
    counts = calls_per_ticket(backend_ctx)
    assert errors == [] and sorted(map(str, results)) in (["1", "queue_empty"],
                                                          ["2", "undo_expired"])
    assert list(counts.values()) == [2]  # the first call, then exactly one of the two
