"""Queries of follow-up cases of bad reviews (差评回访整改) and their rectification ledger.

Every function takes an open connection; the caller owns the transaction. A case is opened
with ``INSERT … ON CONFLICT DO NOTHING`` on its unique evaluation, so two processes opening the
missing cases at once open each one once.
"""

from sqlalchemy import exists, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from queue_server.storage.followup_models import followup_cases, rectification_entries
from queue_server.storage.models import alerts, evaluations, tickets, users

_INSERT_CASE = {
    "sqlite": sqlite.insert(followup_cases).on_conflict_do_nothing(),
    "postgresql": postgresql.insert(followup_cases).on_conflict_do_nothing(),
}


def reviews_without_case(conn, hall_id: int, grades) -> list:
    """The hall's evaluations of the given grades that have no case yet (mappings)."""
    has_case = exists().where(followup_cases.c.evaluation_id == evaluations.c.id)
    return conn.execute(select(evaluations).where(
        evaluations.c.hall_id == hall_id, evaluations.c.grade.in_(grades), ~has_case)
    ).mappings().all()


def open_case(conn, values: dict) -> None:
    """Insert a case unless its evaluation has one already."""
    conn.execute(_INSERT_CASE[conn.dialect.name].values(**values))


def overdue_cases(conn, hall_id: int, today) -> list:
    """The hall's open cases whose deadline is before ``today`` (mappings)."""
    return conn.execute(select(followup_cases).where(
        followup_cases.c.hall_id == hall_id, followup_cases.c.status == "open",
        followup_cases.c.deadline < today)).mappings().all()


def case(conn, hall_id: int, case_id: int):
    """One case of a hall (a mapping), or None."""
    return conn.execute(select(followup_cases).where(
        followup_cases.c.hall_id == hall_id, followup_cases.c.id == case_id)).mappings().first()


def case_views(conn, hall_id: int, case_id: int | None = None, status: str | None = None,
               deadline_before=None) -> list:
    """A hall's cases (or one) with their ticket number, the review's comment and channel, the
    staff member's name and the ledger entry, by deadline (mappings)."""
    where = [followup_cases.c.hall_id == hall_id]
    if case_id is not None:
        where.append(followup_cases.c.id == case_id)
    if status is not None:
        where.append(followup_cases.c.status == status)
    if deadline_before is not None:
        where.append(followup_cases.c.deadline < deadline_before)
    staff = users.alias("staff")
    return conn.execute(
        select(followup_cases, tickets.c.number, evaluations.c.comment,
               evaluations.c.channel, staff.c.display_name.label("staff_name"),
               rectification_entries.c.measure, rectification_entries.c.responsible,
               rectification_entries.c.due_date)
        .join(tickets, tickets.c.id == followup_cases.c.ticket_id)
        .join(evaluations, evaluations.c.id == followup_cases.c.evaluation_id)
        .outerjoin(staff, staff.c.id == followup_cases.c.staff_user_id)
        .outerjoin(rectification_entries,
                   rectification_entries.c.case_id == followup_cases.c.id)
        .where(*where).order_by(followup_cases.c.deadline, followup_cases.c.id)
    ).mappings().all()


def update_case(conn, case_id: int, **values) -> None:
    """Change some columns of one case (call-back, outcome, closing)."""
    conn.execute(update(followup_cases).where(followup_cases.c.id == case_id).values(**values))


def add_ledger_entry(conn, values: dict) -> None:
    """Insert the rectification ledger entry (整改台账) of a case."""
    conn.execute(insert(rectification_entries).values(**values))


def clear_alerts(conn, hall_id: int, kind: str, now, subject: str | None = None,
                 ticket_id: int | None = None, **acknowledgement) -> None:
    """Clear the hall's open alerts of a kind about a subject or a ticket, with an optional
    acknowledgement (acknowledged_at, acknowledged_by, ack_note)."""
    where = [alerts.c.hall_id == hall_id, alerts.c.kind == kind, alerts.c.cleared_at.is_(None)]
    if subject is not None:
        where.append(alerts.c.subject == subject)
    if ticket_id is not None:
        where.append(alerts.c.ticket_id == ticket_id)
    conn.execute(update(alerts).where(*where).values(cleared_at=now, **acknowledgement))


def set_phone_of_review(conn, evaluation_id: int, phone: str) -> bool:
    """Keep a call-back number with the open case of a review; False when none is open."""
    return conn.execute(update(followup_cases).where(
        followup_cases.c.evaluation_id == evaluation_id, followup_cases.c.status == "open"
    ).values(citizen_phone=phone)).rowcount > 0
