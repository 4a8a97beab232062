"""Migration 0011 (network) on SQLite and PostgreSQL: it applies over a database holding halls
and services, matches the models, and goes back down."""

import uuid

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from queue_server.storage.db import Database, alembic_config
from queue_server.storage.models import Base
from tests.conftest import ADMIN_URL, require_services

NETWORK_TABLES = {"hall_places", "matters", "matter_drops", "service_matters"}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request, tmp_path):
    """An empty database (no migration applied yet)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.sqlite3'}"
        return
    try:
        admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        admin.connect().close()
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        if require_services():
            pytest.fail(f"PostgreSQL is required but not reachable: {error}")
        pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432")
    name = "hallq_mig_" + uuid.uuid4().hex[:12]
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def _downgrade(db: Database, revision: str) -> None:
    with db.engine.connect() as conn:
        config = alembic_config(db.url)
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
        conn.commit()


def _seed_hall(db: Database) -> None:
    """A hall that a service refers to: SQLite cannot rebuild ``halls`` under it."""
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO halls (code, name, timezone, options, name_en) "
                          "VALUES ('h1', '大厅', 'Asia/Shanghai', '{}', '')"))
        conn.execute(text(
            "INSERT INTO services (hall_id, code, name, name_en, department, hours, requires_id,"
            " position, active, no_show_requeue, no_show_requeue_max, department_en,"
            " id_card_only) SELECT id, 'A', '综合', '', '', '[]', false, 0, true, 0, 1, '',"
            " false FROM halls"))


def _tables(db: Database) -> set:
    with db.engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def test_0011_applies_over_stored_halls_and_matches_the_models(empty_url):
    db = Database(empty_url)
    db.upgrade("0010")
    _seed_hall(db)
    db.upgrade()
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    db.dispose()


def test_0011_goes_down_and_up_again(empty_url):
    db = Database(empty_url)
    db.upgrade()
    _seed_hall(db)
    _downgrade(db, "0010")
    assert not NETWORK_TABLES & _tables(db)
    db.upgrade()
    assert NETWORK_TABLES <= _tables(db)
    db.dispose()
