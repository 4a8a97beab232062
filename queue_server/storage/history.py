"""The reads behind a scenario derived from a hall's history (``services.history_scenario``):
the tickets of a range of local days and the windows' pauses. Every function takes an open
connection; the caller owns the transaction."""

from sqlalchemy import bindparam, select

from queue_server.storage.models import tickets, window_events

_TICKETS = (
    select(tickets.c.original_service_id, tickets.c.priority, tickets.c.status,
           tickets.c.local_date, tickets.c.issued_at, tickets.c.first_called_at,
           tickets.c.called_at, tickets.c.finished_at)
    .where(tickets.c.hall_id == bindparam("hall_id"),
           tickets.c.local_date >= bindparam("first"), tickets.c.local_date <= bindparam("last"))
)
_PAUSES = (
    select(window_events.c.window_id, window_events.c.kind, window_events.c.at)
    .where(window_events.c.hall_id == bindparam("hall_id"),
           window_events.c.at >= bindparam("since"), window_events.c.at < bindparam("until"),
           window_events.c.kind.in_(("paused", "resumed")))
    .order_by(window_events.c.window_id, window_events.c.at, window_events.c.id)
)


def day_tickets(conn, hall_id: int, first, last) -> list:
    """(original_service_id, priority, status, local_date, issued_at, first_called_at,
    called_at, finished_at) of the hall's tickets of the local days ``first``..``last``."""
    return conn.execute(_TICKETS, {"hall_id": hall_id, "first": first, "last": last}).all()


def pauses(conn, hall_id: int, since, until) -> list:
    """(window_id, kind, at) of the hall's pauses and resumptions in [since, until)."""
    return conn.execute(_PAUSES, {"hall_id": hall_id, "since": since, "until": until}).all()
