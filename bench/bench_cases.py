#!/usr/bin/env python3
"""How long a year's 限时办结 report and the supervisor's deadline sweep take (issue 11), on
SQLite and on PostgreSQL.

Writes one year (2025) of a centre's cases straight into a fresh database with bulk inserts
(``--cases``, default 230,000; 60 matters, 12 departments, 30 windows; ~85 % done, 5 % 补正,
2 % 不予受理), of which ``--open`` (default 50,000), spread over the year, are open (most
past their warning day), in acceptance order as the server writes them. Then times
``services.case_reports.report`` over the whole year for each grouping, then the 限时办结
sweep: the supervisor's first batches over a hall whose ~49,000 due cases have no level yet
(as after a bulk load; 250 cases per batch, 20 batches per pass), then with every level set:
``services.cases.deadline_changes`` alone, the supervisor's whole pass with nothing to change,
the first pass of each next day, and the pass after a case closed and another opened
(``--runs`` times each; the median and the slowest). It prints figures; it asserts nothing.

    .venv/bin/python bench/bench_cases.py                 # temporary SQLite file
    .venv/bin/python bench/bench_cases.py --postgres      # fresh PostgreSQL database, dropped
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import insert, select, update  # noqa: E402

from queue_server.app import create_app  # noqa: E402
from queue_server.services import case_reports, cases, supervisor  # noqa: E402
from queue_server.services.accounts import Principal  # noqa: E402
from queue_server.services.config_loader import load_config  # noqa: E402
from queue_server.storage import alerts as stored_alerts  # noqa: E402
from queue_server.storage.case_models import cases as case_table  # noqa: E402

YEAR, CHUNK = 2025, 10_000
HALL = {"halls": [{"code": "big", "name": "大型政务服务中心", "services": [
    {"code": "A", "name": "综合"}], "windows": [{"number": n, "services": ["A"]}
                                                for n in range(1, 31)]}]}


def rows(hall, total: int, open_: int, rng: random.Random):
    windows = [w.id for w in hall.windows]
    # In acceptance order, as the server writes them (ids grow with accepted_at); the open ones
    # spread over the year.
    days = sorted(rng.randrange(365) for _ in range(total))
    open_seqs = set(rng.sample(range(1, total + 1), open_))
    for seq, offset in enumerate(days, start=1):
        day = date(YEAR, 1, 1) + timedelta(days=offset)
        matter = rng.randrange(60)
        promised, statutory = 5 + matter % 10, 20 + matter % 20
        roll = rng.random()
        state = ("accepted" if seq in open_seqs else "correction" if roll < .05
                 else "refused" if roll < .07 else "done")
        taken = rng.randrange(promised + 3)
        at = datetime(day.year, day.month, day.day, 2, tzinfo=timezone.utc)
        yield {"hall_id": hall.id, "year": YEAR, "seq": seq, "number": f"{YEAR}-{seq:06d}",
               "matter_code": f"M-{matter:03d}", "matter_name": f"事项{matter}",
               "department": f"部门{matter % 12}", "kind": "promised", "state": state,
               "accepted_at": at, "accepted_on": day,
               "promised_on": day + timedelta(days=promised + 2),
               "statutory_on": day + timedelta(days=statutory + 8),
               "warn_on": day + timedelta(days=promised),
               "alert_due_on": day + timedelta(days=promised) if state == "accepted" else None,
               "finished_at": None if state == "accepted" else at + timedelta(days=taken),
               "window_id": rng.choice(windows), "staff_user_id": None,
               "promised_days": promised, "statutory_days": statutory,
               "working_days": taken if state == "done" else None,
               "on_time": (taken <= promised) if state == "done" else None}


def fill(ctx, total: int, open_: int) -> None:
    hall, rng, batch = ctx.halls.get("big"), random.Random(11), []
    for row in rows(hall, total, open_, rng):
        batch.append(row)
        if len(batch) == CHUNK:
            with ctx.db.write() as conn:
                conn.execute(insert(case_table), batch)
            batch = []
    if batch:
        with ctx.db.write() as conn:
            conn.execute(insert(case_table), batch)


def close_one_open_one(ctx, hall, now, seq: int) -> None:
    """One open case closes and a new one (due at once) opens, as between two passes."""
    with ctx.db.write() as conn:
        oldest = conn.execute(select(case_table.c.id).where(
            case_table.c.hall_id == hall.id, case_table.c.finished_at.is_(None))
            .order_by(case_table.c.id).limit(1)).scalar_one()
        conn.execute(update(case_table).where(case_table.c.id == oldest)
                     .values(state="done", finished_at=now))
        row = next(rows(hall, 1, 1, random.Random(seq)))
        yesterday = now.date() - timedelta(days=1)
        row.update(seq=seq, number=f"{YEAR}-{seq:06d}", warn_on=yesterday,
                   alert_due_on=yesterday)
        conn.execute(insert(case_table), [row])


def time_sweep(ctx, hall, now, runs: int) -> None:
    """The supervisor over the hall's 限时办结: levelling every due case from nothing, then the
    passes of a hall whose levels are set."""
    batches, times, start = 0, [], time.perf_counter()
    more, supervisor.MORE_DEADLINE_BATCHES = supervisor.MORE_DEADLINE_BATCHES, 0  # one per call
    try:
        while True:
            began = time.perf_counter()
            changed = supervisor.supervise_hall(ctx, hall, now)
            times.append((time.perf_counter() - began) * 1000)
            batches += 1
            if not changed:
                break
    finally:
        supervisor.MORE_DEADLINE_BATCHES = more
    with ctx.db.read() as conn:
        raised = len(stored_alerts.open_alerts(conn, hall.id))
    print(f"first levelling: {raised:,} alerts raised in {batches} batches of "
          f"{cases.SWEEP_BATCH} ({-(-batches // (more + 1))} supervisor passes), "
          f"{time.perf_counter() - start:.1f} s; batch p50 {statistics.median(times):.0f} ms, "
          f"max {max(times):.0f} ms")

    def changes_only(at=now):
        with ctx.db.read() as conn:
            return cases.deadline_changes(conn, hall, at)

    p50, worst = timed(runs, changes_only)
    print(f"deadline sweep, nothing to change ({len(changes_only())} changes)  "
          f"p50 {p50:7.1f} ms   max {worst:7.1f} ms")
    p50, worst = timed(runs, lambda: supervisor.supervise_hall(ctx, hall, now))
    print(f"supervisor pass, nothing to change  p50 {p50:7.1f} ms   max {worst:7.1f} ms")
    days = iter(range(1, runs + 1))
    changed = []

    def next_day():
        changed.append(len(supervisor.supervise_hall(ctx, hall, now + timedelta(days=next(days)))))

    p50, worst = timed(runs, next_day)
    print(f"supervisor pass, first of each next day ({min(changed)}-{max(changed)} changes)  "
          f"p50 {p50:7.1f} ms   max {worst:7.1f} ms")
    later, seqs, changed = now + timedelta(days=runs), iter(range(900_001, 900_001 + runs)), []

    def after_a_change():
        close_one_open_one(ctx, hall, later, next(seqs))
        began = time.perf_counter()
        changed.append(len(supervisor.supervise_hall(ctx, hall, later)))
        return (time.perf_counter() - began) * 1000

    after = [after_a_change() for _ in range(runs)]
    print(f"supervisor pass after a case closed and one opened ({min(changed)}-{max(changed)} "
          f"changes)  p50 {statistics.median(after):7.1f} ms   max {max(after):7.1f} ms")


def timed(runs: int, work) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=230_000)
    parser.add_argument("--open", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="bench-cases-"))
    database = None
    if args.postgres:
        from tests.e2e.serverproc import PostgresDatabase
        database = PostgresDatabase().create()
        url = database.url
    else:
        url = f"sqlite:///{directory / 'cases.sqlite3'}"
    app = create_app({"database_url": url, "secret_key": "bench", "async_mode": "threading"})
    ctx = app.extensions["hallq"]
    try:
        ctx.db.upgrade()
        load_config(ctx, HALL)
        start = time.perf_counter()
        fill(ctx, args.cases, args.open)
        if args.postgres:  # as autovacuum leaves a year-old table: visibility map and statistics
            with ctx.db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "VACUUM ANALYZE cases")
        print(f"{'PostgreSQL' if args.postgres else 'SQLite'}: {args.cases:,} cases "
              f"({args.open:,} open) written in {time.perf_counter() - start:.1f} s")
        admin = Principal("user", 0, "admin", None)
        for by in ("matter", "department", "window", "staff"):
            query = {"from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31", "by": by}
            p50, worst = timed(args.runs, lambda: case_reports.report(ctx, admin, "big", query))
            print(f"report by {by:<10} p50 {p50:7.1f} ms   max {worst:7.1f} ms")
        hall, now = ctx.halls.get("big"), datetime(YEAR + 1, 1, 5, 2, tzinfo=timezone.utc)

        time_sweep(ctx, hall, now, args.runs)
        print("rerun: " + " ".join([sys.executable, "bench/bench_cases.py"] + sys.argv[1:]))
    finally:
        ctx.close()
        if database is not None:
            database.drop()


if __name__ == "__main__":
    main()
