#!/usr/bin/env python3
"""Booking latency over HTTP (issue 13): 50 clients against one real ``queue-server serve``.

Starts one server process (eventlet, as in production) on 127.0.0.1 with a temporary SQLite file
or, with ``--postgres``, a fresh PostgreSQL database; loads a hall whose service A takes bookings
(15-minute slots, ``--places`` each, 20 days ahead); then books through
``POST /api/v1/halls/{hall}/bookings`` (the public endpoint, no token) with two independent
client implementations over real sockets:

- ``threads``: one thread per client, one keep-alive ``http.client`` connection each;
- ``aiohttp``: one asyncio loop, one task per client, one ``aiohttp`` session (50 connections).

and two pacings for each:

- ``closed``: back-to-back; each client books ``--each`` times, the next request as soon as the
  answer arrives (the server's worst case: 50 requests always in flight);
- ``paced``: each client books, then thinks 0.5–1.5 s (uniform, mean 1 s, seeded), ``--paced``
  times; each starts within the first second (uniform), as 50 citizens booking at the same
  time would: ~50 bookings/s offered. (The closed runs show the all-at-once burst.)

Every booking is a new person on a free slot of a coming day. The latency is the client's, from
writing the request to reading the whole answer. Before each run a few bookings warm the server.
The load average at the start is printed: the clients share the machine with the server.

    .venv/bin/python bench/bench_bookings.py --http               # SQLite
    .venv/bin/python bench/bench_bookings.py --http --postgres    # PostgreSQL (dropped after)

It prints figures; it asserts nothing.
"""

import asyncio
import json
import os
import random
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from queue_server.domain.idnumber import make_id_number  # noqa: E402
from tests.e2e.serverproc import (  # noqa: E402
    ApiClient,
    PostgresDatabase,
    ServerProcess,
    noon_timezone,
    run_cli,
    server_env,
    sqlite_url,
)

HALL_CODE = "bk1"
THINK_S = (0.5, 1.5)
WARM_UP = 20


def person(n: int) -> str:
    born = date(1970, 1, 1) + timedelta(days=n // 1000)
    return make_id_number(f"110105{born:%Y%m%d}{n % 1000:03d}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def process_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_hall(env: dict, directory: Path, places: int) -> None:
    config = {"halls": [{
        "code": HALL_CODE, "name": "预约压测大厅", "timezone": noon_timezone(),
        "services": [{"code": "A", "name": "综合", "hours": ["08:30-12:00", "14:00-17:30"],
                      "booking": {"enabled": True, "slot_min": 15, "places": places,
                                  "days_ahead": 20}}],
        "windows": [{"number": 1, "name": "1号窗口", "services": ["A"]}]}]}
    path = directory / "hall.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    run_cli(["load-config", str(path)], env, directory)


class Requests:
    """Hands out (path, body) of distinct bookings: new people, free slots of coming days."""

    def __init__(self, url: str):
        with ApiClient(url) as api:
            status, body = api.request("GET", f"/api/v1/halls/{HALL_CODE}/booking/slots"
                                              "?service=A")
        if status != 200:
            raise RuntimeError(f"slots: {status} {body}")
        self.choices = [(d["day"], s["start"]) for d in body["days"][1:] for s in d["slots"]]
        self.path = f"/api/v1/halls/{HALL_CODE}/bookings"
        self.next = 0
        self.lock = threading.Lock()

    def take(self) -> dict:
        with self.lock:
            n, self.next = self.next, self.next + 1
        day, slot = self.choices[n % len(self.choices)]
        return {"service": "A", "day": day, "slot": slot, "id_number": person(n),
                "phone": "13900001111"}


class Result:
    def __init__(self):
        self.latencies: list[float] = []
        self.refused: dict[str, int] = {}
        self.lock = threading.Lock()

    def add(self, started: float, status: int, body) -> None:
        took = time.perf_counter() - started
        with self.lock:
            if status == 201:
                self.latencies.append(took)
            else:
                code = (body or {}).get("error", {}).get("code", str(status))
                self.refused[code] = self.refused.get(code, 0) + 1


def think(rng: random.Random) -> float:
    return rng.uniform(*THINK_S)


def run_threads(url: str, requests: Requests, clients: int, each: int, paced: bool) -> Result:
    result, barrier = Result(), threading.Barrier(clients)

    def client(index: int) -> None:
        rng = random.Random(index)
        with ApiClient(url) as api:
            barrier.wait()
            if paced:
                time.sleep(rng.uniform(0, 1))
            for _ in range(each):
                started = time.perf_counter()
                status, body = api.request("POST", requests.path, requests.take())
                result.add(started, status, body)
                if paced:
                    time.sleep(think(rng))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


def run_aiohttp(url: str, requests: Requests, clients: int, each: int, paced: bool) -> Result:
    import aiohttp

    result = Result()

    async def client(session, index: int) -> None:
        rng = random.Random(1000 + index)
        if paced:
            await asyncio.sleep(rng.uniform(0, 1))
        for _ in range(each):
            started = time.perf_counter()
            async with session.post(url + requests.path, json=requests.take()) as response:
                raw = await response.read()
                result.add(started, response.status, json.loads(raw) if raw else None)
            if paced:
                await asyncio.sleep(think(rng))

    async def main() -> None:
        connector = aiohttp.TCPConnector(limit=clients)
        async with aiohttp.ClientSession(connector=connector) as session:
            await asyncio.gather(*(client(session, i) for i in range(clients)))

    asyncio.run(main())
    return result


CLIENTS = {"threads": run_threads, "aiohttp": run_aiohttp}


def measure(server, requests, kind: str, clients: int, each: int, paced: bool) -> str:
    CLIENTS[kind](server.url, requests, 5, WARM_UP // 5, False)  # warm the server up
    load = os.getloadavg()[0]
    cpu_before = process_cpu_s(server.process.pid)
    started = time.perf_counter()
    result = CLIENTS[kind](server.url, requests, clients, each, paced)
    wall = time.perf_counter() - started
    cpu = process_cpu_s(server.process.pid) - cpu_before
    times = result.latencies
    if not times:
        return f"{kind:<8} {'paced' if paced else 'closed':<7} no booking made: {result.refused}"
    count = len(times) + sum(result.refused.values())
    return (f"{kind:<8} {'paced' if paced else 'closed':<7} {len(times):>6} "
            f"{percentile(times, 50) * 1000:>8.1f} {percentile(times, 95) * 1000:>8.1f} "
            f"{percentile(times, 99) * 1000:>8.1f} {max(times) * 1000:>8.1f} "
            f"{len(times) / wall:>7.0f} {cpu * 1000 / count:>8.2f} {load:>6.2f}"
            + (f"  refused {result.refused}" if result.refused else ""))


def run(postgres: bool, clients: int, each: int, paced_each: int, places: int) -> None:
    with tempfile.TemporaryDirectory(prefix="hallq-bench-bookings-") as directory:
        directory = Path(directory)
        database = PostgresDatabase("hallq_bench").create() if postgres else None
        url = database.url if database else sqlite_url(directory)
        env = server_env(url, os.urandom(16).hex())
        server = None
        try:
            load_hall(env, directory, places)
            server = ServerProcess(env, directory, name="bench-bookings").start()
            requests = Requests(server.url)
            backend = "PostgreSQL" if postgres else "SQLite"
            print(f"bookings over HTTP: one eventlet server, {backend}, {clients} clients, {os.cpu_count()} CPUs shared with the clients; closed: "
                  f"{each} back-to-back each; paced: {paced_each} each, {THINK_S[0]}-{THINK_S[1]}"
                  " s think")
            print(f"{'client':<8} {'pacing':<7} {'booked':>6} {'p50 ms':>8} {'p95 ms':>8} "
                  f"{'p99 ms':>8} {'max ms':>8} {'per s':>7} {'CPU ms':>8} {'load1':>6}")
            for kind in CLIENTS:
                for paced in (False, True):
                    print(measure(server, requests, kind, clients,
                                  paced_each if paced else each, paced), flush=True)
        except BaseException:
            if server is not None:
                print(f"server log (tail):\n{server.log_tail()}", file=sys.stderr)
            raise
        finally:
            if server is not None:
                server.stop()
            if database is not None:
                database.drop()
