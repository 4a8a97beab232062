"""Migration 0016 (case alert levels) on SQLite and PostgreSQL: it fills each case's deadline
level and alert id from its open alert and makes every open case due again on its warning
day, matches the models, goes back down, and the planner answers the sweep's reads from the
new partial indexes."""

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from queue_server.storage.cases import _CLOSED_WITH_ALERT, _LEVEL_DUE
from queue_server.storage.db import Database
from queue_server.storage.models import Base
from tests.storage.test_case_indexes_migration import _indexes, _plan, _seed_cases
from tests.storage.test_network_migration import _downgrade, _seed_hall, empty_url  # noqa: F401

LEVEL_DUE = _LEVEL_DUE.params(hall_id=1, today=date(2025, 6, 1), limit=500)
CLOSED = _CLOSED_WITH_ALERT.params(hall_id=1, limit=500)


def _alert(db: Database, case_seq: int, level: str, cleared: bool = False) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO alerts (hall_id, kind, subject, level, raised_at, cleared_at)"
            " SELECT hall_id, 'case_deadline', 'case:' || id, :level, 1735693200, :cleared"
            " FROM cases WHERE seq = :seq"),
            {"level": level, "seq": case_seq, "cleared": 1735700000 if cleared else None})


def test_0016_fills_the_levels_from_the_open_alerts(empty_url):  # noqa: F811
    db = Database(empty_url)
    db.upgrade("0015")
    _seed_hall(db)
    _seed_cases(db, 4)  # open, warning day 2025-03-01
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE cases SET finished_at = 1735700000, state = 'done'"
                          " WHERE seq = 4"))
    _alert(db, 1, "yellow")
    _alert(db, 2, "red")
    _alert(db, 3, "red", cleared=True)
    _alert(db, 4, "yellow")  # closed, its alert still open: the sweep clears it
    db.upgrade()
    with db.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT c.seq, c.alert_level, c.alert_due_on FROM cases c LEFT JOIN alerts a"
            " ON a.id = c.alert_id AND a.subject = 'case:' || c.id ORDER BY c.seq")).all()
        linked = conn.execute(text("SELECT count(*) FROM cases c JOIN alerts a ON"
                                   " a.id = c.alert_id AND a.cleared_at IS NULL")).scalar()
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    assert [(r[0], r[1], str(r[2]) if r[2] else None) for r in rows] == [
        (1, "yellow", "2025-03-01"), (2, "red", "2025-03-01"), (3, None, "2025-03-01"),
        (4, "yellow", None)]
    assert linked == 3  # each open alert's id kept on its case
    db.dispose()


def test_0016_goes_down_and_up_again(empty_url):  # noqa: F811
    db = Database(empty_url)
    db.upgrade()
    _downgrade(db, "0015")
    assert "ix_cases_alert_due" not in _indexes(db)
    db.upgrade()
    assert {"ix_cases_alert_due", "ix_cases_alert_closed"} <= _indexes(db).keys()
    db.dispose()


@pytest.mark.parametrize("sql, index", [(LEVEL_DUE, "ix_cases_alert_due"),
                                        (CLOSED, "ix_cases_alert_closed")])
def test_the_planner_reads_the_sweep_from_its_partial_indexes(empty_url, sql, index):  # noqa: F811
    db = Database(empty_url)
    db.upgrade()
    _seed_hall(db)
    _seed_cases(db, 50)
    assert index in _plan(db, sql)
    db.dispose()
