"""Queries of the evaluations table (好差评): one rating per finished ticket.

Every function takes an open connection; the caller owns the transaction.
"""

from sqlalchemy import func, insert, select, update

from queue_server.storage.models import devices, evaluations, tickets, users


def is_rated(conn, ticket_id: int) -> bool:
    """Whether the ticket has its rating already (the unique index backs a race)."""
    return bool(conn.execute(select(func.count()).select_from(evaluations)
                             .where(evaluations.c.ticket_id == ticket_id)).scalar_one())


def add(conn, values: dict) -> int:
    """Insert a rating (ticket_id, hall_id, service_id, window_id, staff_user_id, device_id,
    channel, grade, comment, created_at); its id."""
    return conn.execute(insert(evaluations).values(**values)
                        .returning(evaluations.c.id)).scalar_one()


def of_ticket(conn, ticket_id: int):
    """A ticket's rating (a mapping), or None."""
    return conn.execute(select(evaluations).where(evaluations.c.ticket_id == ticket_id)
                        ).mappings().first()


def set_comment(conn, evaluation_id: int, comment: str | None) -> None:
    conn.execute(update(evaluations).where(evaluations.c.id == evaluation_id)
                 .values(comment=comment))


def records(conn, hall_id: int, since, until) -> list:
    """The hall's ratings made in ``[since, until)``, oldest first, each with its ticket's
    number and local day, the evaluator device's name and the staff member's name."""
    staff = users.alias("staff")
    return conn.execute(
        select(evaluations, tickets.c.number, tickets.c.local_date,
               devices.c.name.label("device_name"), staff.c.display_name.label("staff_name"))
        .join(tickets, tickets.c.id == evaluations.c.ticket_id)
        .outerjoin(devices, devices.c.id == evaluations.c.device_id)
        .outerjoin(staff, staff.c.id == evaluations.c.staff_user_id)
        .where(evaluations.c.hall_id == hall_id, evaluations.c.created_at >= since,
               evaluations.c.created_at < until)
        .order_by(evaluations.c.created_at, evaluations.c.id)).mappings().all()
