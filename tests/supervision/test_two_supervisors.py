"""Two server processes' supervisors on one database raise each alert once (SQLite file and
PostgreSQL): two apps, two Contexts, two connection pools, running at the same instant."""

import threading

import pytest
from sqlalchemy import func, select

from queue_server.app import create_app
from queue_server.domain.commands import IssueTicket
from queue_server.services import accounts, supervisor, tickets
from queue_server.services.config_loader import load_config
from queue_server.storage.models import alerts
from tests.conftest import TEST_HALL, FakeClock


def _app(url, clock):
    return create_app({"database_url": url, "async_mode": "threading", "secret_key": "s",
                       "queue_event_interval": 0.0, "password_hash_method": "pbkdf2:sha256:1000"},
                      clock=clock)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def two_contexts(request, tmp_path, monkeypatch):
    url = request.getfixturevalue("db_url" if request.param == "sqlite" else "pg_url")
    monkeypatch.chdir(tmp_path)
    clock = FakeClock()
    apps = [_app(url, clock), _app(url, clock)]
    contexts = [a.extensions["hallq"] for a in apps]
    load_config(contexts[0], TEST_HALL)
    yield contexts, clock
    for ctx in contexts:
        ctx.close()


def _race(contexts, rounds=20):
    """Both supervisors run ``rounds`` passes at once; returns every change either made."""
    barrier, changes, errors = threading.Barrier(len(contexts)), [], []

    def body(ctx):
        try:
            for _ in range(rounds):
                barrier.wait()
                changes.extend(supervisor.run_once(ctx))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=body, args=(c,)) for c in contexts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return changes


def _setup_overdue(ctx, clock, count=10):
    kiosk = accounts.authenticate(ctx, accounts.add_device(ctx, "k", "kiosk",
                                                           ctx.halls.get("h1").id))
    for _ in range(count):
        tickets.issue_ticket(ctx, kiosk, "h1", IssueTicket("A"))
    clock.advance(minutes=31)


def test_two_supervisors_raise_each_alert_once(two_contexts):
    contexts, clock = two_contexts
    _setup_overdue(contexts[0], clock)
    raised = [c for c in _race(contexts) if c["event"] == "alert_raised"
              and c["alert"]["kind"] == "wait_over_limit"]
    assert len(raised) == 10


def test_two_supervisors_leave_one_open_alert_per_cause(two_contexts):
    contexts, clock = two_contexts
    _setup_overdue(contexts[0], clock)
    _race(contexts)
    with contexts[0].db.read() as conn:
        per_subject = conn.execute(select(func.count()).select_from(alerts)
                                   .where(alerts.c.kind == "wait_over_limit")
                                   .group_by(alerts.c.subject)).scalars().all()
    assert per_subject == [1] * 10
