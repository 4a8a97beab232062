"""Fixtures that run real ``queue-server serve`` processes (eventlet, as in production).

``hallq`` is a factory: ask it for a database (``sqlite()``, ``postgres()``), then ``deploy()``
one or more server processes on it. Each deployment loads ``hall.yaml`` under a fresh hall code
and creates a manager, one staff member per window and a kiosk through the CLI. At teardown every
process is killed (``kill -9``) and every PostgreSQL database dropped; a failed test prints the
tail of each server's log.

PostgreSQL or Redis missing is a skip on a workstation and a failure in CI
(``HALLQ_REQUIRE_SERVICES=1`` or ``CI=true``).
"""

import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

# One browser for the whole run: a fixture imported into several test modules would start
# Playwright once per module, and a second sync Playwright in one thread fails.
from tests.e2e.browser import chromium, open_page  # noqa: F401
from tests.e2e.serverproc import (
    PASSWORD,
    REDIS_URL,
    Hall,
    PostgresDatabase,
    ServerProcess,
    postgres_reachable,
    provision,
    redis_reachable,
    server_env,
    sqlite_url,
)


def services_required() -> bool:
    return os.environ.get("HALLQ_REQUIRE_SERVICES") == "1" or os.environ.get("CI") == "true"


def unavailable(reason: str):
    if services_required():
        pytest.fail(reason + " (required: HALLQ_REQUIRE_SERVICES=1 or CI=true)")
    pytest.skip(reason)


@dataclass
class Deployment:
    """Server processes sharing one database and one hall."""

    hall: Hall
    servers: list[ServerProcess]
    env: dict
    directory: Path
    _tokens: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.servers[0].url

    def token(self, username: str) -> str:
        """A bearer token for a user the deployment created (signed in once, then cached)."""
        if username not in self._tokens:
            response = requests.post(f"{self.url}/api/v1/auth/token",
                                     json={"username": username, "password": PASSWORD},
                                     timeout=30)
            assert response.status_code == 200, response.text
            self._tokens[username] = response.json()["token"]
        return self._tokens[username]

    def log_tails(self) -> list[tuple[str, str]]:
        return [(f"{server.name} log (tail)", server.log_tail()) for server in self.servers]

    def stats(self) -> dict:
        response = requests.get(f"{self.url}/api/v1/halls/{self.hall.code}/stats",
                                headers={"Authorization": "Bearer " + self.token("manager")},
                                timeout=30)
        assert response.status_code == 200, response.text
        return response.json()


class HallqFactory:
    def __init__(self, directory: Path):
        self.directory = directory
        self.servers: list[ServerProcess] = []
        self.databases: list[PostgresDatabase] = []

    def sqlite(self) -> str:
        return sqlite_url(self.directory)

    def postgres(self) -> str:
        reason = postgres_reachable()
        if reason:
            unavailable(reason)
        database = PostgresDatabase().create()
        self.databases.append(database)
        return database.url

    def redis(self) -> str:
        reason = redis_reachable()
        if reason:
            unavailable(reason)
        return REDIS_URL

    def deploy(self, database_url: str, processes: int = 1, message_queue: str | None = None,
               windows: int | None = None, real_name: tuple = ()) -> Deployment:
        hall_code = "e2e_" + secrets.token_hex(3)
        env = server_env(database_url, secrets.token_hex(32), message_queue)
        hall = provision(env, self.directory, hall_code, windows, real_name)
        servers = []
        for index in range(processes):
            server = ServerProcess(env, self.directory, name=f"{hall_code}-{index}")
            self.servers.append(server)
            servers.append(server.start())
        return Deployment(hall, servers, env, self.directory)

    def log_tails(self) -> list[tuple[str, str]]:
        return [(f"{server.name} log (tail)", server.log_tail()) for server in self.servers]

    def close(self) -> None:
        for server in self.servers:
            server.kill()
        for database in self.databases:
            database.drop()


@contextmanager
def _factory(directory: Path):
    factory = HallqFactory(directory)
    try:
        yield factory
    finally:
        factory.close()


@pytest.fixture
def hallq(tmp_path):
    with _factory(tmp_path) as factory:
        yield factory


@pytest.fixture(scope="module")
def hallq_module(tmp_path_factory):
    with _factory(tmp_path_factory.mktemp("hallq")) as factory:
        yield factory


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test's report carries the tail of each of its servers' logs."""
    report = yield
    if report.when == "call" and report.failed:
        for value in getattr(item, "funcargs", {}).values():
            if isinstance(value, (HallqFactory, Deployment)):
                for title, text in value.log_tails():
                    report.sections.append((title, text))
    return report
