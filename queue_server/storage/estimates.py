"""The reads behind the wait forecast (``services.estimates``): the hall's waiting tickets, its
windows with what they serve now, and the recent arrivals. Every function takes an open
connection; the caller owns the transaction."""

from sqlalchemy import bindparam, func, select

from queue_server.storage.models import tickets, window_events, windows

_WAITING = (
    select(tickets.c.id, tickets.c.service_id, tickets.c.priority, tickets.c.queued_at,
           tickets.c.target_window_id)
    .where(tickets.c.service_id.in_(bindparam("services", expanding=True)),
           tickets.c.status == "waiting", tickets.c.local_date == bindparam("day"))
)
_WINDOWS = (
    select(windows.c.id, windows.c.state, tickets.c.service_id, tickets.c.called_at,
           tickets.c.status, windows.c.state_changed_at)
    .select_from(windows.outerjoin(tickets, tickets.c.id == windows.c.current_ticket_id))
    .where(windows.c.hall_id == bindparam("hall_id"))
)
_ARRIVALS = (
    select(tickets.c.service_id, tickets.c.priority, func.count())
    .where(tickets.c.hall_id == bindparam("hall_id"),
           tickets.c.issued_at >= bindparam("since"))
    .group_by(tickets.c.service_id, tickets.c.priority)
)


def waiting(conn, service_ids: list[int], day) -> list:
    """(id, service_id, priority, queued_at, target_window_id) of the day's waiting tickets."""
    if not service_ids:
        return []
    return conn.execute(_WAITING, {"services": list(service_ids), "day": day}).all()


def window_rows(conn, hall_id: int) -> list:
    """(id, state, service_id, called_at, status, state_changed_at) of each window and its
    current ticket."""
    return conn.execute(_WINDOWS, {"hall_id": hall_id}).all()


def issued_since(conn, hall_id: int, since) -> dict[tuple, int]:
    """(service_id, priority) -> tickets issued at or after ``since``."""
    return {(s, bool(p)): n for s, p, n in conn.execute(_ARRIVALS, {"hall_id": hall_id,
                                                                    "since": since})}


_OCCUPANCY = (
    select(tickets.c.called_at, tickets.c.finished_at)
    .where(tickets.c.service_id == bindparam("service_id"), tickets.c.finished_at.is_not(None),
           tickets.c.status.in_(("done", "no_show")))
    .order_by(tickets.c.finished_at.desc()).limit(bindparam("limit"))
)
_PAUSES = (
    select(window_events.c.window_id, window_events.c.kind, window_events.c.at)
    .where(window_events.c.hall_id == bindparam("hall_id"),
           window_events.c.at >= bindparam("since"),
           window_events.c.kind.in_(("paused", "resumed")))
    .order_by(window_events.c.window_id, window_events.c.at, window_events.c.id)
)


def occupancy(conn, service_id: int, limit: int) -> list:
    """(called_at, finished_at) of the service's latest tickets served or marked no-show:
    how long each held its window, newest first."""
    return conn.execute(_OCCUPANCY, {"service_id": service_id, "limit": limit}).all()


def pauses(conn, hall_id: int, since) -> list:
    """(window_id, kind, at) of the hall's pauses and resumptions since ``since``."""
    return conn.execute(_PAUSES, {"hall_id": hall_id, "since": since}).all()
