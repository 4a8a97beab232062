"""限时办结 under concurrency, on SQLite and PostgreSQL: four processes' supervisors (threads
here, each reading its own plan) sweeping one hall at once raise, re-level and clear each
case's deadline alert exactly once, and every open case keeps the id of its open alert."""

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from queue_server.services import cases, supervisor
from queue_server.storage.case_models import cases as case_table
from queue_server.storage.models import alerts
from tests.storage.test_case_numbering import catalogued
from tests.storage.test_concurrency import run_threads
from tests.storage.test_counter_concurrency import manager

CASES, SWEEPERS = 30, 4


def sweep_together(ctx) -> Counter:
    hall = ctx.halls.get("h1")
    results, errors = run_threads(SWEEPERS, lambda _: supervisor.supervise_hall(
        ctx, hall, ctx.clock.now))
    assert errors == []
    return Counter(change["event"] for got in results for change in got
                   if change["alert"]["kind"] == "case_deadline")


def open_deadline_alerts(ctx) -> dict:
    with ctx.db.read() as conn:
        rows = conn.execute(select(alerts.c.id, alerts.c.subject, alerts.c.level).where(
            alerts.c.kind == "case_deadline", alerts.c.cleared_at.is_(None))).all()
        kept = dict(conn.execute(select(case_table.c.id, case_table.c.alert_id)).all())
    assert {f"case:{case_id}": alert_id for case_id, alert_id in kept.items()
            if alert_id is not None} == {r.subject: r.id for r in rows}
    return {r.subject: r.level for r in rows}


def test_sweeping_together_changes_each_alert_once(backend_ctx):
    catalogued(backend_ctx)
    boss = manager(backend_ctx)
    accepted = [cases.accept(backend_ctx, boss, "h1", 1 + i % 3, {"matter": "CN-001"})
                for i in range(CASES)]
    promised_on = accepted[0]["promised_on"]
    assert {c["promised_on"] for c in accepted} == {promised_on}
    clock = backend_ctx.clock
    clock.now = clock.now.replace(hour=4)  # 12:00 in Shanghai
    while clock.now.date().isoformat() < promised_on:  # to the promised day: all yellow
        clock.now += timedelta(days=1)
    assert sweep_together(backend_ctx) == {"alert_raised": CASES}
    assert set(open_deadline_alerts(backend_ctx).values()) == {"yellow"}
    clock.now += timedelta(days=1)  # the day after the promised day: all red
    assert sweep_together(backend_ctx) == {"alert_changed": CASES}
    assert set(open_deadline_alerts(backend_ctx).values()) == {"red"}
    system = type(boss)("user", boss.id, "admin", None)
    for case in accepted[:10]:
        cases.transition(backend_ctx, system, "h1", case["id"], {"state": "done"})
    assert sweep_together(backend_ctx) == {"alert_cleared": 10}
    assert len(open_deadline_alerts(backend_ctx)) == CASES - 10
    assert sweep_together(backend_ctx) == {}
