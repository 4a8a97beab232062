"""Queries of 五件 cases (办件) and their history (tables in ``case_models``).

Every function takes an open connection; the caller owns the transaction. Case numbers come
from ``case_counters`` by one atomic upsert (as tickets' daily counters do), so two windows
accepting at once never share a 受理编号 on SQLite or PostgreSQL; the unique constraint on
``(hall_id, year, seq)`` backs it.
"""

from sqlalchemy import (Boolean, Date, Integer, String, and_, bindparam, case, cast, column,
                        func, insert, or_, select, update, values)
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
    """Insert a case; an open one is due for the deadline sweep on its warning day."""
    if values.get("finished_at") is None:
        values = {**values, "alert_due_on": values.get("warn_on")}
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


# ---- 限时办结: the deadline sweep -----------------------------------------------------------
# Each case carries the level of its open deadline alert (``alert_level``) and the day that
# level next changes (``alert_due_on``), set in the same transaction as the alert. The sweep
# reads only the open cases due for a change (``ix_cases_alert_due``: a few a day, however many
# cases are open) and the closed cases whose alert is still open (``ix_cases_alert_closed``).

_SWEEP_COLUMNS = (cases.c.id, cases.c.number, cases.c.department, cases.c.window_id,
                  cases.c.matter_code, cases.c.warn_on, cases.c.promised_on,
                  cases.c.alert_level, cases.c.alert_id)
_LEVEL_DUE = (select(*_SWEEP_COLUMNS)
              .where(cases.c.hall_id == bindparam("hall_id"), cases.c.finished_at.is_(None),
                     cases.c.alert_due_on <= bindparam("today"))
              .order_by(cases.c.alert_due_on, cases.c.id)
              .limit(bindparam("limit", type_=Integer)))
_CLOSED_WITH_ALERT = (select(*_SWEEP_COLUMNS)
                      .where(cases.c.hall_id == bindparam("hall_id"),
                             cases.c.finished_at.is_not(None), cases.c.alert_level.is_not(None))
                      .order_by(cases.c.id).limit(bindparam("limit", type_=Integer)))


def level_due_cases(conn, hall_id: int, today, limit: int) -> list:
    """Open cases of the hall whose deadline level may change by ``today``, oldest due first."""
    return conn.execute(_LEVEL_DUE, {"hall_id": hall_id, "today": today, "limit": limit}).all()


def closed_with_alert(conn, hall_id: int, limit: int) -> list:
    """Closed cases of the hall whose deadline alert is still open."""
    return conn.execute(_CLOSED_WITH_ALERT, {"hall_id": hall_id, "limit": limit}).all()


def set_alert_level(conn, case_id: int, was, level, due_on, closed: bool) -> bool:
    """``claim_alert_levels`` of one case: True when this call moved its level."""
    done = cases.c.finished_at.is_not(None) if closed else cases.c.finished_at.is_(None)
    return conn.execute(update(cases).where(
        cases.c.id == case_id, done, cases.c.alert_level.is_not_distinct_from(was))
        .values(alert_level=level, alert_due_on=due_on)).rowcount == 1


def claim_alert_levels(conn, changes: list[dict]) -> set[int]:
    """Move each case's alert level and next day (``id``, ``was``, ``level``, ``due_on``,
    ``closed``), on PostgreSQL in one statement (one round trip), only where its level is
    still ``was`` and it is still open (or closed): the ids this call moved. A racing sweep
    in another process, or the case closing meanwhile, leaves a case out."""
    if not changes:
        return set()
    if conn.dialect.name == "sqlite":  # in process: a statement costs microseconds
        return {c["id"] for c in changes if set_alert_level(
            conn, c["id"], c["was"], c["level"], c["due_on"], c["closed"])}
    v = values(column("id", Integer), column("was", String(8)), column("level", String(8)),
               column("due_on", Date), column("closed", Boolean), name="v").data(
        [(c["id"], c["was"], c["level"], c["due_on"], c["closed"]) for c in changes])
    closed = cast(v.c.closed, Boolean)
    stmt = (update(cases)
            .where(cases.c.id == v.c.id,
                   cases.c.alert_level.is_not_distinct_from(cast(v.c.was, String(8))),
                   or_(and_(closed, cases.c.finished_at.is_not(None)),
                       and_(~closed, cases.c.finished_at.is_(None))))
            .values(alert_level=cast(v.c.level, String(8)), alert_due_on=cast(v.c.due_on, Date))
            .returning(cases.c.id))
    return set(conn.execute(stmt).scalars())


def set_alert_ids(conn, alert_ids: dict) -> None:
    """Keep on each case (id -> alert id or None) the id of its open deadline alert."""
    if alert_ids:
        conn.execute(_SET_ALERT_ID, [{"b_case": case_id, "b_alert": alert_id}
                                     for case_id, alert_id in alert_ids.items()])


_SET_ALERT_ID = (update(cases).where(cases.c.id == bindparam("b_case"))
                 .values(alert_id=bindparam("b_alert")))


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
