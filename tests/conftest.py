"""Shared fixtures: a migrated temporary SQLite database per test, a fake clock, an app in
threading mode with a test hall loaded, and helpers to sign in users and devices."""

import os
import shutil
import tempfile
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from queue_server.app import create_app
from queue_server.services import accounts
from queue_server.services.config_loader import load_config
from queue_server.storage.db import Database

HERE = Path(__file__).parent
# Generated keys (keyfiles) go to a folder of the test run, never to the user's ~/.config.
os.environ.setdefault("HALLQ_KEY_DIR", tempfile.mkdtemp(prefix="hallq-keys-"))
PASSWORD = "correct horse battery"

TEST_HALL = {
    "halls": [{
        "code": "h1", "name": "测试政务服务中心", "timezone": "Asia/Shanghai",
        "allow_priority": True,
        "services": [
            {"code": "A", "name": "不动产登记", "name_en": "Real estate", "department": "自然资源局",
             "max_wait_min": 30, "max_service_min": 20},
            {"code": "B", "name": "社保", "name_en": "Social security", "department": "人社局",
             "daily_quota": 3},
            {"code": "C", "name": "户籍", "department": "公安局", "requires_id": True},
            {"code": "D", "name": "出入境", "department": "公安局",
             "hours": ["08:30-12:00", "14:00-17:30"]},
        ],
        "windows": [
            {"number": 1, "name": "1号窗口", "services": ["A", "B"]},
            {"number": 2, "name": "2号窗口", "services": ["B", "A"]},
            {"number": 3, "name": "3号窗口", "services": ["C", "D"]},
        ],
    }, {
        "code": "h2", "name": "第二大厅", "services": [{"code": "A", "name": "综合"}],
        "windows": [{"number": 1, "services": ["A"]}],
    }]
}

# 10:00 in Shanghai on a weekday: every test hall service is open.
START = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)


class FakeClock:
    """The one clock of a test app; tests move it explicitly."""

    def __init__(self, now: datetime = START):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """A database migrated once with Alembic; each test gets a copy of the file."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture
def db_url(template_db, tmp_path) -> str:
    path = tmp_path / "hallq.sqlite3"
    shutil.copy(template_db, path)
    return f"sqlite:///{path}"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(db_url, clock, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = create_app(
        {"database_url": db_url, "async_mode": "threading", "secret_key": "test-secret",
         "queue_event_interval": 0.0, "auth_cache_s": 0.0,
         "password_hash_method": "pbkdf2:sha256:1000"},
        clock=clock,
    )
    load_config(app.extensions["hallq"], TEST_HALL)
    yield app
    app.extensions["hallq"].close()


@pytest.fixture
def ctx(app):
    return app.extensions["hallq"]


@pytest.fixture
def client(app):
    return app.test_client()


class Accounts:
    """Makes users and devices and hands back ``Authorization`` headers for them."""

    def __init__(self, ctx, client):
        self.ctx = ctx
        self.client = client
        self._n = 0

    def _hall_id(self, hall: str) -> int:
        return self.ctx.halls.get(hall).id

    def user(self, role: str, hall: str = "h1", windows=()) -> dict:
        self._n += 1
        name = f"{role}{self._n}"
        accounts.add_user(self.ctx, name, PASSWORD, role, self._hall_id(hall), windows)
        response = self.client.post("/api/v1/auth/token",
                                    json={"username": name, "password": PASSWORD})
        assert response.status_code == 200, response.get_json()
        return {"Authorization": "Bearer " + response.get_json()["token"]}

    def device(self, kind: str, hall: str = "h1", window: int | None = None) -> dict:
        self._n += 1
        token = accounts.add_device(self.ctx, f"{kind}-{self._n}", kind, self._hall_id(hall),
                                    window)
        return {"Authorization": "Bearer " + token}


@pytest.fixture
def accts(ctx, client) -> Accounts:
    return Accounts(ctx, client)


@pytest.fixture
def kiosk(accts) -> dict:
    return accts.device("kiosk")


@pytest.fixture
def manager(accts) -> dict:
    return accts.user("manager")


@pytest.fixture
def staff1(accts) -> dict:
    """A staff member of window 1 (headers with their bearer token)."""
    return accts.user("staff", windows=(1,))


@pytest.fixture
def evaluator1(accts) -> dict:
    """Window 1's evaluator tablet (headers with its device token)."""
    return accts.device("evaluator", window=1)


@pytest.fixture
def socketio(app):
    return app.extensions["socketio"]


def bearer(headers: dict) -> str:
    """The token inside ``{"Authorization": "Bearer …"}`` (what socket clients send in auth)."""
    return headers["Authorization"].removeprefix("Bearer ")


def require_services() -> bool:
    """In CI a missing PostgreSQL or Redis is a failure, not a skip."""
    return os.environ.get("HALLQ_REQUIRE_SERVICES") == "1" or os.environ.get("CI") == "true"


ADMIN_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def pg_url():
    """A fresh, migrated PostgreSQL database for one test (dropped afterwards)."""
    try:
        admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        admin.connect().close()
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        admin.dispose()
        if require_services():
            pytest.fail(f"PostgreSQL is required but not reachable: {error}")
        pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432")
    name = "hallq_test_" + uuid.uuid4().hex[:12]
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(f"postgresql://postgres@127.0.0.1:5432/{name}")
    db.upgrade()
    db.dispose()
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()
