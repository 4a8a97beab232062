"""The database handle: engine, transactions and migrations.

SQLite (the single-hall default) runs in WAL mode on one connection guarded by a process lock:
SQLite allows one writer at a time anyway, and a blocking call never yields under eventlet, so
serialising in-process is both the fastest and the only deadlock-free way. Write transactions
start with ``BEGIN IMMEDIATE`` so another process (the CLI) waits on the file lock instead of
failing half-way.

PostgreSQL runs a connection pool; correctness under concurrency comes from atomic statements
(counter upserts, conditional updates checked by row count) and row locks, not from this lock.

Long reads (a year's report) go through ``read_only(work)``: on an SQLite file they run on a
connection of their own, outside the process lock (WAL readers never block the writer), and,
under eventlet, in a native thread (``offload``), so kiosks and calls carry on meanwhile.
"""

import os
import threading
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool, StaticPool

from queue_server.domain.statistics import percentile

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def normalize_url(url: str) -> str:
    """Plain ``postgresql://`` URLs use psycopg2, the driver psycogreen makes eventlet-friendly."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg2://" + url[len(plain):]
    return url


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            _private_database_file(Path(path))
        engine = create_engine(
            url, poolclass=StaticPool, connect_args={"check_same_thread": False, "timeout": 30}
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    # No pre-ping: it is a round trip (SELECT 1) before every transaction, 7.5 % of the
    # server's time under bench_city.py. After a database restart the first statement on a
    # stale connection fails (a 503, database_unavailable) and SQLAlchemy recycles the whole
    # pool at once, so the next request gets fresh connections (tests/e2e/test_faults.py).
    return create_engine(url, pool_size=10, max_overflow=20, pool_recycle=3600)


def _private_database_file(path: Path) -> None:
    """The SQLite file (and its WAL and shared-memory files, which SQLite creates with the
    database's mode) readable by the server's user only: it holds the ID-number hashes."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for each in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if each.exists() and each.stat().st_mode & 0o077:
            os.chmod(each, 0o600)


class _P90:
    """``hallq_p90(x)``: the 90th percentile of a group's non-null values, interpolated like
    numpy's default, the same as PostgreSQL's ``percentile_cont(0.9) WITHIN GROUP``."""

    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        self.values.sort()  # in place: a total's sort over the groups' sorted runs is then cheap
        return percentile(self.values, 90, presorted=True)


def _register_functions(dbapi_connection) -> None:
    dbapi_connection.create_aggregate("hallq_p90", 1, _P90)


@contextmanager
def collecting_p90(conn: Connection, *names: str):
    """SQLite: aggregates ``names`` that compute ``hallq_p90`` per group and also keep every
    group's values (yielded as {name: values}), so that one grouped pass gives the p90 over all
    groups too (SQLite has no GROUPING SETS). Registered on this connection only, meanwhile."""
    raw = conn.connection.dbapi_connection
    collected = {}
    for name in names:
        values = collected[name] = []

        class Collecting(_P90):
            def finalize(self, kept=values):
                kept.extend(self.values)
                return super().finalize()

        raw.create_aggregate(name, 1, Collecting)
    try:
        yield collected
    finally:
        for name in names:
            raw.create_aggregate(name, 1, None)


def _sqlite_on_connect(dbapi_connection, _record):
    # Take transaction control away from the sqlite3 module so BEGIN IMMEDIATE is ours to send.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "synchronous=NORMAL",  # durable across a process crash (kill -9) in WAL mode
        "foreign_keys=ON",
        "busy_timeout=30000",
        "secure_delete=ON",  # a purged ID hash is overwritten, not left in a free page
    ):
        cursor.execute("PRAGMA " + pragma)
    cursor.close()
    _register_functions(dbapi_connection)


def _sqlite_on_read_only_connect(dbapi_connection, _record):
    dbapi_connection.isolation_level = None
    for pragma in ("busy_timeout=30000", "query_only=ON"):
        dbapi_connection.execute("PRAGMA " + pragma)
    _register_functions(dbapi_connection)


def _sqlite_on_begin(conn: Connection):
    immediate = conn.get_execution_options().get("hallq_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """One engine plus ``read()`` and ``write()`` transactions yielding a Core connection."""

    def __init__(self, url: str):
        url = normalize_url(url)
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine = _make_engine(url)
        self._lock = threading.Lock() if self.is_sqlite else None
        self._local = threading.local()
        self._checkpoint_connection = None
        self._read_only_engine = None
        # Runs a blocking function off the event loop; the server sets eventlet's tpool.execute.
        self.offload = lambda work: work()

    @contextmanager
    def write(self):
        with self._transaction(write=True) as conn:
            yield conn

    @contextmanager
    def read(self):
        with self._transaction(write=False) as conn:
            yield conn

    @contextmanager
    def _transaction(self, write: bool):
        if self.in_transaction():
            raise RuntimeError("nested database transaction")
        self._local.inside = True
        try:
            if self._lock is None:
                with self.engine.connect() as conn:
                    with conn.begin():
                        yield conn
            else:
                with self._lock, self.engine.connect() as conn:
                    conn = conn.execution_options(hallq_write=write)
                    with conn.begin():
                        yield conn
        finally:
            self._local.inside = False

    def read_only(self, work):
        """``work(conn)`` in a read transaction that neither holds the process lock nor blocks
        the event loop on SQLite files; a plain ``read()`` elsewhere (PostgreSQL is already
        cooperative under eventlet through psycogreen)."""
        path = self.engine.url.database if self.is_sqlite else None
        if not path or path == ":memory:":
            with self.read() as conn:
                return work(conn)
        if self._read_only_engine is None:
            engine = create_engine(self.url, poolclass=NullPool,
                                   connect_args={"check_same_thread": False, "timeout": 30})
            event.listen(engine, "connect", _sqlite_on_read_only_connect)
            event.listen(engine, "begin", _sqlite_on_begin)
            with engine.connect():  # first-connect set-up (it takes locks) on this thread
                pass
            self._read_only_engine = engine

        def run():
            with self._read_only_engine.connect() as conn, conn.begin():
                return work(conn)

        return self.offload(run)

    def in_transaction(self) -> bool:
        """True inside ``read()`` or ``write()`` on this thread (or green thread)."""
        return getattr(self._local, "inside", False)

    def ping(self) -> bool:
        with self.read() as conn:
            return conn.exec_driver_sql("SELECT 1").scalar() == 1

    def upgrade(self, revision: str = "head") -> None:
        """Apply the Alembic migrations up to ``revision``."""
        from alembic import command

        with self.engine.connect() as conn:
            config = alembic_config(self.url)
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            conn.commit()

    def take_over_checkpoints(self) -> bool:
        """Stop SQLite checkpointing inside commits; the caller then runs ``checkpoint()``.

        A WAL checkpoint copies pages back and fsyncs, which can take tens of milliseconds. Done
        inside a commit it stalls the whole eventlet hub; run from a native thread instead
        (``checkpoint`` uses its own connection) it stalls nobody. Returns False for PostgreSQL.
        """
        if not self.is_sqlite:
            return False
        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
        return True

    def checkpoint(self) -> tuple[int, int, int]:
        """One passive WAL checkpoint on a connection of its own (safe from any thread).

        Returns SQLite's ``(busy, wal_pages, checkpointed_pages)``.
        """
        import sqlite3

        if self._checkpoint_connection is None:
            path = self.engine.url.database
            self._checkpoint_connection = sqlite3.connect(path, check_same_thread=False,
                                                          isolation_level=None, timeout=30)
        return self._checkpoint_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()

    def dispose(self) -> None:
        if self._checkpoint_connection is not None:
            self._checkpoint_connection.close()
            self._checkpoint_connection = None
        if self._read_only_engine is not None:
            self._read_only_engine.dispose()
        self.engine.dispose()


def alembic_config(url: str):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config
