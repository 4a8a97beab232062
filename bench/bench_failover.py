"""Failover: ``kill -9`` of the server process holding every hall screen, and the time until the
screens have reconnected through nginx to the surviving process and redrawn.

Two ``queue-server serve`` processes (eventlet) on a temporary PostgreSQL database joined by
Redis, behind the shipped nginx site over TLS (tests/deploy/kit.py). ``--screens`` Socket.IO
clients (asyncio, websocket only, one process: tests/e2e/crowd.py) connect to one hall; nginx's
``hash $remote_addr consistent`` puts them all on one process, which is then killed. Printed:
the time from the kill to the first, median, p95 and last screen's fresh snapshot, the time
until a call made on the survivor has reached every screen, and each process's memory.

    .venv/bin/python bench/bench_failover.py [--screens 500]
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import requests  # noqa: E402

from tests.deploy import kit  # noqa: E402
from tests.e2e.conftest import HallqFactory  # noqa: E402
from tests.e2e.crowd import Crowd  # noqa: E402
from tests.e2e.serverproc import free_port  # noqa: E402
from tests.e2e.test_process_kill import call_next, screens_on  # noqa: E402
from tests.e2e.workload import issue_tickets  # noqa: E402

DEADLINE_S = 300


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(share * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screens", type=int, default=500)
    args = parser.parse_args()
    if not kit.nginx_binary():
        sys.exit("nginx is not installed (apt-get install nginx-light)")
    with tempfile.TemporaryDirectory(prefix="hallq-failover-") as folder:
        directory = Path(folder)
        factory = HallqFactory(directory)
        nginx = None
        crowd = None
        try:
            deployment = factory.deploy(factory.postgres(), processes=2,
                                        message_queue=factory.redis())
            hall = deployment.hall
            issue_tickets([deployment.servers[0].url], hall, 12, 1)
            for window in (1, 2):
                deployment.token(hall.staff[window])
            (directory / "nginx").mkdir()
            nginx = kit.start_nginx(directory / "nginx", [s.port for s in deployment.servers],
                                    free_port(), free_port())
            started = time.monotonic()
            crowd = Crowd(nginx.https, hall.code, args.screens, ca=nginx.ca,
                          connect_timeout=DEADLINE_S)
            crowd.wait_until(lambda: crowd.snapshotted_since(0) == args.screens, DEADLINE_S)
            print(f"{args.screens} screens connected through nginx in "
                  f"{time.monotonic() - started:.1f} s")
            counts = [screens_on(server) for server in deployment.servers]
            doomed = deployment.servers[counts.index(max(counts))]
            survivor = deployment.servers[1 - counts.index(max(counts))]
            for server in deployment.servers:
                print(f"process {server.name}: {screens_on(server)} screens, "
                      f"{rss_mib(server.process.pid):.0f} MiB")

            killed_at = time.monotonic()
            doomed.kill()
            back = crowd.wait_until(lambda: crowd.snapshotted_since(killed_at) == args.screens,
                                    DEADLINE_S)
            times = crowd.redraw_times(killed_at)
            if not times:
                sys.exit("no screen redrew after the kill")
            print(f"kill -9 -> redraw: first {times[0]:.2f} s, median "
                  f"{statistics.median(times):.2f} s, p95 {percentile(times, 0.95):.2f} s, "
                  f"last {times[-1]:.2f} s ({len(times)} of {args.screens} screens"
                  f"{'' if back else ', DEADLINE MISSED'})")
            called_at = time.monotonic()
            number = call_next(survivor.url, deployment, 1)
            crowd.wait_until(lambda: crowd.saw_call(number) == args.screens, DEADLINE_S)
            print(f"next call on the survivor reached {crowd.saw_call(number)} screens in "
                  f"{time.monotonic() - called_at:.2f} s")
            print(f"survivor {survivor.name}: {screens_on(survivor)} screens, "
                  f"{rss_mib(survivor.process.pid):.0f} MiB")
        finally:
            if crowd is not None:
                crowd.close()
            if nginx is not None:
                nginx.stop()
            factory.close()


if __name__ == "__main__":
    requests.packages.urllib3.disable_warnings()
    main()
