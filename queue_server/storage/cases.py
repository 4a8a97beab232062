"""Queries of 五件 cases (办件) and their history (tables in ``case_models``).

Every function takes an open connection; the caller owns the transaction. Case numbers come
from ``case_counters`` by one atomic upsert (as tickets' daily counters do), so two windows
accepting at once never share a 受理编号 on SQLite or PostgreSQL; the unique constraint on
``(hall_id, year, seq)`` backs it.
"""

from sqlalchemy import bindparam, case, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from queue_server.storage.case_models import case_counters, case_events, cases
from queue_server.storage.models import users

OPEN = ("accepted", "in_progress")


def _counter_upsert(dialect):
    stmt = dialect.insert(case_counters).values(
        hall_id=bindparam("hall_id"), year=bindparam("year"), value=1)
    return stmt.on_conflict_do_update(
        index_elements=[case_counters.c.hall_id, case_counters.c.year],
        set_={"value": case_counters.c.value + 1},
    ).returning(case_counters.c.value)


_BUMP = {"sqlite": _counter_upsert(sqlite), "postgresql": _counter_upsert(postgresql)}


def next_seq(conn, hall_id: int, year: int) -> int:
    """The hall's next case sequence of ``year`` (1 for the first): one atomic upsert."""
    return conn.execute(_BUMP[conn.dialect.name], {"hall_id": hall_id, "year": year}).scalar_one()


def insert_case(conn, values: dict) -> int:
    return conn.execute(insert(cases).returning(cases.c.id), values).scalar_one()


def add_event(conn, case_id: int, state: str, at, user_id, device_id, note) -> None:
    conn.execute(insert(case_events).values(case_id=case_id, state=state, at=at,
                                            user_id=user_id, device_id=device_id, note=note))


def one(conn, hall_id: int, case_id: int, lock: bool = False):
    stmt = select(cases).where(cases.c.id == case_id, cases.c.hall_id == hall_id)
    if lock and conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return conn.execute(stmt).mappings().first()


def by_number(conn, hall_id: int, number: str):
    year, _, seq = number.partition("-")
    if not (year.isdigit() and seq.isdigit() and len(year) == 4 and len(seq) <= 9):
        return None
    return conn.execute(select(cases).where(cases.c.hall_id == hall_id,
                                            cases.c.year == int(year),
                                            cases.c.seq == int(seq))).mappings().first()


def set_state(conn, case_id: int, from_state: str, values: dict) -> bool:
    """Move a case on only if it is still in ``from_state`` (a racing change loses)."""
    result = conn.execute(update(cases).where(cases.c.id == case_id,
                                              cases.c.state == from_state).values(**values))
    return result.rowcount == 1


def history(conn, case_id: int) -> list:
    return conn.execute(select(case_events).where(case_events.c.case_id == case_id)
                        .order_by(case_events.c.id)).mappings().all()


def of_ticket(conn, ticket_id: int) -> list:
    return conn.execute(select(cases).where(cases.c.ticket_id == ticket_id)
                        .order_by(cases.c.id)).mappings().all()


def listed(conn, hall_id: int, *, staff_user_id=None, department=None, open_only=False,
           limit: int = 200, before_id=None) -> list:
    """A hall's cases, newest first: a clerk's own, or a department's (lead or not)."""
    stmt = select(cases).where(cases.c.hall_id == hall_id)
    if staff_user_id is not None:
        stmt = stmt.where(cases.c.staff_user_id == staff_user_id)
    if department is not None:
        stmt = stmt.where(cases.c.department == department)
    if open_only:
        stmt = stmt.where(cases.c.finished_at.is_(None))
    if before_id is not None:
        stmt = stmt.where(cases.c.id < before_id)
    return conn.execute(stmt.order_by(cases.c.id.desc()).limit(limit)).mappings().all()


_DUE_COLUMNS = (cases.c.id, cases.c.number, cases.c.department, cases.c.window_id,
                cases.c.matter_code, cases.c.warn_on, cases.c.promised_on)
_DUE_WHERE = (cases.c.hall_id == bindparam("hall_id"), cases.c.finished_at.is_(None),
              cases.c.warn_on <= bindparam("today"))
_DUE = select(*_DUE_COLUMNS).where(*_DUE_WHERE).order_by(cases.c.warn_on, cases.c.id)
# Only the ids: answered from ``ix_cases_open`` alone (hall, warn_on, id), no table read.
_DUE_IDS = select(cases.c.id).where(*_DUE_WHERE)
_BY_IDS = select(*_DUE_COLUMNS).where(cases.c.id.in_(bindparam("ids", expanding=True)))
_IDS_PER_QUERY = 500


_OPEN_FINGERPRINT = (select(func.count(), func.coalesce(func.sum(cases.c.id), 0))
                     .where(cases.c.hall_id == bindparam("hall_id"),
                            cases.c.finished_at.is_(None)))


def open_fingerprint(conn, hall_id: int) -> tuple:
    """(count, sum of ids) of the hall's open cases: it changes whenever a case opens (a new,
    higher id) or closes, and costs one pass over the partial index ``ix_cases_open``."""
    return tuple(conn.execute(_OPEN_FINGERPRINT, {"hall_id": hall_id}).one())


def due_open_cases(conn, hall_id: int, today) -> list:
    """Open cases of the hall that have reached their warning day: one range scan of the
    partial index ``ix_cases_open`` (hall, warn_on) WHERE finished_at IS NULL."""
    return conn.execute(_DUE, {"hall_id": hall_id, "today": today}).all()


def due_open_ids(conn, hall_id: int, today) -> set:
    """The ids of the open cases of ``due_open_cases``, from the index alone."""
    return set(conn.execute(_DUE_IDS, {"hall_id": hall_id, "today": today}).scalars())


def due_cases_by_id(conn, ids) -> list:
    """The sweep's columns of the given cases, a few hundred ids per query."""
    ids, found = sorted(ids), []
    for start in range(0, len(ids), _IDS_PER_QUERY):
        found += conn.execute(_BY_IDS, {"ids": ids[start:start + _IDS_PER_QUERY]}).all()
    return found


# ---- reports (办结率, 按时办结率, 压缩率) ---------------------------------------------------

GROUPS = {"matter": cases.c.matter_code, "department": cases.c.department,
          "kind": cases.c.kind, "window": cases.c.window_id, "staff": cases.c.staff_user_id}


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def _sum_and_count(condition, column, name: str) -> tuple:
    value = case((condition, column))
    return func.sum(value).label(f"sum_{name}"), func.count(value).label(f"n_{name}")


def report(conn, hall_id: int, start, end, today, by: str) -> list:
    """One row per group of the hall's cases accepted from ``start`` to ``end`` (local days):
    one aggregate over ``ix_cases_hall_accepted``."""
    key = GROUPS[by]
    accepted = cases.c.state.not_in(("correction", "refused"))
    done = cases.c.state == "done"
    stmt = (select(key.label("key"), func.max(cases.c.matter_name).label("matter_name"),
                   func.count().label("cases"), _count(accepted).label("accepted"),
                   _count(cases.c.state == "correction").label("corrections"),
                   _count(cases.c.state == "refused").label("refused"),
                   _count(done).label("done"),
                   _count(cases.c.on_time.is_(True)).label("on_time"),
                   _count(cases.c.state.in_(OPEN)).label("open"),
                   _count(cases.c.state.in_(OPEN) & (cases.c.promised_on < today))
                   .label("overdue"),
                   *_sum_and_count(done, cases.c.working_days, "working"),
                   *_sum_and_count(accepted, cases.c.promised_days, "promised"),
                   *_sum_and_count(accepted, cases.c.statutory_days, "statutory"))
            .where(cases.c.hall_id == hall_id, cases.c.accepted_on >= start,
                   cases.c.accepted_on <= end)
            .group_by(key).order_by(key))
    return conn.execute(stmt).mappings().all()


def staff_names(conn, user_ids) -> dict:
    ids = [i for i in user_ids if i is not None]
    if not ids:
        return {}
    rows = conn.execute(select(users.c.id, users.c.display_name, users.c.username)
                        .where(users.c.id.in_(ids))).all()
    return {r.id: r.display_name or r.username for r in rows}


# A person's cases through ``ix_cases_person`` (hall, id_hash): a few rows, sorted in memory.
LATEST_DONE = (select(cases).where(cases.c.hall_id == bindparam("hall_id"),
                                   cases.c.id_hash == bindparam("id_hash"),
                                   cases.c.state == bindparam("state"))
               .order_by(cases.c.finished_at.desc(), cases.c.id.desc()).limit(1))


def latest_done_of_person(conn, hall_id: int, id_hash: str, done: str):
    """The person's most recently finished case in state ``done`` (their newest result)."""
    return conn.execute(LATEST_DONE, {"hall_id": hall_id, "id_hash": id_hash,
                                      "state": done}).mappings().first()
