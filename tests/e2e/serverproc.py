"""Real ``queue-server`` processes for the end-to-end tests and the benchmark.

Everything here goes through the outside of the server: the console script (``load-config``,
``user add``, ``device add``, ``serve``), environment variables and HTTP on 127.0.0.1. Nothing
imports ``queue_server``, so a server bug cannot hide behind a shared in-process object.
"""

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
HALL_TEMPLATE = Path(__file__).with_name("hall.yaml")
PASSWORD = "e2e correct horse battery"
POSTGRES_DSN = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "postgres"}
POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/{name}"
REDIS_URL = "redis://127.0.0.1:6379/0"
CLI_TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cli_command() -> list[str]:
    """The ``queue-server`` console script of this interpreter's environment, else its entry
    point run by this interpreter (a checkout that is not pip-installed)."""
    script = Path(sys.executable).with_name("queue-server")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from queue_server.cli import main; main()"]


def server_env(database_url: str, secret_key: str, message_queue: str | None = None,
               **settings) -> dict:
    """A clean environment: no ``HALLQ_*`` leaking in from the caller's shell."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("HALLQ_") and k != "PYTHONWARNINGS"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.update(HALLQ_DATABASE_URL=database_url, HALLQ_SECRET_KEY=secret_key,
               HALLQ_ID_HASH_KEY="id-hash-" + secret_key,
               HALLQ_ASYNC_MODE="eventlet", HALLQ_LOG_LEVEL="WARNING")
    if message_queue:
        env["HALLQ_MESSAGE_QUEUE"] = message_queue
    # Load tests and benchmarks issue thousands of tickets from one token and one address: the
    # abuse limits (tested on their own in tests/api) would refuse them.
    env.update(HALLQ_ISSUE_RATE_LIMIT="10000000 per minute",
               HALLQ_LOGIN_RATE_LIMIT="100000 per minute",
               HALLQ_BOOKING_RATE_LIMIT="100000 per minute",
               HALLQ_REALNAME_KIOSK_LIMIT="10000000", HALLQ_REALNAME_HALL_LIMIT="10000000")
    for name, value in settings.items():
        env["HALLQ_" + name.upper()] = str(value)
    return env


def run_cli(args: list[str], env: dict, cwd: Path, stdin: str = "") -> str:
    """Run one ``queue-server`` command; returns its stdout, raises with its stderr on failure."""
    done = subprocess.run(cli_command() + args, input=stdin, capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=CLI_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"queue-server {' '.join(args)} exited {done.returncode}:\n"
                           f"{done.stdout}\n{done.stderr}")
    return done.stdout


def noon_timezone(now: float | None = None) -> str:
    """A fixed-offset zone where it is about noon now: the end-to-end halls run on the real
    clock, and a test crossing the hall's local midnight (a ticket issued at 23:59:59 is
    yesterday's one second later, and no longer callable) failed CI runs made near 16:00 UTC
    with the halls on Asia/Shanghai. Local midnight is now 11 hours away or more."""
    hour = time.gmtime(now).tm_hour
    offset = (12 - hour + 12) % 24 - 12  # UTC+offset, -12 … +11
    # POSIX-style Etc names count the other way: UTC+8 is Etc/GMT-8.
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def write_hall_config(path: Path, hall_code: str, windows: int | None = None,
                      real_name: tuple = ()) -> Path:
    """``hall.yaml`` under another code, so concurrent runs sharing Redis never see each other's
    pushes; with ``windows``, that many windows, each serving every service; the services named
    in ``real_name`` need an ID number."""
    config = yaml.safe_load(HALL_TEMPLATE.read_text(encoding="utf-8"))
    hall = config["halls"][0]
    hall["code"] = hall_code
    hall["timezone"] = noon_timezone()
    for service in hall["services"]:
        if service["code"] in real_name:
            service["requires_id"] = True
    if windows is not None:
        codes = [s["code"] for s in hall["services"]]
        hall["windows"] = [
            {"number": n, "name": f"{n}号窗口", "services": codes[n % 2:] + codes[:n % 2]}
            for n in range(1, windows + 1)
        ]
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


@dataclass
class Hall:
    """What the tests need to know about a provisioned hall."""

    code: str
    services: list[str]
    windows: list[int]
    kiosk_token: str
    staff: dict[int, str] = field(default_factory=dict)  # window number -> username
    manager: str = "manager"


def provision(env: dict, cwd: Path, hall_code: str, windows: int | None = None,
              real_name: tuple = ()) -> Hall:
    """Load the hall and add a manager, one staff member per window and a kiosk, via the CLI."""
    config_path = write_hall_config(cwd / f"{hall_code}.yaml", hall_code, windows, real_name)
    run_cli(["load-config", str(config_path)], env, cwd)
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))["halls"][0]
    hall = Hall(hall_code, [s["code"] for s in config["services"]],
                [w["number"] for w in config["windows"]], kiosk_token="")
    run_cli(["user", "add", hall.manager, "--role", "manager", "--hall", hall_code], env, cwd,
            PASSWORD + "\n")
    for number in hall.windows:
        hall.staff[number] = f"staff{number}"
        run_cli(["user", "add", hall.staff[number], "--role", "staff", "--hall", hall_code,
                 "--window", str(number)], env, cwd, PASSWORD + "\n")
    out = run_cli(["device", "add", "kiosk1", "--kind", "kiosk", "--hall", hall_code], env, cwd)
    hall.kiosk_token = out.strip().splitlines()[-1]
    return hall


def add_device(env: dict, cwd: Path, name: str, kind: str, hall_code: str) -> str:
    """``queue-server device add``; returns the device's token."""
    out = run_cli(["device", "add", name, "--kind", kind, "--hall", hall_code], env, cwd)
    return out.strip().splitlines()[-1]


def device_last_seen(env: dict, name: str):
    """The device's ``last_seen_at`` straight from the server's SQLite file (None: never)."""
    import sqlite3

    path = env["HALLQ_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path, timeout=30) as conn:
        return conn.execute("SELECT last_seen_at FROM devices WHERE name = ?", (name,)).fetchone()[0]


class ServerProcess:
    """One ``queue-server serve`` subprocess on 127.0.0.1, its output in a log file."""

    def __init__(self, env: dict, cwd: Path, name: str = "server", port: int | None = None):
        self.env = env
        self.cwd = cwd
        self.name = name
        self.port = port or free_port()
        self.log_path = cwd / f"{name}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_timeout: float = 60.0) -> "ServerProcess":
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                cli_command() + ["serve", "--host", "127.0.0.1", "--port", str(self.port)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                cwd=self.cwd, start_new_session=True,
            )
        self.wait_ready(ready_timeout)
        return self

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited {self.process.returncode} on start:\n"
                                   f"{self.log_tail()}")
            if self.healthy():
                return
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"{self.name} not healthy after {timeout} s:\n{self.log_tail()}")

    def healthy(self) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            conn.request("GET", "/healthz")
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def kill(self) -> None:
        """``kill -9``: no shutdown code runs, as in a power cut of the server process."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self._reap()

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def _reap(self) -> None:
        if self.process is not None:
            self.process.wait(30)

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


# ---- databases -------------------------------------------------------------------------------

def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'hallq.sqlite3'}"


def postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        import psycopg2
    except ImportError as error:
        return f"psycopg2 is not installed: {error}"
    try:
        conn = psycopg2.connect(connect_timeout=3, **POSTGRES_DSN)
    except psycopg2.Error as error:
        where = f"{POSTGRES_DSN['host']}:{POSTGRES_DSN['port']}"
        return f"PostgreSQL on {where} does not answer: {str(error).strip()}"
    conn.close()
    return None


def redis_reachable() -> str | None:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=3) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(64).startswith(b"+PONG"):
                return None
            return "Redis on 127.0.0.1:6379 did not answer PING"
    except OSError as error:
        return f"Redis on 127.0.0.1:6379 does not answer: {error}"


class PostgresDatabase:
    """A fresh database ``hallq_e2e_<random>`` on the local server, dropped afterwards."""

    def __init__(self, prefix: str = "hallq_e2e"):
        self.name = f"{prefix}_{secrets.token_hex(6)}"
        self.url = POSTGRES_URL.format(name=self.name)

    def _admin(self, sql: str) -> None:
        import psycopg2

        conn = psycopg2.connect(**POSTGRES_DSN)
        try:
            conn.autocommit = True
            with conn.cursor() as cursor:
                cursor.execute(sql)
        finally:
            conn.close()

    def create(self) -> "PostgresDatabase":
        self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def drop(self) -> None:
        # FORCE terminates what a killed server's pool may still hold open (PostgreSQL 13+).
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


# ---- a small JSON client ---------------------------------------------------------------------

class ApiClient:
    """Keep-alive JSON over one ``http.client`` connection; one per thread."""

    def __init__(self, base_url: str, token: str | None = None, timeout: float = 30.0):
        host, port = base_url.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
        self.token = token

    def request(self, method: str, path: str, body=None, headers=None) -> tuple[int, object]:
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=headers)
        response = self.conn.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw else None

    def login(self, username: str, password: str = PASSWORD) -> str:
        status, body = self.request("POST", "/api/v1/auth/token",
                                    {"username": username, "password": password})
        if status != 200:
            raise RuntimeError(f"login of {username} failed: {status} {body}")
        self.token = body["token"]
        return self.token

    def close(self) -> None:
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
