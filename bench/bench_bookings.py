"""Bookings (预约取号, issue 13): the last-places race and the booking latency, in-process.

Threads call the booking use case directly (``services/bookings.book``, no HTTP, no rate
limit), on a fresh SQLite file or PostgreSQL database:

- race: ``--race`` (1,000) threads released together for the last 10 places of one slot; the
  figure is how many bookings were made (must be exactly 10) and how long the burst took;
- latency: ``--clients`` (50) threads each booking ``--each`` (10) times on free slots; p50/p95
  of one booking.

    .venv/bin/python bench/bench_bookings.py                 # SQLite
    .venv/bin/python bench/bench_bookings.py --postgres      # fresh PostgreSQL, dropped after

    .venv/bin/python bench/bench_bookings.py --http          # over HTTP, a real server process

``--http`` (``bench/bench_bookings_http.py``): 50 clients over real sockets against one
``queue-server serve`` (eventlet), two client implementations (threads with ``http.client``,
asyncio with ``aiohttp``), each closed-loop (back-to-back) and paced (book, think ~1 s).

It prints figures; no test asserts them. The load shares the machine with the database.
"""

import argparse
import copy
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from queue_server.app import create_app  # noqa: E402
from queue_server.domain.errors import DomainError  # noqa: E402
from queue_server.domain.idnumber import make_id_number  # noqa: E402
from queue_server.services import bookings  # noqa: E402
from queue_server.services.config_loader import load_config  # noqa: E402
from queue_server.storage.db import Database, normalize_url  # noqa: E402

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
HALL = {"halls": [{"code": "b1", "name": "预约测试大厅", "services": [
    {"code": "A", "name": "综合", "hours": ["08:30-12:00", "14:00-17:30"],
     "booking": {"enabled": True, "slot_min": 15, "places": 10, "days_ahead": 20}}],
    "windows": [{"number": 1, "services": ["A"]}]}]}


def person(n: int) -> str:
    born = date(1980, 1, 1) + timedelta(days=n // 1000)
    return make_id_number(f"110105{born:%Y%m%d}{n % 1000:03d}")


def run_threads(count: int, work) -> tuple[list, list]:
    results, errors = [None] * count, []
    barrier = threading.Barrier(count)

    def body(i):
        barrier.wait()
        try:
            results[i] = work(i)
        except DomainError as error:
            errors.append(error.code)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def book(ctx, n: int, day: str, slot: str):
    return bookings.book(ctx, "b1", {"service": "A", "day": day, "slot": slot,
                                     "id_number": person(n), "phone": "13900001111"})


def race(ctx, count: int) -> None:
    config = copy.deepcopy(HALL)
    config["halls"][0]["services"][0]["booking"]["places"] = 20
    load_config(ctx, config)
    day = bookings.slots(ctx, "b1", "A")["days"][0]["day"]
    for n in range(10):
        book(ctx, n, day, "09:00")
    started = time.perf_counter()
    results, errors = run_threads(count, lambda i: book(ctx, 1000 + i, day, "09:00"))
    took = time.perf_counter() - started
    made = sum(1 for r in results if r)
    print(f"race: {count} concurrent requests for the last 10 places -> {made} bookings, "
          f"{errors.count('slot_full')} slot_full, {len(errors) - errors.count('slot_full')} "
          f"other refusals; {took:.2f} s")


def latency(ctx, clients: int, each: int) -> None:
    load_config(ctx, HALL)
    answer = bookings.slots(ctx, "b1", "A")["days"]
    # Day 0 is the race's; the others are free.
    days, starts = [d["day"] for d in answer[1:]], [s["start"] for s in answer[0]["slots"]]
    times: list[float] = []
    lock = threading.Lock()

    def work(i):
        for k in range(each):
            n = 5000 + i * each + k
            started = time.perf_counter()
            book(ctx, n, days[k % len(days)], starts[i % len(starts)])
            with lock:
                times.append(time.perf_counter() - started)

    started = time.perf_counter()
    _, errors = run_threads(clients, work)
    took = time.perf_counter() - started
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000  # noqa: E731
    print(f"latency: {clients} clients x {each} bookings: {len(times)} booked, "
          f"{len(errors)} refused ({set(errors) or '-'}); p50 {p(0.50):.1f} ms, "
          f"p95 {p(0.95):.1f} ms, max {times[-1] * 1000:.1f} ms, "
          f"mean {statistics.mean(times) * 1000:.1f} ms; {len(times) / took:.0f} bookings/s")


def database(postgres: bool, directory: Path) -> tuple[str, callable]:
    if not postgres:
        url = f"sqlite:///{directory / 'bench.sqlite3'}"
        Database(url).upgrade()
        return url, lambda: None
    name = "hallq_bench_" + uuid.uuid4().hex[:10]
    admin = create_engine(normalize_url(ADMIN), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    Database(url).upgrade()

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return url, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--race", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--each", type=int, default=10)
    parser.add_argument("--http", action="store_true",
                        help="book over HTTP against a real server process "
                             "(bench/bench_bookings_http.py)")
    parser.add_argument("--paced", type=int, default=5,
                        help="--http: bookings per client in the paced runs (default 5)")
    parser.add_argument("--places", type=int, default=500,
                        help="--http: places per slot (default 500)")
    args = parser.parse_args()
    if args.http:
        from bench.bench_bookings_http import run

        run(args.postgres, args.clients, args.each, args.paced, args.places)
        print("rerun: .venv/bin/python bench/bench_bookings.py --http"
              + (" --postgres" if args.postgres else ""))
        return
    with tempfile.TemporaryDirectory() as directory:
        url, drop = database(args.postgres, Path(directory))
        try:
            for phase in ("race", "latency"):
                app = create_app({"database_url": url, "async_mode": "threading",
                                  "secret_key": "s" * 32, "queue_event_interval": 0.0})
                ctx = app.extensions["hallq"]
                try:
                    if phase == "race":
                        race(ctx, args.race)
                    else:
                        latency(ctx, args.clients, args.each)
                finally:
                    ctx.close()
        finally:
            drop()
    print("rerun: .venv/bin/python bench/bench_bookings.py" + (" --postgres" if args.postgres
                                                                 else ""))


if __name__ == "__main__":
    main()
