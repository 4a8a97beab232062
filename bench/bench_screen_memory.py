#!/usr/bin/env python3
"""Server memory per connected hall screen (issue 10: ≤ 300 MiB with ~2,300 screens).

Starts one ``queue-server serve`` process (eventlet, temporary SQLite file) with the end-to-end
hall, then connects hall screens (Socket.IO ``/display``, websocket only, asyncio clients of
tests/e2e/crowd.py) in steps and prints the server's resident memory after each step and the
growth per screen. Nothing else runs: no tickets, no calls. It prints figures; it asserts
nothing.

    .venv/bin/python bench/bench_screen_memory.py [--steps 250,500,1000]
"""

import argparse
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.crowd import Crowd  # noqa: E402
from tests.e2e.serverproc import ServerProcess, provision, server_env, sqlite_url  # noqa: E402


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", default="250,500,1000",
                        help="screens connected in all after each step (default 250,500,1000)")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds before each reading")
    args = parser.parse_args()
    steps = [int(n) for n in args.steps.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        env = server_env(sqlite_url(directory), secrets.token_hex(32))
        hall = provision(env, directory, "mem1")
        server = ServerProcess(env, directory, name="memory").start()
        crowds = []
        try:
            time.sleep(args.settle)
            base = rss_mib(server.process.pid)
            print(f"server idle: {base:.1f} MiB")
            connected = 0
            for total in steps:
                crowds.append(Crowd(server.url, hall.code, total - connected))
                connected = total
                time.sleep(args.settle)
                now = rss_mib(server.process.pid)
                print(f"{connected:>6} screens: {now:7.1f} MiB, "
                      f"{(now - base) * 1024 / connected:5.1f} KiB per screen")
        finally:
            for crowd in crowds:
                crowd.close()
            server.stop()
    print(f"rerun: {sys.executable} {' '.join(sys.argv)}")


if __name__ == "__main__":
    main()
