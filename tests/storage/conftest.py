"""The storage tests' use cases on each database: one app per test on SQLite and on
PostgreSQL, for the concurrency tests of test_concurrency.py and test_counter_concurrency.py."""

import pytest

from queue_server.app import create_app
from queue_server.services.config_loader import load_config
from tests.conftest import TEST_HALL, FakeClock


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend_ctx(request, tmp_path, monkeypatch):
    url = request.getfixturevalue("db_url" if request.param == "sqlite" else "pg_url")
    monkeypatch.chdir(tmp_path)
    app = create_app({"database_url": url, "async_mode": "threading", "secret_key": "s",
                      "queue_event_interval": 0.0, "password_hash_method": "pbkdf2:sha256:1000"},
                     clock=FakeClock())
    ctx = app.extensions["hallq"]
    load_config(ctx, TEST_HALL)
    yield ctx
    ctx.close()
