#!/usr/bin/env python3
"""How long a year's 限时办结 report and the supervisor's deadline sweep take (issue 11), on
SQLite and on PostgreSQL.

Writes one year (2025) of a centre's cases straight into a fresh database with bulk inserts
(``--cases``, default 230,000; 60 matters, 12 departments, 30 windows; ~85 % done, 5 % 补正,
2 % 不予受理), of which ``--open`` (default 50,000), spread over the year, are open (most
past their warning day), in acceptance order as the server writes them. Then times
``services.case_reports.report`` over the whole year for each grouping and
``services.cases.wanted_alerts`` (the sweep: one query over ``ix_cases_open``; cold, and
kept between passes as the supervisor keeps it), ``--runs`` times each, and prints the median
and the slowest. It prints figures; it asserts nothing.

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

from sqlalchemy import insert, update  # noqa: E402

from queue_server.app import create_app  # noqa: E402
from queue_server.services import case_reports, cases, supervisor  # noqa: E402
from queue_server.services.accounts import Principal  # noqa: E402
from queue_server.services.config_loader import load_config  # noqa: E402
from queue_server.storage import alerts as stored_alerts  # noqa: E402
from queue_server.storage import cases as stored_cases  # noqa: E402
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


def close_one_open_one(ctx, hall, now) -> None:
    """One due case closes and a new one (due at once) opens, as between two passes."""
    with ctx.db.write() as conn:
        due = sorted(stored_cases.due_open_ids(conn, hall.id, now.date()))
        conn.execute(update(case_table).where(case_table.c.id == due[len(due) // 2])
                     .values(state="done", finished_at=now))
        row = next(rows(hall, 1, 1, random.Random(12)))
        row.update(seq=10 ** 6, number=f"{YEAR}-999999", warn_on=now.date() - timedelta(days=1))
        conn.execute(insert(case_table), [row])


def time_supervisor(ctx, hall, now, runs: int) -> None:
    """The supervisor's whole pass over the hall once its alerts are raised: the kept sweep
    plus its read of every open alert (``storage.alerts.open_alerts``)."""
    start = time.perf_counter()
    supervisor.supervise_hall(ctx, hall, now)
    with ctx.db.read() as conn:
        raised = len(stored_alerts.open_alerts(conn, hall.id))
    print(f"supervisor's first pass raised {raised:,} alerts in "
          f"{time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    supervisor.supervise_hall(ctx, hall, now)
    print(f"supervisor pass after a change (compares every deadline alert once) "
          f"{(time.perf_counter() - start) * 1000:.1f} ms")
    p50, worst = timed(runs, lambda: supervisor.supervise_hall(ctx, hall, now))
    print(f"supervisor pass, nothing to change  p50 {p50:7.1f} ms   max {worst:7.1f} ms")

    def open_alerts_only():
        with ctx.db.read() as conn:
            return stored_alerts.open_alerts(conn, hall.id)

    p50, worst = timed(runs, open_alerts_only)
    print(f"open alerts read alone  p50 {p50:7.1f} ms   max {worst:7.1f} ms")


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

        def sweep():
            with ctx.db.read() as conn:
                return cases.wanted_alerts(conn, hall, now)

        def query_only():
            with ctx.db.read() as conn:
                return stored_cases.due_open_cases(conn, hall.id, now.date())

        p50, worst = timed(args.runs, query_only)
        print(f"sweep query alone   p50 {p50:7.1f} ms   max {worst:7.1f} ms")
        p50, worst = timed(args.runs, sweep)
        print(f"deadline sweep ({len(sweep()):,} alerts wanted) p50 {p50:7.1f} ms   "
              f"max {worst:7.1f} ms")
        memo: dict = {}

        def kept_sweep(at=now, kept=memo):
            with ctx.db.read() as conn:
                return cases.wanted_alerts(conn, hall, at, memo=kept)

        kept_sweep()  # the first pass builds the list (the cold sweep above)
        p50, worst = timed(args.runs, kept_sweep)
        print(f"kept sweep, same day and open set  p50 {p50:7.1f} ms   max {worst:7.1f} ms")
        # The kept list is never changed in place, so each run mends a copy of the same memo.
        p50, worst = timed(args.runs, lambda: kept_sweep(now + timedelta(days=1), dict(memo)))
        print(f"mended sweep, first pass of the next day  p50 {p50:7.1f} ms   "
              f"max {worst:7.1f} ms")
        close_one_open_one(ctx, hall, now)
        p50, worst = timed(args.runs, lambda: kept_sweep(now, dict(memo)))
        print(f"mended sweep, a case closed and one opened  p50 {p50:7.1f} ms   "
              f"max {worst:7.1f} ms")
        time_supervisor(ctx, hall, now, args.runs)
        print("rerun: " + " ".join([sys.executable, "bench/bench_cases.py"] + sys.argv[1:]))
    finally:
        ctx.close()
        if database is not None:
            database.drop()


if __name__ == "__main__":
    main()
