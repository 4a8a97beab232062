#!/usr/bin/env python3
"""Throughput and latency of a real HallQ server process (eventlet), measured from outside.

Starts ``queue-server serve`` on 127.0.0.1 with a temporary SQLite database (or the database of
``--database-url``, or a fresh PostgreSQL database with ``--postgres``), provisions a hall through
the CLI, then measures:

1. issuing tickets with 1 and with 8 kiosk clients (tickets/s, p50/p99 latency);
2. ``call-next`` with 1 and with 8 windows (calls/s, p50/p99 latency);
3. call → display latency: ``--displays`` Socket.IO hall screens (``socketio.AsyncClient`` on
   aiohttp, all in one asyncio loop) are connected; for each of ``--samples`` calls the clock
   starts just before the ``call-next`` request is written and stops when ``ticket_called``
   arrives at each screen.

The load generator runs on the same machine as the server and competes with it for the CPUs; the
figures are those of server + clients together. It prints figures; it asserts nothing.
"""

import argparse
import asyncio
import os
import shlex
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from tests.e2e.serverproc import (  # noqa: E402  (after the path is set)
    PASSWORD,
    ApiClient,
    PostgresDatabase,
    ServerProcess,
    provision,
    server_env,
    sqlite_url,
)

WINDOWS = 8
CLIENT_COUNTS = (1, 8)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Row:
    def __init__(self, operation, clients, latencies_s, wall_s, server_cpu_s):
        self.operation = operation
        self.clients = clients
        self.count = len(latencies_s)
        self.rate = self.count / wall_s if wall_s else 0.0
        self.p50_ms = percentile(latencies_s, 50) * 1000 if latencies_s else float("nan")
        self.p99_ms = percentile(latencies_s, 99) * 1000 if latencies_s else float("nan")
        self.cpu_ms = server_cpu_s * 1000 / self.count if self.count else float("nan")


# ---- HTTP load: threads, one keep-alive http.client connection each --------------------------

def run_http_phase(server, operation, clients, total, token, make_request, *, server_pid):
    """``clients`` threads send ``total`` requests between them; ``make_request(index, n, api)``
    sends client ``index``'s ``n``-th request and returns False to stop that client."""
    share = [total // clients + (index < total % clients) for index in range(clients)]
    latencies = [[] for _ in range(clients)]
    barrier = threading.Barrier(clients + 1)
    errors, stopped = [], []

    def client(index, token):
        with ApiClient(server.url, token) as api:
            barrier.wait()
            for n in range(share[index]):
                started = time.perf_counter()
                try:
                    if not make_request(index, n, api):
                        stopped.append(index)
                        return
                except Exception as error:  # reported below, ends this client
                    errors.append(repr(error))
                    return
                latencies[index].append(time.perf_counter() - started)

    threads = [threading.Thread(target=client, args=(index, token)) for index in range(clients)]
    for thread in threads:
        thread.start()
    cpu_before = process_cpu_s(server_pid)
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cpu = process_cpu_s(server_pid) - cpu_before
    if errors:
        print(f"  {operation}, {clients} clients: {len(errors)} errors, first: {errors[0]}")
    if stopped:
        print(f"  {operation}, {clients} clients: {len(stopped)} clients told queue_empty early")
    return Row(operation, clients, [x for each in latencies for x in each], wall, cpu)


def issuer(hall):
    def issue(index, n, api):
        service = hall.services[(index + n) % len(hall.services)]
        status, body = api.request("POST", f"/api/v1/halls/{hall.code}/tickets",
                                   {"service": service})
        if status != 201:
            raise RuntimeError(f"issue: {status} {body}")
        return True

    return issue


def caller(hall):
    def call(index, n, api):
        path = f"/api/v1/halls/{hall.code}/windows/{index + 1}/call-next"
        status, body = api.request("POST", path)
        if status == 404 and body["error"]["code"] == "queue_empty":
            return False
        if status != 200:
            raise RuntimeError(f"call-next: {status} {body}")
        return True

    return call


# ---- call → display: AsyncClients in one asyncio loop -----------------------------------------

async def display_latency(server, hall, token, displays, samples, pause_s):
    """Returns (each delivery's latency, each call's slowest delivery, call-next answer times,
    deliveries missing after 10 s, seconds to connect every display)."""
    import aiohttp
    import socketio

    # ticket_called may arrive before the call-next answer names the number: key by number.
    arrivals: dict[str, list[float]] = {}
    complete: dict[str, asyncio.Event] = {}

    def on_called(payload):
        number = payload.get("number")
        arrivals.setdefault(number, []).append(time.perf_counter())
        if len(arrivals[number]) == displays:
            complete.setdefault(number, asyncio.Event()).set()

    clients = []
    connect_started = time.perf_counter()
    for start in range(0, displays, 25):  # in batches: a connect storm is not what we measure
        batch = []
        for _ in range(start, min(displays, start + 25)):
            client = socketio.AsyncClient(reconnection=False)
            client.on("ticket_called", on_called, namespace="/display")
            clients.append(client)
            batch.append(client.connect(server.url, namespaces=["/display"],
                                        auth={"hall": hall.code}, transports=["websocket"],
                                        wait_timeout=30))
        await asyncio.gather(*batch)
    connect_s = time.perf_counter() - connect_started
    await asyncio.sleep(1.0)  # let the snapshots settle

    deliveries, slowest, answers, missing = [], [], [], 0
    url = f"{server.url}/api/v1/halls/{hall.code}/windows/1/call-next"
    headers = {"Authorization": "Bearer " + token}
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(samples):
                started = time.perf_counter()
                async with http.post(url, headers=headers) as response:
                    body = await response.json()
                answers.append(time.perf_counter() - started)
                if response.status != 200:
                    print(f"  call-next: {response.status} {body}")
                    break
                number = body["ticket"]["number"]
                try:
                    await asyncio.wait_for(complete.setdefault(number, asyncio.Event()).wait(), 10)
                except asyncio.TimeoutError:
                    pass
                got = arrivals.get(number, [])
                missing += displays - len(got)
                deliveries += [t - started for t in got]
                if got:
                    slowest.append(max(got) - started)
                await asyncio.sleep(pause_s)
    finally:
        await asyncio.gather(*(client.disconnect() for client in clients))
    return deliveries, slowest, answers, missing, connect_s


# ---- the run ----------------------------------------------------------------------------------

def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database-url", help="an existing database (default: temp SQLite file)")
    where.add_argument("--postgres", action="store_true",
                       help="a fresh PostgreSQL database on 127.0.0.1:5432, dropped afterwards")
    parser.add_argument("--tickets", type=int, default=1000,
                        help="tickets issued in each issuing run (default 1000)")
    parser.add_argument("--calls", type=int, default=400,
                        help="calls in each call-next run (default 400)")
    parser.add_argument("--displays", type=int, default=200, help="hall screens (default 200)")
    parser.add_argument("--samples", type=int, default=50,
                        help="calls timed to the screens (default 50)")
    parser.add_argument("--pause", type=float, default=0.3,
                        help="seconds between timed calls (default 0.3)")
    args = parser.parse_args(argv)
    for name in ("tickets", "calls", "displays", "samples"):
        if not 1 <= getattr(args, name) <= 100_000:
            parser.error(f"--{name} must be between 1 and 100000")
    if args.calls * len(CLIENT_COUNTS) + args.samples > args.tickets * len(CLIENT_COUNTS):
        parser.error("--tickets too small: every call needs a waiting ticket")
    return args


def describe(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgres") else "SQLite"


def print_table(title, rows, display):
    print()
    print(title)
    header = f"{'operation':<34}{'clients':>8}{'requests':>10}{'per s':>9}{'p50 ms':>9}" \
             f"{'p99 ms':>9}{'server CPU ms/req':>19}"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(f"{row.operation:<34}{row.clients:>8}{row.count:>10}{row.rate:>9.0f}"
              f"{row.p50_ms:>9.2f}{row.p99_ms:>9.2f}{row.cpu_ms:>19.2f}")
    deliveries, slowest, answers, missing, connect_s, displays = display
    print()
    print(f"call → display: {displays} screens connected in {connect_s:.1f} s; "
          f"{len(answers)} calls on window 1, {len(deliveries)} deliveries, {missing} missing")
    for label, values in (("each delivery", deliveries), ("slowest screen of a call", slowest),
                          ("call-next answer", answers)):
        if values:
            print(f"  {label:<28} p50 {percentile(values, 50) * 1000:8.2f} ms   "
                  f"p99 {percentile(values, 99) * 1000:8.2f} ms")


def main(argv=None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hallq-bench-") as directory:
        directory = Path(directory)
        database = PostgresDatabase("hallq_bench").create() if args.postgres else None
        url = database.url if database else args.database_url or sqlite_url(directory)
        env = server_env(url, os.urandom(16).hex())
        server = None
        try:
            hall = provision(env, directory, "bench_" + os.urandom(3).hex(), windows=WINDOWS)
            server = ServerProcess(env, directory, name="bench").start()
            with ApiClient(server.url) as api:
                manager = api.login(hall.manager, PASSWORD)
            pid = server.process.pid
            rows = []
            for clients in CLIENT_COUNTS:
                rows.append(run_http_phase(server, "issue ticket", clients, args.tickets,
                                           hall.kiosk_token, issuer(hall), server_pid=pid))
            for clients in CLIENT_COUNTS:
                rows.append(run_http_phase(server, "call-next", clients, args.calls, manager,
                                           caller(hall), server_pid=pid))
            display = asyncio.run(display_latency(server, hall, manager, args.displays,
                                                  args.samples, args.pause))
        except BaseException:
            if server is not None:
                print(f"server log (tail):\n{server.log_tail()}", file=sys.stderr)
            raise
        finally:
            if server is not None:
                server.stop()
            if database is not None:
                database.drop()
        title = (f"HallQ server: eventlet, {describe(url)}, {os.cpu_count()} CPUs shared by the "
                 f"server and this load generator (Python {sys.version.split()[0]})")
        print_table(title, rows, display + (args.displays,))
    print()
    command = [sys.executable, str(Path(__file__).resolve())] + sys.argv[1:]
    print("rerun: " + " ".join(shlex.quote(part) for part in command))
    return 0


if __name__ == "__main__":
    sys.exit(main())
