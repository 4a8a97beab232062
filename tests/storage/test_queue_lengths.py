"""``queue_lengths`` (migration 0017): the tickets waiting per service and day, kept by
triggers on ``tickets`` on SQLite and PostgreSQL. After every kind of change (the triggers'
every branch, then the use cases: issue, call, transfer, 过号 requeue, finish, day-end expiry)
it equals a count of the waiting tickets, and it stays exact under concurrent issuing and
calling. Also the other read of the hot path that grew with the day's tickets: the rating on
offer at a window's evaluator (0018)."""

from datetime import date

from sqlalchemy import func, inspect, select, text

from queue_server.domain.commands import IssueTicket, TransferTicket
from queue_server.domain.errors import DomainError
from queue_server.services import accounts, calling, no_show, tickets
from queue_server.storage.models import queue_lengths
from queue_server.storage.models import tickets as ticket_table
from tests.storage.test_concurrency import device, run_threads
from tests.storage.test_network_migration import empty_url  # noqa: F401 (fixture)


def kept_and_counted(ctx) -> tuple[dict, dict]:
    with ctx.db.read() as conn:
        kept = {(r.service_id, str(r.local_date)): r.waiting
                for r in conn.execute(select(queue_lengths)) if r.waiting}
        counted = {(r.service_id, str(r.local_date)): r.n for r in conn.execute(
            select(ticket_table.c.service_id, ticket_table.c.local_date,
                   func.count().label("n")).where(ticket_table.c.status == "waiting")
            .group_by(ticket_table.c.service_id, ticket_table.c.local_date))}
    return kept, counted


def manager(ctx):
    hall_id = ctx.halls.get("h1").id
    return accounts.Principal("user", accounts.add_user(
        ctx, "boss", "a long password", "manager", hall_id), "manager", hall_id)


def test_every_trigger_branch_keeps_the_count(backend_ctx):
    kiosk = device(backend_ctx)
    issued = [tickets.issue_ticket(backend_ctx, kiosk, "h1", IssueTicket(code))[0]["id"]
              for code in ("A", "A", "A", "B")]
    services = {s.code: s.id for s in backend_ctx.halls.get("h1").services}
    steps = [
        ("UPDATE tickets SET status = 'called' WHERE id = :a", {}),             # leaves
        ("UPDATE tickets SET status = 'waiting' WHERE id = :a", {}),            # comes back
        ("UPDATE tickets SET service_id = :b_service WHERE id = :a2", {}),      # moves service
        ("UPDATE tickets SET local_date = :other_day WHERE id = :a3", {}),      # moves day
        ("UPDATE tickets SET priority = priority, status = status WHERE id = :b", {}),  # no-op
        ("UPDATE tickets SET status = 'done' WHERE id = :b", {}),
        ("DELETE FROM ticket_events WHERE ticket_id = :a3", {}),
        ("DELETE FROM print_jobs WHERE ticket_id = :a3", {}),
        ("DELETE FROM tickets WHERE id = :a3", {}),                            # deleted waiting
    ]
    names = {"a": issued[0], "a2": issued[1], "a3": issued[2], "b": issued[3],
             "b_service": services["B"], "other_day": date(2026, 3, 3)}
    for sql, _ in steps:
        with backend_ctx.db.write() as conn:
            params = {k: v for k, v in names.items() if f":{k}" in sql}
            conn.execute(text(sql), params)
        kept, counted = kept_and_counted(backend_ctx)
        assert kept == counted, sql


def test_the_use_cases_keep_the_count(backend_ctx):
    kiosk, boss = device(backend_ctx), manager(backend_ctx)
    for code in ("A", "A", "A", "B", "B"):
        tickets.issue_ticket(backend_ctx, kiosk, "h1", IssueTicket(code))
    checks = [kept_and_counted(backend_ctx)]
    calling.call_next(backend_ctx, boss, "h1", 1)
    checks.append(kept_and_counted(backend_ctx))
    calling.transfer(backend_ctx, boss, "h1", 1, TransferTicket(service="B"))
    checks.append(kept_and_counted(backend_ctx))
    calling.call_next(backend_ctx, boss, "h1", 1)
    no_show.no_show(backend_ctx, boss, "h1", 1)
    checks.append(kept_and_counted(backend_ctx))
    calling.call_next(backend_ctx, boss, "h1", 1)
    calling.finish(backend_ctx, boss, "h1", 1)
    checks.append(kept_and_counted(backend_ctx))
    assert [kept for kept, _ in checks] == [counted for _, counted in checks]
    assert sum(checks[0][0].values()) == 5


def test_concurrent_issuing_and_calling_keep_the_count(backend_ctx):
    boss = manager(backend_ctx)
    kiosks = [device(backend_ctx) for _ in range(3)]

    def work(i):
        if i < 3:
            for _ in range(20):
                tickets.issue_ticket(backend_ctx, kiosks[i], "h1", IssueTicket("A"))
            return
        for _ in range(15):
            try:
                calling.call_next(backend_ctx, boss, "h1", 1 + i % 2)
            except DomainError as error:
                assert error.code == "queue_empty"

    results, errors = run_threads(5, work)
    assert errors == []
    kept, counted = kept_and_counted(backend_ctx)
    assert kept == counted and sum(kept.values()) > 0


def test_0017_fills_the_lengths_from_the_waiting_tickets_and_goes_down_and_up(backend_ctx):
    from tests.storage.test_network_migration import _downgrade

    kiosk = device(backend_ctx)
    for code in ("A", "A", "B"):
        tickets.issue_ticket(backend_ctx, kiosk, "h1", IssueTicket(code))
    _downgrade(backend_ctx.db, "0016")
    with backend_ctx.db.read() as conn:
        assert "queue_lengths" not in inspect(conn).get_table_names()
    backend_ctx.db.upgrade()
    kept, counted = kept_and_counted(backend_ctx)
    assert kept == counted and sum(kept.values()) == 3
    tickets.issue_ticket(backend_ctx, kiosk, "h1", IssueTicket("A"))  # the triggers again
    kept, counted = kept_and_counted(backend_ctx)
    assert kept == counted and sum(kept.values()) == 4


def test_emptied_lengths_of_past_days_are_purged(backend_ctx):
    from datetime import timedelta

    from queue_server.services import day_end

    kiosk, clock = device(backend_ctx), backend_ctx.clock
    tickets.issue_ticket(backend_ctx, kiosk, "h1", IssueTicket("A"))
    tickets.issue_ticket(backend_ctx, kiosk, "h1", IssueTicket("B"))
    with backend_ctx.db.write() as conn:  # B's ticket done: its day's length is 0
        conn.execute(text("UPDATE tickets SET status = 'done' WHERE number LIKE 'B%'"))
    assert day_end.purge_queue_lengths(backend_ctx) == 0  # today's are kept
    clock.now += timedelta(days=3)
    assert day_end.purge_queue_lengths(backend_ctx) == 1  # B's, emptied
    with backend_ctx.db.read() as conn:
        assert [r.waiting for r in conn.execute(select(queue_lengths))] == [1]


def test_the_rating_on_offer_is_read_by_window_and_finish_time(empty_url):  # noqa: F811
    """0018: the evaluator's offer (read for every call-next) seeks
    ``ix_tickets_window_finished`` instead of reading the hall's tickets of the day."""
    from datetime import datetime, timezone

    from queue_server.storage.counter import _UNRATED_DONE
    from queue_server.storage.db import Database
    from tests.storage.test_case_indexes_migration import _plan

    db = Database(empty_url)
    db.upgrade()
    since = datetime(2026, 3, 2, tzinfo=timezone.utc)
    plan = _plan(db, _UNRATED_DONE.where(ticket_table.c.window_id == 1,
                                         ticket_table.c.finished_at >= since))
    assert "ix_tickets_window_finished" in plan, plan
    db.dispose()
