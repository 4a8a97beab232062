#!/usr/bin/env python3
"""How long a year's report of a big hall takes, on SQLite and on PostgreSQL.

Generates one year (2025) of a big hall straight into a fresh database with bulk inserts: 20
services, 30 windows, ~1,000 tickets a working day (~250,000 tickets), their event log (issued,
called, finished or no-show, ~3% transferred), ratings for about half of the served tickets,
window pauses and alerts. Then times the report use case (``services.reports``, the SQL behind
``GET /halls/{hall}/reports`` and ``/stats``) over the whole year for each grouping, ``--runs``
times each, and prints the median (p50) and the slowest. It prints figures; it asserts nothing.

``--during`` then starts a real ``queue-server serve`` (eventlet) on the same database and issues
tickets one after another as a kiosk, first alone, then while a manager downloads the year's
report by service again and again: a report must not stall the kiosks (on SQLite it reads on its
own connection, outside the process lock, in a native thread).
"""

import argparse
import os
import random
import shlex
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402

from tests.e2e.serverproc import PASSWORD, ApiClient, ServerProcess, run_cli, server_env  # noqa

from queue_server.app import create_app  # noqa: E402
from queue_server.domain.grades import GRADES  # noqa: E402
from queue_server.services import accounts, reports  # noqa: E402
from queue_server.services.config_loader import load_config  # noqa: E402
from queue_server.storage.models import (alerts, evaluations, ticket_events,  # noqa: E402
                                         tickets, window_events)

SHANGHAI = timezone(timedelta(hours=8))
YEAR = 2025
CHUNK = 10_000
GROUPINGS = ("hall", "service", "department", "window", "staff", "hour", "day")


def hall_config(services: int, windows: int) -> dict:
    codes = [chr(ord("A") + i) for i in range(services)]
    return {"halls": [{
        "code": "big", "name": "大型政务服务中心",
        "services": [{"code": c, "name": f"事项{c}", "department": f"部门{i % 8}",
                      "max_wait_min": 30, "max_service_min": 20} for i, c in enumerate(codes)],
        "windows": [{"number": n, "services": [codes[(n - 1) % services],
                                               codes[n % services]]}
                    for n in range(1, windows + 1)],
    }]}


class Generator:
    """Rows for one year, written in chunks of ``CHUNK`` rows per table."""

    def __init__(self, ctx, per_day: int, seed: int = 6):
        self.ctx, self.per_day, self.rng = ctx, per_day, random.Random(seed)
        self.hall = ctx.halls.get("big")
        self.staff = {w.id: accounts.add_user(ctx, f"staff{w.number}", "password123", "staff",
                                              self.hall.id, [w.number]) for w in self.hall.windows}
        self.rows = {t: [] for t in (tickets, ticket_events, evaluations, window_events, alerts)}
        self.next_ticket_id = 1
        self.total = 0

    def flush(self, force=False):
        if not force and max(len(rows) for rows in self.rows.values()) < CHUNK:
            return
        with self.ctx.db.write() as conn:  # tickets first: the others refer to them
            for table in (tickets, ticket_events, evaluations, window_events, alerts):
                if self.rows[table]:
                    conn.execute(insert(table), self.rows[table])
                self.rows[table] = []

    def day(self, day: date):
        opening = datetime(day.year, day.month, day.day, 8, 30, tzinfo=SHANGHAI)
        seq = {}
        for _ in range(self.per_day):
            service = self.rng.choice(self.hall.services)
            window = self.rng.choice(self.hall.windows_serving(service.id))
            seq[service.id] = seq.get(service.id, 0) + 1
            self.ticket(day, opening + timedelta(seconds=self.rng.uniform(0, 9 * 3600)),
                        service, window, seq[service.id])
        for window in self.rng.sample(self.hall.windows, 5):  # five pauses a day
            start = opening + timedelta(seconds=self.rng.uniform(0, 8 * 3600))
            for kind, at in (("paused", start),
                             ("resumed", start + timedelta(minutes=self.rng.uniform(5, 45)))):
                self.rows[window_events].append(dict(
                    hall_id=self.hall.id, window_id=window.id, kind=kind, at=at,
                    user_id=self.staff[window.id], reason=None))
        self.flush()

    def ticket(self, day, issued, service, window, seq):
        ticket_id, self.next_ticket_id = self.next_ticket_id, self.next_ticket_id + 1
        called = issued + timedelta(seconds=self.rng.expovariate(1 / 900))
        finished = called + timedelta(seconds=self.rng.expovariate(1 / 480) + 60)
        status = "no_show" if self.rng.random() < 0.05 else "done"
        staff = self.staff[window.id]
        self.rows[tickets].append(dict(
            id=ticket_id, hall_id=self.hall.id, service_id=service.id,
            original_service_id=service.id, number=f"{service.code}{seq:03d}", seq=seq,
            local_date=day, status=status, priority=False, issued_at=issued, queued_at=issued,
            called_at=called, first_called_at=called, finished_at=finished, window_id=window.id,
            target_window_id=None, staff_user_id=staff, recall_count=0, id_hash=None,
            track_token=uuid.uuid4().hex, device_id=None, user_id=None))
        events = [("issued", issued, None, None), ("called", called, window.id, staff),
                  ("finished" if status == "done" else "no_show", finished, window.id, staff)]
        if self.rng.random() < 0.03:
            events.append(("transferred", called + timedelta(seconds=30), window.id, staff))
        for kind, at, window_id, user_id in events:
            self.rows[ticket_events].append(dict(
                ticket_id=ticket_id, hall_id=self.hall.id, kind=kind, at=at,
                service_id=service.id, window_id=window_id, user_id=user_id, device_id=None,
                data=None))
        if status == "done" and self.rng.random() < 0.5:
            grade = self.rng.choices(GRADES, weights=(60, 25, 10, 3, 2))[0]
            self.rows[evaluations].append(dict(
                ticket_id=ticket_id, hall_id=self.hall.id, service_id=service.id,
                window_id=window.id, staff_user_id=staff, device_id=None, channel="evaluator",
                grade=grade, comment=None, created_at=finished))
        if (called - issued).total_seconds() > 1800:
            self.rows[alerts].append(dict(
                hall_id=self.hall.id, kind="wait_over_limit", level="red", ticket_id=ticket_id,
                window_id=None, service_id=service.id, raised_at=issued + timedelta(minutes=30),
                cleared_at=called, subject=f"ticket:{ticket_id}"))
        self.total += 1


def working_days(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


def build(url: str, per_day: int):
    now = datetime(YEAR + 1, 1, 5, 2, tzinfo=timezone.utc)
    app = create_app({"database_url": url, "async_mode": "threading", "secret_key": "bench",
                      "password_hash_method": "pbkdf2:sha256:1000"}, clock=lambda: now)
    ctx = app.extensions["hallq"]
    ctx.db.upgrade()
    load_config(ctx, hall_config(20, 30))
    generator = Generator(ctx, per_day)
    started = time.perf_counter()
    for day in working_days(YEAR):
        generator.day(day)
    generator.flush(force=True)
    if ctx.db.is_sqlite:
        with ctx.db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with ctx.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    print(f"generated {generator.total:,} tickets in {time.perf_counter() - started:.1f} s")
    return ctx


def measure(ctx, runs: int) -> None:
    """Wall time (p50, max) and this process's CPU time (p50: the whole query cost on SQLite,
    which runs in-process; only the client's share on PostgreSQL). On a shared machine the
    wall time includes waiting for a CPU: the load average is printed alongside."""
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    admin = accounts.Principal("user", 0, "admin", None)
    span = (f"{YEAR}-01-01", f"{YEAR}-12-31")
    print(f"{'report over ' + span[0] + ' … ' + span[1]:<44}{'p50':>10}{'max':>10}"
          f"{'p50 cpu':>10}")
    cases = [(f"reports by={by}", lambda by=by: reports.report(ctx, admin, "big", *span, by))
             for by in GROUPINGS]
    cases.append(("stats (hall + service + window + hour)",
                  lambda: reports.stats(ctx, admin, "big", *span)))
    for name, work in cases:
        times, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            work()
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        print(f"{name:<44}{statistics.median(times):>9.3f}s{max(times):>9.3f}s"
              f"{statistics.median(cpu):>9.3f}s")


def _percentile_ms(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] * 1000


def during_reports(url: str, directory: Path, reports_to_run: int) -> None:
    """Ticket latency at a kiosk alone, then while the year's report runs on the same server."""
    env = server_env(url, os.urandom(16).hex())
    run_cli(["user", "add", "boss", "--role", "manager", "--hall", "big"], env, directory,
            PASSWORD + "\n")
    kiosk = run_cli(["device", "add", "bench-kiosk", "--kind", "kiosk", "--hall", "big"], env,
                    directory).strip().splitlines()[-1]
    server = ServerProcess(env, directory, name="bench-reports").start()
    try:
        with ApiClient(server.url) as api:
            manager = api.login("boss")
        report_path = f"/api/v1/halls/big/reports?from={YEAR}-01-01&to={YEAR}-12-31&by=service"
        report_times, done = [], threading.Event()

        def manager_downloads():
            with ApiClient(server.url, manager, timeout=120) as api:
                for _ in range(reports_to_run):
                    started = time.perf_counter()
                    status, body = api.request("GET", report_path)
                    assert status == 200, body
                    report_times.append(time.perf_counter() - started)
            done.set()

        def issue(api, n):
            started = time.perf_counter()
            status, body = api.request("POST", "/api/v1/halls/big/tickets",
                                       {"service": chr(ord("A") + n % 20)})
            assert status == 201, body
            return time.perf_counter() - started

        with ApiClient(server.url, kiosk) as api:
            alone = [issue(api, n) for n in range(300)]
            thread = threading.Thread(target=manager_downloads)
            thread.start()
            meanwhile, n = [], 0
            while not done.is_set():
                meanwhile.append(issue(api, n))
                n += 1
            thread.join()
    finally:
        server.stop()
    print(f"kiosk issuing tickets on a live server (eventlet), {reports_to_run} year reports "
          f"by service meanwhile (each {statistics.median(report_times):.2f} s p50 over HTTP)")
    print(f"{'':<44}{'tickets':>10}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for name, values in (("alone", alone), ("while reports run", meanwhile)):
        print(f"{name:<44}{len(values):>10}{_percentile_ms(values, 50):>10.1f}"
              f"{_percentile_ms(values, 99):>10.1f}{max(values) * 1000:>10.1f}")


def postgres_database():
    name = "hallq_bench_" + uuid.uuid4().hex[:10]
    admin = create_engine("postgresql+psycopg2://postgres@127.0.0.1:5432/postgres",
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return f"postgresql://postgres@127.0.0.1:5432/{name}", drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="a fresh PostgreSQL database")
    parser.add_argument("--per-day", type=int, default=1000, help="tickets a working day")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each report")
    parser.add_argument("--during", type=int, default=0, metavar="N",
                        help="then time a kiosk on a live server while N year reports run")
    args = parser.parse_args()
    drop = None
    with tempfile.TemporaryDirectory() as directory:
        if args.postgres:
            url, drop = postgres_database()
        else:
            url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        print(f"database: {url.split('://')[0]}")
        try:
            ctx = build(url, args.per_day)
            measure(ctx, args.runs)
            ctx.close()
            if args.during:
                during_reports(url, Path(directory), args.during)
        finally:
            if drop:
                drop()
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    command = ["python", "bench/bench_reports.py"] + sys.argv[1:]
    print("rerun: .venv/bin/" + shlex.join(command))


if __name__ == "__main__":
    main()
