"""A PostgreSQL cluster and a Redis server of a test's own, on free ports, that the test may
stop and start again: the shared ones on 5432 and 6379 serve every other test meanwhile."""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.e2e.serverproc import free_port

START_TIMEOUT_S = 60


def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _as_postgres(args: list[str]) -> list[str]:
    """initdb and the server refuse to run as root: run them as the postgres user then."""
    if os.geteuid() != 0:
        return args
    return ["runuser", "-u", "postgres", "--", *args]


def wait_port(port: int, up: bool, timeout: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.1)
    raise AssertionError(f"port {port} still {'closed' if up else 'open'} after {timeout} s")


class PrivatePostgres:
    """``initdb`` into a temporary folder, trust auth on 127.0.0.1, one free port."""

    def __init__(self):
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="hallq-pg-", dir="/tmp"))
        self.data = self.directory / "data"
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @staticmethod
    def missing() -> str | None:
        if not _pg_bin("initdb") or not _pg_bin("pg_ctl"):
            return "PostgreSQL server binaries (initdb, pg_ctl) not found"
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                return "running as root without a postgres user"
        return None

    def init(self) -> "PrivatePostgres":
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.directory, owner.pw_uid, owner.pw_gid)
        subprocess.run(_as_postgres([_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres",
                                     "-A", "trust", "--no-sync"]),
                       check=True, capture_output=True, timeout=120)
        return self.start()

    def _ctl(self, *args: str) -> None:
        options = (f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off")
        subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(self.data), "-o", options,
                                     "-l", str(self.directory / "server.log"), "-w",
                                     "-t", str(START_TIMEOUT_S), *args]),
                       check=True, capture_output=True, timeout=START_TIMEOUT_S + 30)

    def start(self) -> "PrivatePostgres":
        self._ctl("start")
        wait_port(self.port, up=True)
        return self

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")
        wait_port(self.port, up=False)

    def destroy(self) -> None:
        try:
            self._ctl("stop", "-m", "immediate")
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.directory, ignore_errors=True)


class PrivateRedis:
    """``redis-server`` on a free port with nothing on disk."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    @staticmethod
    def missing() -> str | None:
        return None if shutil.which("redis-server") else "redis-server not found"

    def start(self) -> "PrivateRedis":
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port, up=True)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None
        wait_port(self.port, up=False)
