#!/usr/bin/env python3
"""Tap → ticket bytes at the printer, through the kiosk agent, on loopback.

Starts ``queue-server serve`` (eventlet, temporary SQLite) and a ``kiosk-agent`` process whose
printer is a ``file:`` printer, then for each sample: the clock starts just before the kiosk's
``POST /tickets`` is written (what the page does when a citizen taps a service) and stops when
the ticket's ESC/POS bytes, up to its cut command, are in the printer file. The path measured:
HTTP issue + commit → push to the agent over Socket.IO → layout and ESC/POS rendering → the
bytes written. Samples are spaced so each is one citizen's tap on an
idle kiosk. It prints figures; it asserts nothing.
"""

import argparse
import shlex
import signal
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from tests.e2e.agentproc import AgentProcess  # noqa: E402  (after the path is set)
from tests.e2e.serverproc import (  # noqa: E402
    ApiClient,
    ServerProcess,
    provision,
    server_env,
    sqlite_url,
)


CUT = b"\x1dV"  # GS V: the cut, the last command of a ticket (native or raster)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def wait_printed(path: Path, marker: bytes, start_at: int, timeout: float = 10.0) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            with open(path, "rb") as printed:
                printed.seek(start_at)
                if marker in printed.read():
                    return True
        except FileNotFoundError:
            pass
        time.sleep(0.0005)
    return False


def measure(url: str, hall: str, token: str, printed: Path, samples: int, pause: float):
    latencies, lost = [], 0
    with ApiClient(url, token) as kiosk:
        for index in range(samples + 3):  # the first three warm up connections and caches
            offset = printed.stat().st_size if printed.exists() else 0
            started = time.perf_counter()
            status, ticket = kiosk.request("POST", f"/api/v1/halls/{hall}/tickets",
                                           {"service": "A" if index % 2 else "B"})
            if status != 201:
                raise RuntimeError(f"issue failed: {status} {ticket}")
            if not wait_printed(printed, CUT, offset):
                lost += 1
                continue
            if index >= 3:
                latencies.append(time.perf_counter() - started)
            time.sleep(pause)
    return latencies, lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--pause", type=float, default=0.05, help="seconds between taps")
    parser.add_argument("--printer-options", default="",
                        help="printer spec options, e.g. '?text=raster&qr=image'")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the processes on the way out
    with tempfile.TemporaryDirectory(prefix="hallq-bench-kiosk-") as tmp:
        directory = Path(tmp)
        env = server_env(sqlite_url(directory), "bench-kiosk-secret-" + "0" * 16)
        hall = provision(env, directory, "bench_kiosk")
        server = ServerProcess(env, directory, name="server").start()
        printed = directory / "printer.bin"
        agent = AgentProcess(server.url, hall.kiosk_token, f"file:{printed}{args.printer_options}",
                             directory).start()
        try:
            time.sleep(2.0)  # the agent connects
            latencies, lost = measure(server.url, hall.code, hall.kiosk_token, printed,
                                      args.samples, args.pause)
        finally:
            agent.stop()
            server.kill()
    ms = [value * 1000 for value in latencies]
    print(f"tap → ticket bytes at the printer (kiosk-agent, file:{args.printer_options} printer, "
          "loopback), "
          f"{len(ms)} samples, {lost} not printed within 10 s")
    print(f"  p50 {percentile(ms, 50):7.1f} ms   p95 {percentile(ms, 95):7.1f} ms   "
          f"p99 {percentile(ms, 99):7.1f} ms   max {max(ms):7.1f} ms")
    print("rerun: " + shlex.join([sys.executable, "bench/bench_kiosk.py",
                                  "--samples", str(args.samples), "--pause", str(args.pause)]
                                 + (["--printer-options", args.printer_options]
                                    if args.printer_options else [])))


if __name__ == "__main__":
    main()
