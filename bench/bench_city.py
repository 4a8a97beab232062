#!/usr/bin/env python3
"""The seed's city under load on one server process on PostgreSQL (issue 10, "Scale").

Builds the city of bench_city_view.py in a fresh PostgreSQL database (745 halls from the city
centre down to 637 villages, ``--days`` of history, a clerk signed in at one window of ~70 % of
the halls, a kiosk token per hall), starts one ``queue-server serve`` process (eventlet), and
connects ``--screens`` hall screens (Socket.IO ``/display``, websocket, one asyncio client
process: tests/e2e/crowd.py) spread over the halls by size (a screen per window and one per
hall), plus one city-level dashboard on ``/network`` as the admin. Then for ``--minutes`` it
issues ``--tickets`` tickets/s at the kiosks and makes ``--calls`` calls/s at the staffed
windows, spread over the halls, while the admin's network view (``GET /network/summary``) is
read every 2 s. Printed:

- the rates reached, and every refused request by status;
- call -> screen: from sending ``call-next`` to each of the hall's screens receiving
  ``ticket_called`` (p50, p95, p99, max; aim p99 <= 50 ms);
- the network view's answer time (p50, p95; aim p95 <= 300 ms);
- the live push: from a change in a hall (its request answered) to the open dashboard's
  ``network_changed`` carrying that hall (p50, p95, max; aim <= 2 s);
- the server's memory (RSS now and peak; aim <= 300 MiB) and its CPU time over the run (less
  sensitive than the latencies to what else the machine runs).

Client and server share this machine's cores: the client's own load is part of the figures.
It asserts nothing.

    .venv/bin/python bench/bench_city.py                 # 2,300 screens, 5 minutes
    .venv/bin/python bench/bench_city.py --quick         # 300 screens, 30 s: a smoke run
"""

import argparse
import os
import random
import secrets
import shlex
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import requests  # noqa: E402
import socketio  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench import bench_city_view as seed  # noqa: E402
from bench.bench_reports import postgres_database  # noqa: E402
from queue_server.services import accounts  # noqa: E402
from queue_server.storage.models import window_sessions  # noqa: E402
from tests.e2e.crowd import Crowd  # noqa: E402
from tests.e2e.serverproc import ServerProcess, server_env  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def cpu_s(pid: int) -> float:
    """The process's CPU time so far (user + system), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MiB: now and the peak."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", float("nan")), fields.get("VmHWM", float("nan"))


class City:
    """What the load needs to know of the seeded city: halls, tokens, who is staffed where."""

    def __init__(self, url: str, days: int):
        app = seed.build(url, days, now=datetime.now(timezone.utc), with_today=False)
        ctx = app.extensions["hallq"]
        self.halls = {hall.code: hall for hall in ctx.halls.all()}
        self.kiosks = {code: accounts.add_device(ctx, f"kiosk-{code}", "kiosk", hall.id)
                       for code, hall in self.halls.items()}
        accounts.add_user(ctx, "bench-admin", seed.PASSWORD, "admin", self.halls["city"].id)
        with ctx.db.read() as conn:
            staffed = conn.execute(select(window_sessions.c.hall_id, window_sessions.c.window_id)
                                   .where(window_sessions.c.ended_at.is_(None))).all()
        by_id = {hall.id: hall for hall in self.halls.values()}
        # hall code -> (window number, the service it calls)
        self.staffed = {}
        for hall_id, window_id in staffed:
            hall = by_id[hall_id]
            window = next(w for w in hall.windows if w.id == window_id)
            self.staffed[hall.code] = (window.number, hall.service_by_id(window.service_ids[0]))
        ctx.close()

    def screens(self, count: int) -> list[str]:
        """``count`` hall codes, one per screen, in proportion to each hall's windows + 1."""
        weights = {code: len(hall.windows) + 1 for code, hall in self.halls.items()}
        total = sum(weights.values())
        shares = {code: count * weight / total for code, weight in weights.items()}
        codes = [code for code, share in shares.items() for _ in range(int(share))]
        by_remainder = sorted(shares, key=lambda code: int(shares[code]) - shares[code])
        codes += by_remainder[:count - len(codes)]  # the largest remainders (largest-remainder)
        random.Random(3).shuffle(codes)
        return codes


class Load:
    """Tickets and calls at a steady pace over the halls, from a pool of threads."""

    def __init__(self, base: str, city: City, staff_tokens: dict, workers: int = 16):
        self.base, self.city, self.staff = base, city, staff_tokens
        self.pool = ThreadPoolExecutor(workers)
        self.local = threading.local()
        self.lock = threading.Lock()
        self.rng = random.Random(7)
        self.waiting = {code: 0 for code in staff_tokens}  # tickets we issued for the window
        self.current: dict[str, int | None] = {code: None for code in staff_tokens}
        self.calls: list[tuple[str, str, float]] = []  # (hall, number, sent at)
        self.issued = 0
        self.refused: dict[str, int] = {}
        self.changed: dict[str, float] = {}  # hall -> first change not yet seen pushed
        sizes = {code: seed.SIZES[seed._level(code)][2] for code in city.halls}
        self.hall_codes, self.hall_weights = list(sizes), list(sizes.values())

    def _session(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
            self.local.session.trust_env = False
        return self.local.session

    def _refused(self, what: str, response) -> None:
        key = f"{what} {response.status_code} {response.json().get('code', '')}"
        with self.lock:
            self.refused[key] = self.refused.get(key, 0) + 1

    def _changed(self, code: str) -> None:
        with self.lock:
            self.changed.setdefault(code, time.monotonic())

    def issue(self) -> None:
        with self.lock:
            code = self.rng.choices(self.hall_codes, self.hall_weights)[0]
            hall = self.city.halls[code]
            staffed = self.city.staffed.get(code)
            # Most citizens come for what the staffed window calls: calls find someone waiting.
            service = staffed[1] if staffed and self.rng.random() < 0.7 \
                else self.rng.choice(hall.services)
        response = self._session().post(
            f"{self.base}/api/v1/halls/{code}/tickets", json={"service": service.code},
            headers={"Authorization": "Bearer " + self.city.kiosks[code]}, timeout=30)
        if response.status_code != 201:
            return self._refused("issue", response)
        self._changed(code)
        with self.lock:
            self.issued += 1
            if staffed and service.id == staffed[1].id and code in self.waiting:
                self.waiting[code] += 1

    def call(self) -> None:
        with self.lock:
            ready = [code for code, n in self.waiting.items() if n > 0]
            if not ready:
                return
            code = self.rng.choice(ready)
            self.waiting[code] -= 1
            finishing = self.current[code]
        window = self.city.staffed[code][0]
        sent = time.monotonic()
        response = self._session().post(
            f"{self.base}/api/v1/halls/{code}/windows/{window}/call-next",
            json={"finish": finishing}, timeout=30,
            headers={"Authorization": "Bearer " + self.staff[code]})
        if response.status_code != 200:
            return self._refused("call", response)
        ticket = response.json()["ticket"]
        self._changed(code)
        with self.lock:
            self.current[code] = ticket["id"]
            self.calls.append((code, ticket["number"], sent))

    def run(self, seconds: float, tickets_per_s: float, calls_per_s: float) -> float:
        """Submit at the paces for ``seconds``; returns the seconds it took to finish."""
        started = time.monotonic()
        next_issue = next_call = started
        futures = []
        while time.monotonic() - started < seconds:
            now = time.monotonic()
            while next_issue <= now:
                futures.append(self.pool.submit(self.issue))
                next_issue += 1 / tickets_per_s
            while next_call <= now:
                futures.append(self.pool.submit(self.call))
                next_call += 1 / calls_per_s
            time.sleep(0.005)
        for future in futures:
            future.result()
        return time.monotonic() - started


def staff_tokens(base: str, city: City) -> dict:
    def token(code):
        answer = requests.post(f"{base}/api/v1/auth/token", timeout=60,
                               json={"username": f"staff-{code}", "password": seed.PASSWORD})
        answer.raise_for_status()
        return code, answer.json()["token"]
    with ThreadPoolExecutor(8) as pool:
        return dict(pool.map(token, sorted(city.staffed)))


class Dashboard:
    """The admin's network view: a /network socket, and the summary read every 2 s."""

    def __init__(self, base: str, load: Load):
        self.base, self.load = base, load
        answer = requests.post(f"{base}/api/v1/auth/token", timeout=60,
                               json={"username": "bench-admin", "password": seed.PASSWORD})
        self.headers = {"Authorization": "Bearer " + answer.json()["token"]}
        self.push_delays: list[float] = []
        self.summary_times: list[float] = []
        self.client = socketio.Client(reconnection=True)
        self.client.on("network_changed", self._pushed, namespace="/network")
        self.client.connect(base, namespaces=["/network"], transports=["websocket"],
                            auth={"token": answer.json()["token"]}, wait_timeout=30)
        self.stop = threading.Event()
        self.reader = threading.Thread(target=self._read_summaries, daemon=True)
        self.reader.start()

    def _pushed(self, payload) -> None:
        now = time.monotonic()
        with self.load.lock:
            for row in payload.get("halls", []):
                since = self.load.changed.pop(row.get("code"), None)
                if since is not None:
                    self.push_delays.append(now - since)

    def _read_summaries(self) -> None:
        session = requests.Session()
        session.trust_env = False
        while not self.stop.wait(2):
            started = time.monotonic()
            response = session.get(f"{self.base}/api/v1/network/summary", headers=self.headers,
                                   timeout=60)
            if response.status_code == 200:
                self.summary_times.append(time.monotonic() - started)

    def close(self) -> None:
        self.stop.set()
        self.reader.join(10)
        self.client.disconnect()


def call_delays(crowd: Crowd, calls: list[tuple[str, str, float]]) -> tuple[list[float], int]:
    """Each (screen, call of its hall) pair: seconds from sending to receiving; and how many
    pairs never arrived."""
    screens_of: dict[str, list] = {}
    for state in crowd.states:
        screens_of.setdefault(state.hall, []).append(state)
    delays, missed = [], 0
    for hall, number, sent in calls:
        for state in screens_of.get(hall, []):
            seen = state.call_times.get(number)
            if seen is None:
                missed += 1
            else:
                delays.append(seen - sent)
    return delays, missed


def ms(values: list[float], *shares: float) -> str:
    return "  ".join(f"p{int(s * 100)} {percentile(values, s) * 1000:.0f}" for s in shares) + \
        f"  max {max(values) * 1000:.0f} ms" if values else "no samples"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screens", type=int, default=2300)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--tickets", type=float, default=50.0, help="tickets per second")
    parser.add_argument("--calls", type=float, default=20.0, help="calls per second")
    parser.add_argument("--days", type=int, default=10, help="earlier days of history")
    parser.add_argument("--quick", action="store_true", help="300 screens for 30 s")
    args = parser.parse_args()
    if args.quick:
        args.screens, args.minutes = 300, 0.5
    with tempfile.TemporaryDirectory(prefix="hallq-city-") as folder:
        os.chdir(folder)
        url, drop = postgres_database()
        server = crowd = dashboard = None
        try:
            started = time.monotonic()
            city = City(url, args.days)
            print(f"city built in {time.monotonic() - started:.0f} s: {len(city.halls)} halls, "
                  f"{len(city.staffed)} staffed windows")
            server = ServerProcess(server_env(url, secrets.token_hex(32)), Path(folder),
                                   "city").start(ready_timeout=300)
            tokens = staff_tokens(server.url, city)
            print(f"server started: {rss_mib(server.process.pid)[0]:.0f} MiB")
            started = time.monotonic()
            crowd = Crowd(server.url, city.screens(args.screens), args.screens,
                          connect_timeout=900)
            crowd.wait_until(lambda: crowd.snapshotted_since(0) == args.screens, 600)
            print(f"{args.screens} screens over {len({s.hall for s in crowd.states})} halls "
                  f"connected in {time.monotonic() - started:.0f} s; server "
                  f"{rss_mib(server.process.pid)[0]:.0f} MiB")
            load = Load(server.url, city, tokens)
            dashboard = Dashboard(server.url, load)
            print(f"load average before: {os.getloadavg()[0]:.2f}")
            cpu_before = cpu_s(server.process.pid)
            took = load.run(args.minutes * 60, args.tickets, args.calls)
            time.sleep(3)  # the last calls' pushes and the last network push
            server_cpu = cpu_s(server.process.pid) - cpu_before
            rss, peak = rss_mib(server.process.pid)
            print(f"\n{load.issued:,} tickets ({load.issued / took:.1f}/s) and "
                  f"{len(load.calls):,} calls ({len(load.calls) / took:.1f}/s) in {took:.0f} s")
            print(f"server CPU: {server_cpu:.1f} s ({server_cpu / (took + 3) * 100:.0f} % of one "
                  f"core), {server_cpu * 1000 / max(1, load.issued + len(load.calls)):.1f} ms "
                  "per ticket or call with everything it sets off")
            for key, count in sorted(load.refused.items()):
                print(f"  refused: {key} x{count}")
            delays, missed = call_delays(crowd, load.calls)
            print(f"call -> screen ({len(delays):,} deliveries, {missed} missing): "
                  f"{ms(delays, 0.5, 0.95, 0.99)}")
            print(f"GET /network/summary, admin, under load ({len(dashboard.summary_times)} "
                  f"reads): {ms(dashboard.summary_times, 0.5, 0.95)}")
            print(f"change -> network_changed on the open dashboard "
                  f"({len(dashboard.push_delays):,}): {ms(dashboard.push_delays, 0.5, 0.95)}")
            print(f"server memory: {rss:.0f} MiB now, {peak:.0f} MiB peak; "
                  f"screens dropped during the run: {sum(s.disconnects for s in crowd.states)}")
            print(f"load average after: {os.getloadavg()[0]:.2f}")
        finally:
            if dashboard is not None:
                dashboard.close()
            if crowd is not None:
                crowd.close()
            if server is not None:
                server.kill()
            drop()
    print("rerun: .venv/bin/" + shlex.join(["python", "bench/bench_city.py"] + sys.argv[1:]))


if __name__ == "__main__":
    main()
