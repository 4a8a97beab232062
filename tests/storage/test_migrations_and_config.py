"""Migrations match the models; load-config is idempotent and never touches tickets."""

import copy

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from queue_server.domain.errors import DomainError
from queue_server.services.config_loader import load_config
from queue_server.storage.db import Database
from queue_server.storage.models import Base, services, tickets, window_services, windows
from tests.conftest import TEST_HALL


def test_migrated_schema_matches_the_models(db_url):
    db = Database(db_url)
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    db.dispose()


def test_sqlite_runs_in_wal_mode(ctx):
    with ctx.db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_nested_transactions_are_refused(ctx):
    with pytest.raises(RuntimeError):
        with ctx.db.read():
            with ctx.db.write():
                pass


def _count(ctx, table):
    with ctx.db.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_loading_the_same_file_twice_changes_nothing(ctx):
    before = (_count(ctx, services), _count(ctx, windows), _count(ctx, window_services))
    load_config(ctx, TEST_HALL)
    assert (_count(ctx, services), _count(ctx, windows), _count(ctx, window_services)) == before


def test_reloading_keeps_tickets(ctx, client, kiosk):
    client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    load_config(ctx, TEST_HALL)
    assert _count(ctx, tickets) == 1


def test_removed_service_is_deactivated_not_deleted(ctx, client):
    config = copy.deepcopy(TEST_HALL)
    config["halls"][0]["services"] = [s for s in config["halls"][0]["services"] if s["code"] != "D"]
    config["halls"][0]["windows"][2]["services"] = ["C"]
    load_config(ctx, config)
    codes = [s["code"] for s in client.get("/api/v1/halls/h1/services").get_json()]
    assert codes == ["A", "B", "C"] and _count(ctx, services) == 5


def test_changed_preference_order_is_applied(ctx):
    config = copy.deepcopy(TEST_HALL)
    config["halls"][0]["windows"][0]["services"] = ["B", "A"]
    load_config(ctx, config)
    hall = ctx.halls.get("h1")
    assert [hall.service_by_id(s).code for s in hall.window(1).service_ids] == ["B", "A"]


@pytest.mark.parametrize("mutate, fragment", [
    (lambda h: h["services"][0].update(code="a1"), "code"),
    (lambda h: h["services"][0].update(hours=["9-10"]), "hours"),
    (lambda h: h["services"][0].update(daily_quota=-1), "daily_quota"),
    (lambda h: h["services"].append(dict(h["services"][0])), "twice"),
    (lambda h: h["windows"][0].update(services=["Z"]), "services"),
    (lambda h: h.update(timezone="Mars/Base"), "timezone"),
    (lambda h: h["windows"].append({"number": 1}), "twice"),
])
def test_bad_configuration_is_refused_with_a_clear_message(ctx, mutate, fragment):
    config = copy.deepcopy(TEST_HALL)
    mutate(config["halls"][0])
    with pytest.raises(DomainError) as error:
        load_config(ctx, config)
    assert (error.value.code, fragment in error.value.message) == ("invalid_request", True)


def test_taking_over_checkpoints_stops_them_inside_commits(ctx):
    ctx.db.take_over_checkpoints()
    with ctx.db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0


def test_checkpoint_copies_the_whole_wal_back(ctx, client, kiosk):
    ctx.db.take_over_checkpoints()
    for _ in range(5):
        client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    busy, wal_pages, checkpointed = ctx.db.checkpoint()
    assert (busy, wal_pages > 0, checkpointed) == (0, True, wal_pages)
