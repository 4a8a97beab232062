"""Queries of the alerts table (电子监察) and of the facts the supervisor reads to raise them.

Every function takes an open connection; the caller owns the transaction. Safe with several
server processes: an alert is inserted with ``INSERT … ON CONFLICT DO NOTHING`` against the
partial unique index on open alerts ``(hall, kind, subject)``, and re-levelled or cleared with
conditional updates whose row count says whether this call did it.
"""

from sqlalchemy import bindparam, exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from queue_server.domain.alerts import BAD_REVIEW, Wanted
from queue_server.storage.models import alerts, devices, evaluations, tickets, windows

# Prebuilt once: the supervision pass runs every few seconds for every hall.
_INSERT = {"sqlite": sqlite.insert(alerts).on_conflict_do_nothing().returning(alerts.c.id),
           "postgresql": postgresql.insert(alerts).on_conflict_do_nothing()
           .returning(alerts.c.id)}
_RELEVEL = (update(alerts).where(alerts.c.id == bindparam("b_id"), alerts.c.cleared_at.is_(None),
                                 alerts.c.level != bindparam("b_level"))
            .values(level=bindparam("b_level"), data=bindparam("b_data")))


# ---- the alerts themselves ---------------------------------------------------------------

def open_alerts(conn, hall_id: int, but_kind: str | None = None) -> dict:
    """The hall's open alerts by cause ``(kind, subject)``: rows of id, kind, subject, level;
    all but those of ``but_kind`` when given (two ranges of ``uq_alerts_open_subject``)."""
    where = [alerts.c.hall_id == hall_id, alerts.c.cleared_at.is_(None)]
    if but_kind is not None:
        where.append(or_(alerts.c.kind < but_kind, alerts.c.kind > but_kind))
    rows = conn.execute(select(alerts.c.id, alerts.c.kind, alerts.c.subject, alerts.c.level)
                        .where(*where).order_by(alerts.c.id))
    return {(r.kind, r.subject): r for r in rows}


def open_alert(conn, kind: str, subject: str, hall_id: int | None = None):
    """The open alert of one cause (id, hall_id), or None; any hall when ``hall_id`` is None."""
    where = [alerts.c.kind == kind, alerts.c.subject == subject, alerts.c.cleared_at.is_(None)]
    if hall_id is not None:
        where.append(alerts.c.hall_id == hall_id)
    return conn.execute(select(alerts.c.id, alerts.c.hall_id).where(*where)).first()


def raise_alert(conn, hall_id: int, wanted: Wanted, now) -> int | None:
    """Insert an open alert unless one is open for the same cause; its id, or None."""
    return conn.execute(_INSERT[conn.dialect.name], dict(
        hall_id=hall_id, kind=wanted.kind, subject=wanted.subject, level=wanted.level,
        ticket_id=wanted.ticket_id, window_id=wanted.window_id, service_id=wanted.service_id,
        device_id=wanted.device_id, raised_at=now, data=wanted.data or None)).scalar()


def raise_many(conn, hall_id: int, wanted: list[Wanted], now) -> dict:
    """Insert open alerts in one statement, skipping causes that have one open already:
    subject -> id of those inserted."""
    if not wanted:
        return {}
    rows = [dict(hall_id=hall_id, kind=w.kind, subject=w.subject, level=w.level,
                 ticket_id=w.ticket_id, window_id=w.window_id, service_id=w.service_id,
                 device_id=w.device_id, raised_at=now, data=w.data or None) for w in wanted]
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = (dialect.insert(alerts).values(rows).on_conflict_do_nothing()
            .returning(alerts.c.subject, alerts.c.id))
    return dict(conn.execute(stmt).all())


def relevel_many(conn, changes: list[tuple[int, str, dict]]) -> None:
    """Re-level open alerts (id, level, data) in one batch."""
    if changes:
        conn.execute(_RELEVEL, [{"b_id": i, "b_level": level, "b_data": data}
                                for i, level, data in changes])


def clear_many(conn, alert_ids: list[int], now) -> set[int]:
    """Clear the open alerts among ``alert_ids``: the ids this call cleared."""
    if not alert_ids:
        return set()
    return set(conn.execute(update(alerts).where(alerts.c.id.in_(alert_ids),
                                                 alerts.c.cleared_at.is_(None))
                            .values(cleared_at=now).returning(alerts.c.id)).scalars())


def relevel(conn, alert_id: int, level: str, data) -> bool:
    """Change an open alert's level; False when it is cleared or already at that level."""
    return conn.execute(_RELEVEL, {"b_id": alert_id, "b_level": level,
                                   "b_data": data}).rowcount == 1


def clear(conn, alert_id: int, now) -> bool:
    """Clear an open alert; False when it was already cleared (by another process)."""
    return conn.execute(update(alerts).where(alerts.c.id == alert_id, alerts.c.cleared_at.is_(None))
                        .values(cleared_at=now)).rowcount == 1


def alert(conn, alert_id: int):
    """One alert's row (a mapping), or None."""
    return conn.execute(select(alerts).where(alerts.c.id == alert_id)).mappings().first()


def acknowledge(conn, alert_id: int, user_id: int | None, note: str, now, clears: bool) -> None:
    """Record a manager's acknowledgement; ``clears`` also clears the alert."""
    values = dict(acknowledged_at=now, acknowledged_by=user_id, ack_note=note)
    if clears:
        values["cleared_at"] = now
    conn.execute(update(alerts).where(alerts.c.id == alert_id).values(**values))


def _views(conn, where, limit=500) -> list:
    return conn.execute(
        select(alerts, tickets.c.number.label("ticket_number"),
               devices.c.name.label("device_name"))
        .outerjoin(tickets, tickets.c.id == alerts.c.ticket_id)
        .outerjoin(devices, devices.c.id == alerts.c.device_id)
        .where(*where).order_by(alerts.c.raised_at.desc(), alerts.c.id.desc()).limit(limit)
    ).mappings().all()


def alert_views(conn, alert_ids: list[int]) -> list:
    """Alerts by id with their ticket's number and device's name (mappings), newest first;
    every one asked for (a supervision pass changes at most a thousand or so)."""
    return _views(conn, [alerts.c.id.in_(alert_ids)], limit=None)


def hall_alert_views(conn, hall_id: int, raised_since=None) -> list:
    """A hall's open alerts, plus (when ``raised_since`` is given) those raised since then,
    newest first, at most 500; same shape as ``alert_views``."""
    recent = alerts.c.cleared_at.is_(None)
    if raised_since is not None:
        recent = recent | (alerts.c.raised_at >= raised_since)
    return _views(conn, [alerts.c.hall_id == hall_id, recent])


# ---- the facts the supervisor reads ------------------------------------------------------

def waiting_since(conn, service_id: int, day, queued_before) -> list:
    """Today's waiting tickets of a service queued at or before a time (id, number, queued_at)."""
    return conn.execute(select(tickets.c.id, tickets.c.number, tickets.c.queued_at).where(
        tickets.c.service_id == service_id, tickets.c.status == "waiting",
        tickets.c.local_date == day, tickets.c.queued_at <= queued_before)).all()


def windows_with_tickets(conn, hall_id: int) -> list:
    """The hall's active windows with their state and the ticket at each (outer join)."""
    return conn.execute(
        select(windows.c.id, windows.c.number, windows.c.state, windows.c.state_changed_at,
               tickets.c.id.label("ticket_id"), tickets.c.number.label("ticket"),
               tickets.c.service_id, tickets.c.called_at, tickets.c.status)
        .outerjoin(tickets, tickets.c.id == windows.c.current_ticket_id)
        .where(windows.c.hall_id == hall_id, windows.c.active)).all()


def bad_reviews_without_alert(conn, hall_id: int, grades, since) -> list:
    """Reviews of the given grades since a time whose ticket has no bad-review alert yet
    (ticket_id, number, service_id, window_id, grade)."""
    already = exists().where(alerts.c.kind == BAD_REVIEW,
                             alerts.c.ticket_id == evaluations.c.ticket_id)
    return conn.execute(
        select(evaluations.c.ticket_id, tickets.c.number, evaluations.c.service_id,
               evaluations.c.window_id, evaluations.c.grade)
        .join(tickets, tickets.c.id == evaluations.c.ticket_id)
        .where(evaluations.c.hall_id == hall_id, evaluations.c.grade.in_(grades),
               evaluations.c.created_at >= since, ~already)).all()
