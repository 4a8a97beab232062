"""Queries of print jobs: a kiosk's ticket to print, queued, then printed or failed, once.

Every function takes an open connection; the caller owns the transaction. ``add`` runs in the
transaction that issues the ticket (built once: it is on the issuing hot path); ``settle`` is
one conditional UPDATE, so a repeated or late answer changes nothing.
"""

from sqlalchemy import insert, select, update

from queue_server.storage.models import print_jobs, tickets

_INSERT_JOB = insert(print_jobs).returning(print_jobs.c.id)
_JOB_COLUMNS = (print_jobs.c.id.label("job_id"), print_jobs.c.device_id,
                print_jobs.c.status.label("job_status"), tickets)


def add(conn, ticket_id: int, hall_id: int, device_id: int, now) -> int:
    """Queue a ticket for its kiosk's printer; the job's id."""
    return conn.execute(_INSERT_JOB, dict(
        ticket_id=ticket_id, hall_id=hall_id, device_id=device_id,
        status="queued", fault=None, created_at=now, finished_at=None,
    )).scalar_one()


def queued_of_device(conn, device_id: int) -> list:
    """A kiosk's queued jobs, oldest first, each with its ticket's columns (mappings with
    job_id, device_id, job_status and the ticket's)."""
    return conn.execute(
        select(*_JOB_COLUMNS).join(tickets, tickets.c.id == print_jobs.c.ticket_id)
        .where(print_jobs.c.device_id == device_id, print_jobs.c.status == "queued")
        .order_by(print_jobs.c.id)
    ).mappings().all()


def expire(conn, job_ids: list[int], now) -> None:
    """Settle still-queued jobs as failed with the fault ``expired``."""
    conn.execute(update(print_jobs)
                 .where(print_jobs.c.id.in_(job_ids), print_jobs.c.status == "queued")
                 .values(status="failed", fault="expired", finished_at=now))


def settle(conn, job_id: int, device_id: int, printed: bool, fault: str | None, now) -> bool:
    """Settle a kiosk's queued job as printed or failed; False when it was not queued (settled
    already, or not this kiosk's)."""
    return conn.execute(
        update(print_jobs)
        .where(print_jobs.c.id == job_id, print_jobs.c.device_id == device_id,
               print_jobs.c.status == "queued")
        .values(status="printed" if printed else "failed", fault=fault, finished_at=now)
    ).rowcount == 1


def job(conn, job_id: int):
    """A job's status, fault, ticket_id, device_id and ticket number (a mapping), or None."""
    return conn.execute(
        select(print_jobs.c.status, print_jobs.c.fault, print_jobs.c.ticket_id,
               print_jobs.c.device_id, tickets.c.number)
        .join(tickets, tickets.c.id == print_jobs.c.ticket_id)
        .where(print_jobs.c.id == job_id)
    ).mappings().first()


def status_of_ticket(conn, ticket_id: int) -> str | None:
    """The status of a ticket's job (None: the ticket has none)."""
    return conn.execute(select(print_jobs.c.status)
                        .where(print_jobs.c.ticket_id == ticket_id)).scalar()
