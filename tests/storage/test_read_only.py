"""``Database.read_only``: long reads (reports) that leave writers and the event loop alone."""

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import OperationalError

from queue_server.storage.db import collecting_p90
from queue_server.storage.models import blacklist


def _blacklisted(conn) -> int:
    return conn.execute(select(func.count()).select_from(blacklist)).scalar()


def _blacklist(db, digest: str) -> None:
    with db.write() as conn:
        conn.execute(insert(blacklist).values(id_hash=digest, id_last4="0011",
                                              reason="test", created_at=0.0))


def test_a_write_commits_while_a_report_reads_and_the_report_keeps_its_snapshot(ctx):
    db = ctx.db

    def work(conn):
        before = _blacklisted(conn)
        _blacklist(db, "a" * 64)  # under the process lock this would raise (nested) or hang
        return before, _blacklisted(conn)

    assert db.read_only(work) == (0, 0)
    with db.read() as conn:
        assert _blacklisted(conn) == 1


def test_the_report_connection_cannot_write(ctx):
    def work(conn):
        conn.execute(insert(blacklist).values(id_hash="b" * 64, id_last4="x", reason="test",
                                              created_at=0.0))

    with pytest.raises(OperationalError, match="readonly"):
        ctx.db.read_only(work)


def test_read_only_runs_through_the_offload_hook(ctx):
    ran = []
    ctx.db.offload = lambda work: ran.append(work) or work()
    assert ctx.db.read_only(_blacklisted) == 0
    assert len(ran) == 1


def test_p90_aggregate_interpolates_like_numpy(ctx):
    with ctx.db.read() as conn:
        value = conn.exec_driver_sql(
            "SELECT hallq_p90(v) FROM (SELECT 1.0 AS v UNION ALL SELECT 2.0 UNION ALL "
            "SELECT 3.0 UNION ALL SELECT 4.0 UNION ALL SELECT NULL)").scalar()
    assert value == pytest.approx(3.7)  # numpy.percentile([1, 2, 3, 4], 90)


def test_collecting_p90_keeps_every_groups_values(ctx):
    with ctx.db.read() as conn:
        with collecting_p90(conn, "p90_kept") as kept:
            rows = conn.exec_driver_sql(
                "SELECT g, p90_kept(v) FROM (SELECT 1 AS g, 10.0 AS v UNION ALL "
                "SELECT 1, 20.0 UNION ALL SELECT 2, 5.0) GROUP BY g ORDER BY g").all()
    assert [tuple(r) for r in rows] == [(1, pytest.approx(19.0)), (2, 5.0)]
    assert sorted(kept["p90_kept"]) == [5.0, 10.0, 20.0]
