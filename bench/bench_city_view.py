#!/usr/bin/env python3
"""How fast the city network view answers with a whole city's halls, on SQLite and PostgreSQL.

Builds the seed's city (issue 10) in a fresh database: 1 city centre, 6 branch and 6 county
centres, 58 towns and 37 communities under the counties, 637 villages under the towns (745
halls, ~1,200 windows); today's tickets (~19,000: waiting, called, served and rated), about
half the windows staffed, a few hundred open alerts, and ``--days`` earlier working days of
history (the index must skip them). Then times ``GET /api/v1/network/summary`` through the
Flask test client (auth, SQL, JSON) as the city's admin and as a county's manager, and the
live push's read of 100 changed halls (``NetworkPush.rows_by_room``). Prints p50/p95/max; it
asserts nothing. The aim (issue 10): p95 ≤ 300 ms.

    .venv/bin/python bench/bench_city_view.py            # temporary SQLite file
    .venv/bin/python bench/bench_city_view.py --postgres # fresh PostgreSQL database, dropped
"""

import argparse
import os
import random
import shlex
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import insert  # noqa: E402

from bench.bench_reports import postgres_database  # noqa: E402
from queue_server.app import create_app  # noqa: E402
from queue_server.domain.grades import GRADES  # noqa: E402
from queue_server.services import accounts  # noqa: E402
from queue_server.services.config_loader import load_config  # noqa: E402
from queue_server.storage.models import (alerts, evaluations, tickets,  # noqa: E402
                                         window_sessions)

NOW = datetime(2026, 3, 4, 6, 0, tzinfo=timezone.utc)  # 14:00 in Shanghai, a Wednesday
PASSWORD = "bench-password"
# level: (services, windows, tickets today)
SIZES = {"city": (8, 24, 1000), "branch": (3, 8, 300), "county": (6, 16, 500),
         "town": (3, 4, 80), "community": (2, 2, 60), "village": (1, 1, 10)}
CHUNK = 10_000


def city() -> list[tuple]:
    """(code, level, parent) of 745 halls, parents first."""
    halls = [("city", "city", None)]
    halls += [(f"branch{i}", "branch", "city") for i in range(1, 7)]
    halls += [(f"county{i}", "county", "city") for i in range(1, 7)]
    towns = [(f"town{i}", "town", f"county{(i - 1) % 6 + 1}") for i in range(1, 59)]
    halls += towns + [(f"community{i}", "community", f"county{(i - 1) % 6 + 1}")
                      for i in range(1, 38)]
    halls += [(f"village{i}", "village", towns[(i - 1) % 58][0]) for i in range(1, 638)]
    return halls


def config() -> dict:
    entries = []
    for code, level, parent in city():
        services, windows, _ = SIZES[level]
        codes = [chr(ord("A") + i) for i in range(services)]
        entry = {"code": code, "name": f"{code}中心", "level": level, "timezone": "Asia/Shanghai",
                 "services": [{"code": c, "name": f"事项{c}", "department": f"部门{c}",
                               "max_wait_min": 20} for c in codes],
                 "windows": [{"number": n, "services": [codes[(n - 1) % services]]}
                             for n in range(1, windows + 1)]}
        if parent:
            entry["parent"] = parent
        entries.append(entry)
    return {"halls": entries}


class Rows:
    def __init__(self, ctx):
        self.ctx, self.rows, self.token = ctx, {tickets: [], evaluations: []}, 0

    def add(self, table, row):
        self.rows[table].append(row)
        if len(self.rows[tickets]) >= CHUNK:
            self.flush()

    def flush(self):
        with self.ctx.db.write() as conn:
            for table in (tickets, evaluations):
                if self.rows[table]:
                    conn.execute(insert(table), self.rows[table])
                    self.rows[table] = []


def seed_tickets(ctx, days: int, rng: random.Random, now: datetime = NOW,
                 with_today: bool = True) -> int:
    """Today's tickets (unless ``with_today`` is off: a live server will issue them) and
    ``days`` earlier working days; ratings for half the served ones (evaluations refer to
    ticket ids: ids are assigned here, the database is fresh)."""
    out, next_id, total = Rows(ctx), 1, 0
    day_list = [now - timedelta(days=d) for d in range(0 if with_today else 1, days + 1)]
    for at_day in day_list:
        local = at_day.astimezone(timezone(timedelta(hours=8))).date()
        opening = datetime(local.year, local.month, local.day, 0, 30, tzinfo=timezone.utc)
        today = at_day == now
        for hall in ctx.halls.all():
            per_day = SIZES[_level(hall.code)][2]
            seq = {}
            for _ in range(per_day):
                service = rng.choice(hall.services)
                seq[service.id] = seq.get(service.id, 0) + 1
                issued = opening + timedelta(seconds=rng.uniform(0, 5.5 * 3600 if today
                                                                 else 8 * 3600))
                waiting = today and issued > now - timedelta(minutes=25) and rng.random() < 0.6
                called = None if waiting else issued + timedelta(minutes=rng.expovariate(1 / 8))
                window = rng.choice(hall.windows)
                out.add(tickets, dict(
                    id=next_id, hall_id=hall.id, service_id=service.id,
                    original_service_id=service.id, number=f"{service.code}{seq[service.id]:03d}",
                    seq=seq[service.id], local_date=local, status="waiting" if waiting else "done",
                    priority=False, issued_at=issued, queued_at=issued, called_at=called,
                    first_called_at=called, window_id=None if waiting else window.id,
                    finished_at=None if waiting else called + timedelta(minutes=6),
                    recall_count=0, requeued_count=0, track_token=f"{next_id:032x}"))
                if not waiting and rng.random() < 0.5:
                    out.add(evaluations, dict(ticket_id=next_id, hall_id=hall.id,
                                              service_id=service.id, window_id=window.id,
                                              channel="evaluator", grade=rng.choice(GRADES),
                                              created_at=called + timedelta(minutes=7)))
                next_id += 1
                total += 1
    out.flush()
    if not ctx.db.is_sqlite:  # the ids were given: the sequence must start past them
        with ctx.db.write() as conn:
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('tickets', 'id'), "
                                 "(SELECT max(id) FROM tickets))")
    return total


_LEVELS = {code: level for code, level, _ in city()}


def _level(code: str) -> str:
    return _LEVELS[code]


def seed_live(ctx, rng: random.Random, now: datetime = NOW) -> None:
    """A staff member signed in at one window of most halls; open alerts in ~30 % of them."""
    users = {}
    for hall in ctx.halls.all():
        users[hall.id] = accounts.add_user(ctx, f"staff-{hall.code}", PASSWORD, "staff",
                                           hall.id, [w.number for w in hall.windows])
    with ctx.db.write() as conn:
        sessions, raised = [], []
        for hall in ctx.halls.all():
            if rng.random() < 0.7:  # one open session per person: one staffed window a hall
                sessions.append(dict(hall_id=hall.id, window_id=hall.windows[0].id,
                                     user_id=users[hall.id], started_at=now - timedelta(hours=5)))
            if rng.random() < 0.3:
                raised.append(dict(hall_id=hall.id, kind="wait_over_limit", level=rng.choice(
                    ("red", "yellow")), subject=f"bench:{hall.id}", raised_at=now))
        conn.execute(insert(window_sessions), sessions)
        conn.execute(insert(alerts), raised)


def build(url: str, days: int, now: datetime = NOW, with_today: bool = True):
    """The city in a fresh database at ``url``; returns the (in-process) app that built it."""
    app = create_app({"database_url": url, "async_mode": "threading", "secret_key": "bench" * 8,
                      "password_hash_method": "pbkdf2:sha256:1000", "auth_cache_s": 0.0},
                     clock=lambda: now)
    ctx = app.extensions["hallq"]
    ctx.db.upgrade()
    started = time.perf_counter()
    load_config(ctx, config())
    print(f"loaded {len(ctx.halls.all())} halls in {time.perf_counter() - started:.1f} s")
    rng = random.Random(10)
    started = time.perf_counter()
    total = seed_tickets(ctx, days, rng, now, with_today)
    seed_live(ctx, rng, now)
    if ctx.db.is_sqlite:
        with ctx.db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with ctx.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    print(f"generated {total:,} tickets ({days} earlier days) in "
          f"{time.perf_counter() - started:.1f} s")
    return app


def _token(app, username, role, hall) -> dict:
    ctx = app.extensions["hallq"]
    accounts.add_user(ctx, username, PASSWORD, role, ctx.halls.get(hall).id)
    answer = app.test_client().post("/api/v1/auth/token",
                                    json={"username": username, "password": PASSWORD})
    return {"Authorization": "Bearer " + answer.get_json()["token"]}


def _p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _timed(name: str, work, runs: int) -> None:
    """Wall time (p50, p95, max) and this process's CPU time (p50, p95). On SQLite the queries
    run in-process, so the CPU time is the whole cost without the wait for a shared CPU; on
    PostgreSQL it leaves out the database server's share."""
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    print(f"{name:<52}{statistics.median(times) * 1000:>9.1f}{_p95(times) * 1000:>9.1f}"
          f"{max(times) * 1000:>9.1f}{statistics.median(cpu) * 1000:>9.1f}"
          f"{_p95(cpu) * 1000:>9.1f}")


def measure(app, runs: int) -> None:
    client = app.test_client()
    admin = _token(app, "bench-admin", "admin", "city")
    county = _token(app, "bench-county", "manager", "county1")

    def summary(headers, expected):
        response = client.get("/api/v1/network/summary", headers=headers)
        assert response.status_code == 200 and len(response.get_json()["halls"]) == expected

    body = client.get("/api/v1/network/summary", headers=admin)
    print(f"answer for the whole city: {len(body.data) / 1024:.0f} KiB, "
          f"{body.get_json()['total']['issued']:,} tickets today")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print(f"{'ms':<52}{'p50':>9}{'p95':>9}{'max':>9}{'cpu p50':>9}{'cpu p95':>9}")
    _timed("GET /network/summary, admin (745 halls)", lambda: summary(admin, 745), runs)
    county_halls = len(client.get("/api/v1/network/summary", headers=county).get_json()["halls"])
    _timed(f"GET /network/summary, county manager ({county_halls} halls)",
           lambda: summary(county, county_halls), runs)
    push = app.extensions["hallq_network_push"]
    changed = {h.code for h in app.extensions["hallq"].halls.all()[:100]}
    _timed("live push: rows of 100 changed halls, by room", lambda: push.rows_by_room(changed),
           runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="a fresh PostgreSQL database")
    parser.add_argument("--days", type=int, default=10, help="earlier days of history")
    parser.add_argument("--runs", type=int, default=40, help="timed requests of each kind")
    args = parser.parse_args()
    drop = None
    with tempfile.TemporaryDirectory() as directory:
        os.chdir(directory)
        if args.postgres:
            url, drop = postgres_database()
        else:
            url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        print(f"database: {url.split('://')[0]}")
        try:
            app = build(url, args.days)
            measure(app, args.runs)
            app.extensions["hallq"].close()
        finally:
            if drop:
                drop()
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print("rerun: .venv/bin/" + shlex.join(["python", "bench/bench_city_view.py"] + sys.argv[1:]))


if __name__ == "__main__":
    main()
