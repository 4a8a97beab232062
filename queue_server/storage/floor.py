"""Queries of the hall floor as screens and the managers' dashboard read it: the windows with
their current ticket, who staffs them, today's latest calls and the oldest waiting tickets.

Every function takes an open connection; the caller owns the transaction.
"""

from sqlalchemy import case, func, or_, select

from queue_server.storage.models import ticket_events, tickets, users, windows
from queue_server.storage.session_models import window_sessions


def session_summary(conn, hall_id: int, started_since,
                    window_id: int | None = None) -> dict[int, tuple[bool, object]]:
    """Per window id (or only ``window_id``'s): (someone signed in now, when the latest session
    ended), over the open sessions and those started since a time."""
    query = (select(window_sessions.c.window_id,
                    func.sum(case((window_sessions.c.ended_at.is_(None), 1), else_=0)),
                    func.max(window_sessions.c.ended_at))
             .where(window_sessions.c.hall_id == hall_id,
                    or_(window_sessions.c.ended_at.is_(None),
                        window_sessions.c.started_at >= started_since))
             .group_by(window_sessions.c.window_id))
    if window_id is not None:
        query = query.where(window_sessions.c.window_id == window_id)
    rows = conn.execute(query).all()
    return {r[0]: (bool(r[1]), r[2]) for r in rows}


def windows_with_current(conn, hall_id: int, window_id: int | None = None) -> dict:
    """Window id -> row (id, state, pause_reason, state_changed_at, and of its current ticket:
    number, service_id, status, called_at, ticket_id) of the hall's active windows."""
    query = (select(windows.c.id, windows.c.state, windows.c.pause_reason,
                    windows.c.state_changed_at, tickets.c.number, tickets.c.service_id,
                    tickets.c.status, tickets.c.called_at, tickets.c.id.label("ticket_id"))
             .outerjoin(tickets, tickets.c.id == windows.c.current_ticket_id)
             .where(windows.c.hall_id == hall_id, windows.c.active))
    if window_id is not None:
        query = query.where(windows.c.id == window_id)
    return {r.id: r for r in conn.execute(query)}


def latest_calls(conn, hall_id: int, since, limit: int) -> list:
    """The latest call (or recall) of each ticket since a time, newest first (kind, at,
    window_id, number, service_id, booked)."""
    latest = (select(func.max(ticket_events.c.id).label("id"))
              .where(ticket_events.c.hall_id == hall_id, ticket_events.c.at >= since,
                     ticket_events.c.kind.in_(("called", "recalled")))
              .group_by(ticket_events.c.ticket_id).subquery())
    return conn.execute(
        select(ticket_events.c.kind, ticket_events.c.at, ticket_events.c.window_id,
               tickets.c.number, ticket_events.c.service_id, tickets.c.booked)
        .join(latest, latest.c.id == ticket_events.c.id)
        .join(tickets, tickets.c.id == ticket_events.c.ticket_id)
        .order_by(ticket_events.c.at.desc(), ticket_events.c.id.desc())
        .limit(limit)
    ).all()


def called_since(conn, hall_id: int, number: str, issued_since) -> bool:
    """Whether a ticket with this number issued since a time has been called."""
    return conn.execute(
        select(tickets.c.id).where(tickets.c.hall_id == hall_id,
                                   tickets.c.issued_at >= issued_since,
                                   tickets.c.number == number,
                                   tickets.c.first_called_at.is_not(None)).limit(1)
    ).first() is not None


def oldest_waiting(conn, hall_id: int, day) -> dict:
    """Service id -> queue time of its oldest ticket waiting on a day."""
    return dict(conn.execute(
        select(tickets.c.service_id, func.min(tickets.c.queued_at))
        .where(tickets.c.hall_id == hall_id, tickets.c.status == "waiting",
               tickets.c.local_date == day).group_by(tickets.c.service_id)).all())


def last_callers(conn, hall_id: int, since) -> dict[int, str]:
    """Window id -> the name of who called there last since a time."""
    latest = (select(ticket_events.c.window_id, func.max(ticket_events.c.id).label("id"))
              .where(ticket_events.c.hall_id == hall_id, ticket_events.c.kind == "called",
                     ticket_events.c.at >= since)
              .group_by(ticket_events.c.window_id).subquery())
    return dict(conn.execute(
        select(latest.c.window_id, func.coalesce(users.c.display_name, users.c.username))
        .select_from(latest).join(ticket_events, ticket_events.c.id == latest.c.id)
        .join(users, users.c.id == ticket_events.c.user_id)).all())
