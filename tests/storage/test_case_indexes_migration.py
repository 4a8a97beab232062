"""Migration 0015 (case indexes) on SQLite and PostgreSQL: it applies over stored cases,
matches the models, goes back down, and the planner uses the new indexes for a person's latest result (取件 by ID card)
and for the sweep's index-only read of due case ids."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from queue_server.storage.cases import LATEST_DONE
from queue_server.storage.db import Database
from queue_server.storage.models import Base
from tests.storage.test_network_migration import _downgrade, _seed_hall, empty_url  # noqa: F401

PERSON = LATEST_DONE.params(hall_id=1, id_hash="h7", state="done")
DUE_IDS = ("SELECT id FROM cases WHERE hall_id = 1 AND finished_at IS NULL "
           "AND warn_on <= '2025-06-01'")


def _seed_cases(db: Database, count: int) -> None:
    with db.engine.begin() as conn:
        for i in range(1, count + 1):
            conn.execute(text(
                "INSERT INTO cases (hall_id, year, seq, number, matter_code, matter_name,"
                " department, kind, state, id_hash, accepted_at, accepted_on, warn_on,"
                " finished_at) SELECT id, 2025, :i, :number, 'M', '事项', '部门', 'promised',"
                " 'accepted', :hash, 1735693200, '2025-01-01', '2025-03-01',"
                " NULL FROM halls"), {"i": i, "number": f"2025-{i:06d}", "hash": f"h{i}"})


def _indexes(db: Database) -> dict:
    with db.engine.connect() as conn:
        return {i["name"]: i["column_names"] for i in inspect(conn).get_indexes("cases")}


def _plan(db: Database, sql) -> str:
    if not isinstance(sql, str):
        sql = str(sql.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            return str(conn.execute(text("EXPLAIN QUERY PLAN " + sql)).all())
        conn.commit()
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE cases"))
        conn.execute(text("SET enable_seqscan = off"))  # a tiny table: ask which index fits
        return str(conn.execute(text("EXPLAIN " + sql)).all())


def test_0015_applies_over_stored_cases_and_matches_the_models(empty_url):  # noqa: F811
    db = Database(empty_url)
    db.upgrade("0014")
    _seed_hall(db)
    _seed_cases(db, 3)
    db.upgrade()
    indexes = _indexes(db)
    assert (indexes["ix_cases_person"], indexes["ix_cases_open"]) == (
        ["hall_id", "id_hash"], ["hall_id", "warn_on", "id", "finished_at"])
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert conn.execute(text("SELECT count(*) FROM cases")).scalar() == 3
    db.dispose()


def test_0015_goes_down_and_up_again(empty_url):  # noqa: F811
    db = Database(empty_url)
    db.upgrade()
    _downgrade(db, "0014")
    indexes = _indexes(db)
    assert "ix_cases_person" not in indexes and indexes["ix_cases_open"] == ["hall_id", "warn_on"]
    db.upgrade()
    assert "ix_cases_person" in _indexes(db)
    db.dispose()


@pytest.mark.parametrize("sql, index", [(PERSON, "ix_cases_person"), (DUE_IDS, "ix_cases_open")])
def test_the_planner_uses_the_case_indexes(empty_url, sql, index):  # noqa: F811
    db = Database(empty_url)
    db.upgrade()
    _seed_hall(db)
    _seed_cases(db, 50)
    plan = _plan(db, sql)
    assert index in plan, plan
    if sql == DUE_IDS:  # the ids come from the index, the table is not read
        assert ("COVERING INDEX" in plan if db.engine.dialect.name == "sqlite"
                else "Index Only Scan" in plan), plan
    db.dispose()
