"""The supervisor (电子监察): raises, re-levels and clears a hall's alerts; acknowledgements.

``run_once(ctx, now)`` reads the facts of every hall, asks ``domain.alerts`` which alerts should
be open, and applies the difference. It is safe with several server processes running it: an
alert is inserted with ``INSERT … ON CONFLICT DO NOTHING`` against the partial unique index on
open alerts ``(hall, kind, subject)``, and re-levelled or cleared with conditional updates whose
row count says which process did it; only that process pushes the change.

Hooks for other parts of the system: ``raise_device_fault`` / ``clear_device_fault`` (the kiosk
agent's printer faults) and ``device_seen`` (a device's socket connect or heartbeat).
"""

import logging
import time
from datetime import timedelta

from sqlalchemy import bindparam, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite

from queue_server.domain import alerts as rules
from queue_server.domain.errors import DomainError, invalid_request, not_found
from queue_server.domain.grades import BAD_GRADES
from queue_server.domain.hours import is_open
from queue_server.domain.numbering import local_day
from queue_server.services import queues
from queue_server.services.accounts import require_hall_manager
from queue_server.storage.models import alerts, devices, evaluations, tickets, windows

log = logging.getLogger(__name__)
PUSH_KEY = "supervision_push"
HEARTBEAT_EVERY_S = 60.0
REVIEW_LOOKBACK = timedelta(days=1)
_INSERT = {"sqlite": sqlite.insert(alerts).on_conflict_do_nothing().returning(alerts.c.id),
           "postgresql": postgresql.insert(alerts).on_conflict_do_nothing()
           .returning(alerts.c.id)}


def set_pusher(ctx, push) -> None:
    """``push(changes)`` sends alert changes to managers (set by the /supervision namespace)."""
    ctx.caches[PUSH_KEY] = push


def _push(ctx, changes: list[dict]) -> None:
    push = ctx.caches.get(PUSH_KEY)
    if push is not None and changes:
        push(changes)


# ---- facts ---------------------------------------------------------------------------------

def _service_limits(hall) -> dict:
    return {s.id: rules.ServiceLimits(
        s.id, s.max_wait_s, s.max_service_min * 60 if s.max_service_min else None,
        s.warn_waiting) for s in hall.services}


def _waiting_facts(conn, hall, limits, services, now) -> list:
    day, facts = local_day(now, hall.timezone), []
    for service in services.values():
        if not service.max_wait_s:
            continue
        # Only tickets already near the limit (a second's margin; the rule decides exactly).
        before = now - timedelta(seconds=service.max_wait_s * limits.warn_ratio - 1)
        rows = conn.execute(select(tickets.c.id, tickets.c.number, tickets.c.queued_at).where(
            tickets.c.service_id == service.id, tickets.c.status == "waiting",
            tickets.c.local_date == day, tickets.c.queued_at <= before))
        facts += [rules.TicketFact(r.id, r.number, service.id, r.queued_at) for r in rows]
    return facts


def _window_facts(conn, hall, now) -> tuple[list, list]:
    """Tickets being handled at the hall's windows, and the windows' pause state."""
    rows = conn.execute(
        select(windows.c.id, windows.c.number, windows.c.state, windows.c.state_changed_at,
               tickets.c.id.label("ticket_id"), tickets.c.number.label("ticket"),
               tickets.c.service_id, tickets.c.called_at, tickets.c.status)
        .outerjoin(tickets, tickets.c.id == windows.c.current_ticket_id)
        .where(windows.c.hall_id == hall.id, windows.c.active)).all()
    handling, window_facts = [], []
    for r in rows:
        if r.ticket_id is not None and r.status == "called" and r.called_at is not None:
            handling.append(rules.TicketFact(r.ticket_id, r.ticket, r.service_id, r.called_at,
                                             r.id))
        info = hall.window_by_id(r.id)
        in_hours = info is not None and any(
            is_open(hall.service_by_id(s).hours, now, hall.timezone) for s in info.service_ids)
        paused_since = (r.state_changed_at or now) if r.state == "paused" else None
        window_facts.append(rules.WindowFact(r.id, r.number, paused_since, in_hours,
                                             signed_in(conn, hall, r.id)))
    return handling, window_facts


def signed_in(conn, hall, window_id: int) -> bool | None:
    """Whether someone is signed in at the window (the counter's sign-in). False raises
    ``window_unattended`` while one of the window's services is open."""
    from queue_server.services.counter import is_signed_in

    return is_signed_in(conn, window_id)


def _device_facts(conn, hall) -> list:
    rows = conn.execute(select(devices.c.id, devices.c.name, devices.c.kind,
                               devices.c.last_seen_at)
                        .where(devices.c.hall_id == hall.id, devices.c.revoked_at.is_(None)))
    return [rules.DeviceFact(r.id, r.name, r.kind, r.last_seen_at) for r in rows]


def _review_facts(conn, hall, now) -> list:
    """Bad reviews of the last day that have had no alert yet (raised once, ever)."""
    already = exists().where(alerts.c.kind == rules.BAD_REVIEW,
                             alerts.c.ticket_id == evaluations.c.ticket_id)
    rows = conn.execute(
        select(evaluations.c.ticket_id, tickets.c.number, evaluations.c.service_id,
               evaluations.c.window_id, evaluations.c.grade)
        .join(tickets, tickets.c.id == evaluations.c.ticket_id)
        .where(evaluations.c.hall_id == hall.id, evaluations.c.grade.in_(BAD_GRADES),
               evaluations.c.created_at >= now - REVIEW_LOOKBACK, ~already))
    return [rules.ReviewFact(r.ticket_id, r.number, r.service_id, r.window_id, r.grade)
            for r in rows]


def wanted_alerts(conn, hall, now) -> list:
    limits = rules.hall_limits(hall.options)
    services = _service_limits(hall)
    handling, window_facts = _window_facts(conn, hall, now)
    counts = {s: queues.waiting_count(conn, s, local_day(now, hall.timezone))
              for s, limit in services.items() if limit.warn_waiting}
    return (rules.ticket_alerts(now, limits, services,
                                _waiting_facts(conn, hall, limits, services, now), handling)
            + rules.window_alerts(now, limits, window_facts)
            + rules.queue_alerts(limits, services, counts)
            + rules.device_alerts(now, limits, _device_facts(conn, hall))
            + rules.review_alerts(_review_facts(conn, hall, now)))


# ---- applying the difference -------------------------------------------------------------

def _open_alerts(conn, hall_id: int) -> dict:
    rows = conn.execute(select(alerts.c.id, alerts.c.kind, alerts.c.subject, alerts.c.level)
                        .where(alerts.c.hall_id == hall_id, alerts.c.cleared_at.is_(None))
                        .order_by(alerts.c.id))
    return {(r.kind, r.subject): r for r in rows}


_RELEVEL = (update(alerts).where(alerts.c.id == bindparam("b_id"), alerts.c.cleared_at.is_(None),
                                 alerts.c.level != bindparam("b_level"))
            .values(level=bindparam("b_level"), data=bindparam("b_data")))


def _clear(conn, alert_id: int, now) -> bool:
    return conn.execute(update(alerts).where(alerts.c.id == alert_id, alerts.c.cleared_at.is_(None))
                        .values(cleared_at=now)).rowcount == 1


def raise_alert(conn, hall_id: int, wanted: rules.Wanted, now) -> int | None:
    """Insert an open alert unless one is open for the same cause; its id, or None."""
    return conn.execute(_INSERT[conn.dialect.name], dict(
        hall_id=hall_id, kind=wanted.kind, subject=wanted.subject, level=wanted.level,
        ticket_id=wanted.ticket_id, window_id=wanted.window_id, service_id=wanted.service_id,
        device_id=wanted.device_id, raised_at=now, data=wanted.data or None)).scalar()


def _apply(conn, hall, now, wanted, open_alerts) -> list[tuple[str, int]]:
    """Insert, re-level and clear; always in the same order (by cause, then by id), so two
    processes applying at once on PostgreSQL take their row locks in the same order."""
    done = []
    for item in sorted(wanted, key=lambda w: w.key):
        current = open_alerts.get(item.key)
        if current is None:
            alert_id = raise_alert(conn, hall.id, item, now)
            if alert_id is not None:
                done.append(("alert_raised", alert_id))
        elif current.level != item.level and conn.execute(_RELEVEL, {
                "b_id": current.id, "b_level": item.level, "b_data": item.data}).rowcount:
            done.append(("alert_changed", current.id))
    keys = {w.key for w in wanted}
    for key, current in open_alerts.items():
        if key not in keys and current.kind in rules.CONDITION_KINDS and _clear(conn, current.id,
                                                                                now):
            done.append(("alert_cleared", current.id))
    return done


def _needs_change(wanted, open_alerts) -> bool:
    keys = {w.key for w in wanted}
    return any(open_alerts.get(w.key) is None or open_alerts[w.key].level != w.level
               for w in wanted) or any(k not in keys and r.kind in rules.CONDITION_KINDS
                                       for k, r in open_alerts.items())


def supervise_hall(ctx, hall, now) -> list[dict]:
    with ctx.db.read() as conn:  # the common case, nothing to change, never takes a write lock
        wanted = wanted_alerts(conn, hall, now)
        if not _needs_change(wanted, _open_alerts(conn, hall.id)):
            return []
    with ctx.db.write() as conn:
        done = _apply(conn, hall, now, wanted, _open_alerts(conn, hall.id))
    return _changes(ctx, hall, done)


def run_once(ctx, now=None) -> list[dict]:
    """One supervision pass over every hall; returns (and pushes) what this process changed."""
    now = now or ctx.clock()
    from queue_server.services import followup

    changes = []
    for hall in ctx.halls.all():
        changes += supervise_hall(ctx, hall, now)
        # Bad reviews open follow-up cases; an overdue case raises its own alert.
        overdue = followup.check_hall(ctx, hall, now)
        changes += _changes(ctx, hall, [("alert_raised", alert_id) for alert_id in overdue])
    _push(ctx, changes)
    return changes


# ---- views, acknowledgement, device hooks ------------------------------------------------

def _alert_rows(conn, where, limit=500) -> list:
    return conn.execute(
        select(alerts, tickets.c.number.label("ticket_number"),
               devices.c.name.label("device_name"))
        .outerjoin(tickets, tickets.c.id == alerts.c.ticket_id)
        .outerjoin(devices, devices.c.id == alerts.c.device_id)
        .where(*where).order_by(alerts.c.raised_at.desc(), alerts.c.id.desc()).limit(limit)
    ).mappings().all()


def alert_view(hall, row) -> dict:
    """The JSON form of an alert (contract fields: id, kind, ticket, window, raised_at,
    cleared_at; the rest added for the dashboard)."""
    window = hall.window_by_id(row["window_id"])
    service = hall.service_by_id(row["service_id"]) if row["service_id"] else None
    return {
        "id": row["id"], "hall": hall.code, "kind": row["kind"], "level": row["level"],
        "ticket": row["ticket_number"], "window": window.number if window else None,
        "window_name": window.name if window else None,
        "service": service.code if service else None,
        "service_name": service.name if service else None,
        "device": row["device_name"],
        "raised_at": queues.local_iso(row["raised_at"], hall),
        "cleared_at": queues.local_iso(row["cleared_at"], hall),
        "acknowledged_at": queues.local_iso(row["acknowledged_at"], hall),
        "note": row["ack_note"], "data": row["data"],
    }


def _changes(ctx, hall, done) -> list[dict]:
    if not done:
        return []
    with ctx.db.read() as conn:
        rows = {r["id"]: r for r in _alert_rows(conn, [alerts.c.id.in_([i for _, i in done])])}
    return [{"event": event, "hall": hall.code, "alert": alert_view(hall, rows[i])}
            for event, i in done if i in rows]


def list_alerts(ctx, principal, hall_code: str, active_only: bool = False) -> list[dict]:
    """Open alerts and those raised in the last day, newest first."""
    hall = ctx.halls.get(hall_code)
    require_hall_manager(principal, hall.id)
    where = [alerts.c.hall_id == hall.id]
    if active_only:
        where.append(alerts.c.cleared_at.is_(None))
    else:
        where.append(alerts.c.cleared_at.is_(None)
                     | (alerts.c.raised_at >= ctx.clock() - timedelta(days=1)))
    with ctx.db.read() as conn:
        return [alert_view(hall, r) for r in _alert_rows(conn, where)]


def acknowledge(ctx, principal, alert_id: int, body: dict) -> dict:
    """A manager has seen the alert and says what was done (the note); a bad review's
    acknowledgement is its follow-up and clears it."""
    note = body.get("note")
    if not isinstance(note, str) or not note.strip() or len(note) > 500:
        raise invalid_request("note must be a non-empty string of at most 500 characters")
    now = ctx.clock()
    with ctx.db.write() as conn:
        row = conn.execute(select(alerts).where(alerts.c.id == alert_id)).mappings().first()
        if row is None:
            raise not_found("unknown_alert", f"no alert {alert_id}")
        hall = ctx.halls.by_id(row["hall_id"])
        require_hall_manager(principal, hall.id)
        if row["acknowledged_at"] is not None:
            raise DomainError("already_acknowledged", "this alert has been acknowledged", 409)
        values = dict(acknowledged_at=now, acknowledged_by=principal.user_id,
                      ack_note=note.strip())
        clears = row["kind"] in rules.CLEARED_BY_ACKNOWLEDGEMENT and row["cleared_at"] is None
        if clears:
            values["cleared_at"] = now
        conn.execute(update(alerts).where(alerts.c.id == alert_id).values(**values))
    changes = _changes(ctx, hall, [("alert_cleared" if clears else "alert_changed", alert_id)])
    _push(ctx, changes)
    return changes[0]["alert"]


def raise_device_fault(ctx, device_id: int, fault: str, detail: str | None = None,
                       level: str = rules.RED) -> int | None:
    """Hook for the kiosk agent's reports (``fault`` e.g. ``paper_out``, ``offline``): one open
    alert per device and fault, however often it is reported. Returns the new alert's id."""
    now = ctx.clock()
    with ctx.db.write() as conn:
        device = conn.execute(select(devices.c.hall_id, devices.c.name, devices.c.window_id)
                              .where(devices.c.id == device_id)).first()
        if device is None:
            raise not_found("unknown_device", f"no device {device_id}")
        wanted = rules.Wanted(rules.DEVICE_FAULT, rules.fault_subject(device_id, fault), level,
                              window_id=device.window_id, device_id=device_id,
                              data={"fault": fault, "detail": detail, "device": device.name})
        alert_id = raise_alert(conn, device.hall_id, wanted, now)
    if alert_id is not None:
        _push(ctx, _changes(ctx, ctx.halls.by_id(device.hall_id), [("alert_raised", alert_id)]))
    return alert_id


def clear_device_fault(ctx, device_id: int, fault: str) -> bool:
    """The fault is gone (paper loaded, printer back): clears its open alert, if any."""
    now = ctx.clock()
    with ctx.db.write() as conn:
        row = conn.execute(select(alerts.c.id, alerts.c.hall_id).where(
            alerts.c.kind == rules.DEVICE_FAULT, alerts.c.cleared_at.is_(None),
            alerts.c.subject == rules.fault_subject(device_id, fault))).first()
        cleared = row is not None and _clear(conn, row.id, now)
    if cleared:
        _push(ctx, _changes(ctx, ctx.halls.by_id(row.hall_id), [("alert_cleared", row.id)]))
    return cleared


def device_seen(ctx, token_hash: str | None = None, device_id: int | None = None) -> bool:
    """Heartbeat: a device's request or socket connect. Writes ``last_seen_at`` at most once a
    minute per device and process (a dictionary lookup otherwise). True when it wrote."""
    key = token_hash or f"id:{device_id}"
    seen = ctx.caches.setdefault("device_heartbeat", {})
    if time.monotonic() - seen.get(key, float("-inf")) < HEARTBEAT_EVERY_S:
        return False
    if len(seen) > 10000:
        seen.clear()
    seen[key] = time.monotonic()
    where = (devices.c.token_hash == token_hash if token_hash else devices.c.id == device_id)
    with ctx.db.write() as conn:
        return conn.execute(update(devices).where(where, devices.c.revoked_at.is_(None))
                            .values(last_seen_at=ctx.clock())).rowcount == 1
