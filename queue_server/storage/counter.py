"""Queries of the staff counter and the evaluator: a hall's waiting groups, a person's day,
finished tickets still unrated.

Every function takes an open connection; the caller owns the transaction.
"""

from sqlalchemy import bindparam, func, select

from queue_server.storage.models import evaluations, ticket_events, tickets, users


def waiting_groups(conn, hall_id: int, day) -> list:
    """Today's waiting tickets of a hall in one grouped query: ``(service_id, target_window_id,
    count, oldest queued_at)``, the target None for the service queues. Both the screens'
    counts and the counters' queues are made from it (services.queues.QueueReading)."""
    return conn.execute(
        select(tickets.c.service_id, tickets.c.target_window_id, func.count(),
               func.min(tickets.c.queued_at))
        .where(tickets.c.hall_id == hall_id, tickets.c.status == "waiting",
               tickets.c.local_date == day)
        .group_by(tickets.c.service_id, tickets.c.target_window_id)).all()


def event_kinds_by(conn, hall_id: int, user_id: int, since) -> dict[str, int]:
    """Event kind -> how many a person logged in the hall since a time."""
    return dict(conn.execute(
        select(ticket_events.c.kind, func.count())
        .where(ticket_events.c.hall_id == hall_id, ticket_events.c.user_id == user_id,
               ticket_events.c.at >= since)
        .group_by(ticket_events.c.kind)).all())


def served_by(conn, hall_id: int, user_id: int, since) -> list:
    """Tickets a person finished as done since a time (issued_at, first_called_at, called_at,
    finished_at)."""
    return conn.execute(
        select(tickets.c.issued_at, tickets.c.first_called_at, tickets.c.called_at,
               tickets.c.finished_at)
        .where(tickets.c.hall_id == hall_id, tickets.c.staff_user_id == user_id,
               tickets.c.status == "done", tickets.c.finished_at >= since)).all()


def grades_of(conn, hall_id: int, user_id: int, since) -> list[str]:
    """The grades of a person's ratings since a time."""
    return list(conn.execute(
        select(evaluations.c.grade).where(evaluations.c.hall_id == hall_id,
                                          evaluations.c.staff_user_id == user_id,
                                          evaluations.c.created_at >= since)).scalars())


_UNRATED_DONE = (
    select(tickets, users.c.display_name, users.c.username)
    .outerjoin(users, users.c.id == tickets.c.staff_user_id)
    .where(tickets.c.status == "done",
           ~select(evaluations.c.id).where(evaluations.c.ticket_id == tickets.c.id).exists())
    .order_by(tickets.c.finished_at.desc()).limit(1)
)
# Built once: it runs after every 办结 (each call-next that finishes a ticket).
_UNRATED_TICKET = _UNRATED_DONE.where(tickets.c.id == bindparam("b_ticket"))


def unrated_ticket(conn, ticket_id: int):
    """The ticket when it is done and not rated yet, with its staff's names; else None."""
    return conn.execute(_UNRATED_TICKET, {"b_ticket": ticket_id}).mappings().first()


def latest_unrated_at_window(conn, window_id: int, finished_since):
    """The window's latest ticket finished since a time and not rated yet, or None."""
    return conn.execute(_UNRATED_DONE.where(
        tickets.c.window_id == window_id, tickets.c.finished_at >= finished_since)
    ).mappings().first()


_COLUMNS = (tickets.c.id, tickets.c.number, tickets.c.service_id, tickets.c.priority,
            tickets.c.queued_at, tickets.c.issued_at, tickets.c.target_window_id,
            tickets.c.requeued_count, tickets.c.booked)
_FIRST_OF_CLASS = (
    select(*_COLUMNS)
    .where(tickets.c.service_id == bindparam("service_id"), tickets.c.status == "waiting",
           tickets.c.local_date == bindparam("day"), tickets.c.priority == bindparam("priority"),
           tickets.c.target_window_id.is_(None))
    .order_by(tickets.c.queued_at, tickets.c.id).limit(bindparam("b_limit"))
)
_FIRST_TARGETED = (
    select(*_COLUMNS)
    .where(tickets.c.target_window_id == bindparam("window_id"), tickets.c.status == "waiting",
           tickets.c.local_date == bindparam("day"))
    .order_by(tickets.c.queued_at, tickets.c.id).limit(bindparam("b_limit"))
)


def first_waiting(conn, service_ids, window_id: int, day, limit: int) -> list:
    """The first ``limit`` waiting tickets of each service and priority class, and of those
    sent to the window (id, number, service_id, priority, queued_at, issued_at,
    target_window_id, requeued_count, booked)."""
    rows = []
    for service_id in service_ids:
        for priority in (True, False):
            rows += conn.execute(_FIRST_OF_CLASS, {"service_id": service_id, "day": day,
                                                   "priority": priority, "b_limit": limit}).all()
    rows += conn.execute(_FIRST_TARGETED, {"window_id": window_id, "day": day,
                                           "b_limit": limit}).all()
    return rows


def held_at(conn, window_id: int, day) -> list:
    """A day's tickets a window holds (挂起), longest held first (mappings)."""
    return conn.execute(select(tickets).where(
        tickets.c.window_id == window_id, tickets.c.status == "held",
        tickets.c.local_date == day)
        .order_by(tickets.c.called_at, tickets.c.id)).mappings().all()


_LAST_NO_SHOW = (
    select(ticket_events.c.id, ticket_events.c.ticket_id, ticket_events.c.kind,
           ticket_events.c.data, ticket_events.c.at)
    .where(ticket_events.c.hall_id == bindparam("b_hall"),
           ticket_events.c.at >= bindparam("b_since"),
           ticket_events.c.window_id == bindparam("b_window"),
           ticket_events.c.kind.in_(("no_show", "requeued")))
    .order_by(ticket_events.c.at.desc(), ticket_events.c.id.desc()).limit(1)
)
_LATEST_EVENT_OF_TICKET = select(func.max(ticket_events.c.id)).where(
    ticket_events.c.ticket_id == bindparam("b_ticket"))


def last_no_show(conn, hall_id: int, window_id: int, since):
    """The window's latest no_show or requeued event since a time (id, ticket_id, kind, data,
    at), or None."""
    return conn.execute(_LAST_NO_SHOW, {"b_hall": hall_id, "b_window": window_id,
                                        "b_since": since}).first()


def latest_event_id(conn, ticket_id: int) -> int | None:
    """The id of a ticket's latest event."""
    return conn.execute(_LATEST_EVENT_OF_TICKET, {"b_ticket": ticket_id}).scalar()
