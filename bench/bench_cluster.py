"""A city's deployment measured: 1, 2 and 4 ``queue-server serve`` processes (eventlet) on one
PostgreSQL database joined by Redis, behind the shipped nginx site over TLS (tests/deploy/kit.py).

For each process count, on a fresh database and hall:

1. tickets/s: ``--clients`` kiosk clients (threads, one keep-alive TLS connection each) issue
   ``--tickets`` tickets through nginx (the API goes to the least busy process);
2. calls/s: as many windows call ``call-next`` through nginx until ``--calls`` calls;
3. call → screen across processes: ``--screens`` hall screens (asyncio Socket.IO clients,
   websocket only, tests/e2e/crowd.py) are connected straight to the processes in turn (from one
   address nginx's hash would put them all on one), then ``--samples`` calls are made through
   nginx one after another and each screen's arrival is timed: most calls are made on another
   process than most screens, so the figure includes the hop through Redis;
4. each process's resident memory.

The issue's aims (issue 15): 2 processes ≥ 1.6 × one; call → screen p99 ≤ 50 ms. Client and
servers share this machine's CPUs: more processes than cores measures contention, not scaling.
The reconnect storm after a process dies is bench/bench_failover.py's; 700 halls on one
process is bench/bench_city.py's.

    .venv/bin/python bench/bench_cluster.py [--processes 1,2,4] [--tickets 2000] [--calls 600]
        [--clients 8] [--screens 400] [--samples 40]
"""

import argparse
import http.client
import json
import os
import ssl
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.deploy import kit  # noqa: E402
from tests.e2e.conftest import HallqFactory  # noqa: E402
from tests.e2e.crowd import Crowd  # noqa: E402
from tests.e2e.serverproc import free_port  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class TlsApi:
    """Keep-alive JSON over one TLS connection to nginx (one per thread)."""

    def __init__(self, https_url: str, ca: str, token: str):
        host, port = https_url.removeprefix("https://").split(":")
        context = ssl.create_default_context(cafile=ca)
        self.conn = http.client.HTTPSConnection(host, int(port), context=context, timeout=60)
        self.token = token

    def post(self, path: str, body=None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": "Bearer " + self.token}
        if data is not None:
            headers["Content-Type"] = "application/json"
        self.conn.request("POST", path, body=data, headers=headers)
        response = self.conn.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw else {}

    def close(self) -> None:
        self.conn.close()


def run_clients(count: int, total: int, make_api, step) -> tuple[float, list[float], list[str]]:
    """``count`` threads make ``total`` requests between them with ``step(index, n, api)``
    (False: this client is done early). Returns (requests per second, latencies, errors)."""
    share = [total // count + (index < total % count) for index in range(count)]
    latencies: list[list[float]] = [[] for _ in range(count)]
    errors: list[str] = []
    barrier = threading.Barrier(count + 1)

    def client(index: int) -> None:
        api = make_api(index)
        try:
            barrier.wait()
            for n in range(share[index]):
                started = time.perf_counter()
                if not step(index, n, api):
                    return
                latencies[index].append(time.perf_counter() - started)
        except Exception as error:  # noqa: BLE001 - reported with the figures
            errors.append(repr(error))
        finally:
            api.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    done = [x for each in latencies for x in each]
    return len(done) / wall if wall else 0.0, done, errors


def throughput(nginx, hall, kiosk_token: str, manager: str, args) -> dict:
    def issue(index, n, api):
        service = hall.services[(index + n) % len(hall.services)]
        status, body = api.post(f"/api/v1/halls/{hall.code}/tickets", {"service": service})
        if status != 201:
            raise RuntimeError(f"issue: {status} {body}")
        return True

    def call(index, n, api):
        status, body = api.post(f"/api/v1/halls/{hall.code}/windows/{index + 1}/call-next")
        if status == 404 and body.get("error", {}).get("code") == "queue_empty":
            return False
        if status != 200:
            raise RuntimeError(f"call-next: {status} {body}")
        return True

    figures = {}
    for name, token, total, step in (("issue", kiosk_token, args.tickets, issue),
                                     ("call", manager, args.calls, call)):
        rate, latencies, errors = run_clients(
            args.clients, total, lambda _i, t=token: TlsApi(nginx.https, nginx.ca, t), step)
        figures[name] = (rate, percentile(latencies, 0.5) * 1000,
                         percentile(latencies, 0.99) * 1000, errors)
    return figures


def call_to_screens(nginx, deployment, manager: str, args) -> tuple[list[float], int, float]:
    """Each screen's delay for each timed call, the deliveries missing, the connect time."""
    hall = deployment.hall
    started = time.monotonic()
    share = [args.screens // len(deployment.servers)
             + (i < args.screens % len(deployment.servers))
             for i in range(len(deployment.servers))]
    crowds = [Crowd(server.url, hall.code, n, connect_timeout=300)
              for server, n in zip(deployment.servers, share) if n]
    for crowd in crowds:
        crowd.wait_until(lambda c=crowd: c.snapshotted_since(0) == c.count, 300)
    connect_s = time.monotonic() - started
    api = TlsApi(nginx.https, nginx.ca, manager)
    delays, missing = [], 0
    try:
        for sample in range(args.samples):
            window = sample % args.clients + 1
            sent = time.monotonic()
            status, body = api.post(f"/api/v1/halls/{hall.code}/windows/{window}/call-next")
            if status != 200:
                print(f"  call-next: {status} {body}")
                break
            number = body["ticket"]["number"]
            for crowd in crowds:
                crowd.wait_until(lambda c=crowd: c.saw_call(number) == c.count, 10)
                seen = [s.call_times[number] for s in crowd.states if number in s.call_times]
                missing += crowd.count - len(seen)
                delays += [t - sent for t in seen]
            time.sleep(0.2)
    finally:
        api.close()
        for crowd in crowds:
            crowd.close()
    return delays, missing, connect_s


def measure(processes: int, args) -> dict:
    with tempfile.TemporaryDirectory(prefix="hallq-cluster-") as folder:
        directory = Path(folder)
        factory = HallqFactory(directory)
        nginx = None
        try:
            deployment = factory.deploy(factory.postgres(), processes=processes,
                                        message_queue=factory.redis(), windows=args.clients)
            (directory / "nginx").mkdir()
            nginx = kit.start_nginx(directory / "nginx", [s.port for s in deployment.servers],
                                    free_port(), free_port())
            manager = deployment.token(deployment.hall.manager)
            figures = throughput(nginx, deployment.hall, deployment.hall.kiosk_token, manager,
                                 args)
            delays, missing, connect_s = call_to_screens(nginx, deployment, manager, args)
            memory = [rss_mib(s.process.pid) for s in deployment.servers]
        finally:
            if nginx is not None:
                nginx.stop()
            factory.close()
    print(f"\n{processes} process(es), PostgreSQL + Redis behind nginx (TLS), "
          f"{args.clients} clients")
    for name, (rate, p50, p99, errors) in figures.items():
        print(f"  {name:<6} {rate:8.0f}/s   p50 {p50:7.1f} ms   p99 {p99:7.1f} ms"
              + (f"   {len(errors)} errors, first {errors[0]}" if errors else ""))
    print(f"  call -> screen: {args.screens} screens (connected in {connect_s:.1f} s), "
          f"{len(delays)} deliveries, {missing} missing: p50 {percentile(delays, 0.5) * 1000:.1f}"
          f" ms, p99 {percentile(delays, 0.99) * 1000:.1f} ms, max "
          f"{max(delays, default=float('nan')) * 1000:.1f} ms")
    print("  memory: " + ", ".join(f"{m:.0f} MiB" for m in memory))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=600)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--screens", type=int, default=400)
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args()
    if not kit.nginx_binary():
        sys.exit("nginx is not installed (apt-get install nginx-light)")
    counts = [int(p) for p in args.processes.split(",")]
    if args.calls + args.samples > args.tickets:
        parser.error("--tickets must cover --calls and --samples")
    print(f"{os.cpu_count()} CPUs shared by nginx, the servers, PostgreSQL, Redis and this "
          f"client")
    rates = {n: measure(n, args) for n in counts}
    if 1 in rates:
        for n in counts:
            if n != 1:
                issue = rates[n]["issue"][0] / rates[1]["issue"][0]
                call = rates[n]["call"][0] / rates[1]["call"][0]
                print(f"{n} processes / 1: issue x{issue:.2f}, call x{call:.2f}")
    print("rerun: .venv/bin/python bench/bench_cluster.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
