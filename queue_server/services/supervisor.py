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
import time as time_module
from datetime import time, timedelta

from queue_server.caching import ttl_cache
from queue_server.domain import alerts as rules
from queue_server.domain.bookings import slot_utc
from queue_server.domain.commands import AcknowledgeAlert
from queue_server.domain.errors import DomainError, not_found
from queue_server.domain.grades import BAD_GRADES
from queue_server.domain.hours import open_since, parse_hours
from queue_server.domain.numbering import local_day
from queue_server.services import cases, queues
from queue_server.services.accounts import require_hall_manager, require_hall_watcher
from queue_server.storage import alerts as stored
from queue_server.storage import bookings as stored_bookings
from queue_server.storage import cases as stored_cases
from queue_server.storage import devices as stored_devices
from queue_server.storage import sessions
from queue_server.storage import tickets as stored_tickets

log = logging.getLogger(__name__)
PUSH_KEY = "supervision_push"
# When this process began supervising: a window's 空岗 grace also counts from then, since a
# server that just started (the morning start, the demo) cannot know who was expected before.
STARTED_KEY = "supervision_started_at"
HEARTBEAT_EVERY_S = 60.0
REVIEW_LOOKBACK = timedelta(days=1)
# Deadline batches after a full one in the same pass (a bulk load of 49,000 due cases is
# levelled in ~10 passes rather than ~200).
MORE_DEADLINE_BATCHES = 19


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
        rows = stored.waiting_since(conn, service.id, day, before)
        facts += [rules.TicketFact(r.id, r.number, service.id, r.queued_at) for r in rows]
    return facts


def _window_facts(ctx, conn, hall, now) -> tuple[list, list]:
    """Tickets being handled at the hall's windows, and the windows' pause and staffing."""
    rows = stored.windows_with_tickets(conn, hall.id)
    signed_out = sessions.last_sign_outs(conn, hall.id)
    started = ctx.caches.setdefault(STARTED_KEY, now)
    handling, window_facts = [], []
    for r in rows:
        serving = r.ticket_id is not None and r.status == "called" and r.called_at is not None
        if serving:
            handling.append(rules.TicketFact(r.ticket_id, r.ticket, r.service_id, r.called_at,
                                             r.id))
        hours_began = window_open_since(hall, hall.window_by_id(r.id), now)
        paused_since = (r.state_changed_at or now) if r.state == "paused" else None
        since = max(t for t in (hours_began, signed_out.get(r.id), started) if t is not None)
        window_facts.append(rules.WindowFact(
            r.id, r.number, paused_since, hours_began is not None,
            serving or signed_in(conn, hall, r.id), unattended_since=since))
    return handling, window_facts


def window_open_since(hall, window, now):
    """When the window's current opening period began (UTC), None outside its hours.

    A window is open while one of its services is. A service without hours of its own follows
    the hall option ``staffed_hours`` (e.g. ``["08:30-12:00", "14:00-17:30"]``) and is always
    open when the hall sets none."""
    if window is None:
        return None
    fallback = staffed_hours(hall)
    starts = [open_since(hall.service_by_id(s).hours or fallback, now, hall.timezone)
              for s in window.service_ids]
    return min((t for t in starts if t is not None), default=None)


def staffed_hours(hall) -> tuple:
    """The hall option ``staffed_hours`` parsed (load-config checked it), () when unset."""
    try:
        return parse_hours(hall.options.get("staffed_hours"))
    except DomainError:
        return ()


def signed_in(conn, hall, window_id: int) -> bool | None:
    """Whether someone is signed in at the window (the counter's sign-in). False raises
    ``window_unattended`` while one of the window's services is open, after the grace."""
    return sessions.open_session(conn, window_id=window_id) is not None


def _device_facts(conn, hall) -> list:
    return [rules.DeviceFact(r.id, r.name, r.kind, r.last_seen_at)
            for r in stored_devices.live_devices(conn, hall.id)]


def _review_facts(conn, hall, now) -> list:
    """Bad reviews of the last day that have had no alert yet (raised once, ever)."""
    rows = stored.bad_reviews_without_alert(conn, hall.id, BAD_GRADES, now - REVIEW_LOOKBACK)
    return [rules.ReviewFact(r.ticket_id, r.number, r.service_id, r.window_id, r.grade)
            for r in rows]


def wanted_alerts(ctx, conn, hall, now) -> list:
    """Every alert that should be open but the 限时办结 ones (``cases.deadline_changes``)."""
    limits = rules.hall_limits(hall.options)
    services = _service_limits(hall)
    handling, window_facts = _window_facts(ctx, conn, hall, now)
    counts = {s: stored_tickets.waiting_count(conn, s, local_day(now, hall.timezone))
              for s, limit in services.items() if limit.warn_waiting}
    return (rules.ticket_alerts(now, limits, services,
                                _waiting_facts(conn, hall, limits, services, now), handling)
            + rules.window_alerts(now, limits, window_facts)
            + rules.queue_alerts(limits, services, counts)
            + rules.device_alerts(now, limits, _device_facts(conn, hall))
            + rules.review_alerts(_review_facts(conn, hall, now))
            + _booked_wait_alerts(conn, hall, limits, now))


def _booked_wait_alerts(conn, hall, limits, now) -> list:
    """预约超时等候, for halls whose services take bookings."""
    limit_s = rules.booked_wait_limit_s(hall.options)
    if not hall.options.get("booking") or limit_s is None:
        return []
    day, facts = local_day(now, hall.timezone), []
    for row in stored_bookings.waiting_booked(conn, hall.id, day):
        begun = slot_utc(day, time.fromisoformat(row.slot_start), hall.timezone)
        facts.append(rules.TicketFact(row.id, row.number, row.service_id,
                                      max(row.issued_at, begun)))
    return rules.booked_wait_alerts(now, limits, limit_s, facts)


# ---- applying the difference -------------------------------------------------------------

def _plan(wanted, open_alerts) -> tuple[list, list, list]:
    """What to raise (the wanted items not open), re-level (``(open alert, item)`` whose level
    differs) and clear (open condition alerts no longer wanted); the items in the same order
    every time (by cause), so two processes applying at once on PostgreSQL take their row
    locks in the same order."""
    to_raise, to_relevel = [], []
    for item in sorted(wanted, key=lambda w: w.key):
        current = open_alerts.get(item.key)
        if current is None:
            to_raise.append(item)
        elif current.level != item.level:
            to_relevel.append((current, item))
    keys = {w.key for w in wanted}
    to_clear = [current for key, current in open_alerts.items()
                if key not in keys and current.kind in rules.CONDITION_KINDS]
    return to_raise, to_relevel, to_clear


def _apply(conn, hall, now, plan) -> list[tuple[str, int]]:
    """Carry out a plan. Each statement is conditional (an open alert is raised once, by the
    unique index; only an open alert is re-levelled or cleared), so a plan read a moment
    before, outside the write lock, is applied safely; what another process changed meanwhile
    is left, and the next pass puts right what is still off."""
    to_raise, to_relevel, to_clear = plan
    done = []
    for item in to_raise:
        alert_id = stored.raise_alert(conn, hall.id, item, now)
        if alert_id is not None:
            done.append(("alert_raised", alert_id))
    for current, item in to_relevel:
        if stored.relevel(conn, current.id, item.level, item.data):
            done.append(("alert_changed", current.id))
    for current in to_clear:
        if stored.clear(conn, current.id, now):
            done.append(("alert_cleared", current.id))
    return done


def _apply_deadlines(conn, hall, now, changes) -> list[tuple[str, int]]:
    """Carry out the 限时办结 changes (``services.cases.deadline_changes``) in a few batched
    statements. The cases' levels are moved first, conditionally
    (``stored_cases.claim_alert_levels``): only the process that moved a case's level raises,
    re-levels or clears its alert, so two processes sweeping at once, or a case closing
    meanwhile, never raise an alert twice or lose one. The alert is found by the id kept on
    the case (its primary key: no search among tens of thousands of open alerts)."""
    changes = sorted(changes, key=lambda c: c.case_id)
    claimed = stored_cases.claim_alert_levels(conn, [
        {"id": c.case_id, "was": c.was, "level": c.level, "due_on": c.due_on,
         "closed": c.closed} for c in changes])
    moved = [c for c in changes if c.case_id in claimed and c.level != c.was]
    ids = {c.case_id: c.alert_id if c.was is not None else None for c in moved}
    for c in moved:
        if ids[c.case_id] is None and c.was is not None:  # kept before the id was
            ids[c.case_id] = _open_deadline_alert_id(conn, hall, c.case_id)
    done = [("alert_cleared", i) for i in sorted(stored.clear_many(
        conn, [ids[c.case_id] for c in moved if c.level is None and ids[c.case_id]], now))]
    relevels = [c for c in moved if c.level is not None and ids[c.case_id] is not None]
    stored.relevel_many(conn, [(ids[c.case_id], c.level, c.wanted.data) for c in relevels])
    done += [("alert_changed", ids[c.case_id]) for c in relevels]
    raises = [c for c in moved if c.level is not None and ids[c.case_id] is None]
    raised = stored.raise_many(conn, hall.id, [c.wanted for c in raises], now)
    for c in raises:
        alert_id = raised.get(c.wanted.subject)
        if alert_id is not None:
            done.append(("alert_raised", alert_id))
        else:  # one was open for the case already (left from before): adopt it
            alert_id = _open_deadline_alert_id(conn, hall, c.case_id)
            if alert_id is not None and stored.relevel(conn, alert_id, c.level, c.wanted.data):
                done.append(("alert_changed", alert_id))
        ids[c.case_id] = alert_id
    stored_cases.set_alert_ids(conn, {c.case_id: None if c.level is None else ids[c.case_id]
                                      for c in moved})
    return done


def _open_deadline_alert_id(conn, hall, case_id: int) -> int | None:
    current = stored.open_alert(conn, rules.CASE_DEADLINE, f"case:{case_id}", hall.id)
    return current.id if current is not None else None


def supervise_hall(ctx, hall, now) -> list[dict]:
    """Raise, re-level and clear the hall's alerts. The other kinds are compared with their
    open alerts; the deadline alerts (tens of thousands open in a big centre) are not read at
    all: only the cases whose level changes today are (``cases.deadline_changes``). The reads
    run before the write lock is taken, which is held only for the statements that change
    something (each conditional, so a plan read a moment before is applied safely), so ticket
    issuing never waits behind the reading."""
    with ctx.db.read() as conn:
        plan = _plan(wanted_alerts(ctx, conn, hall, now),
                     stored.open_alerts(conn, hall.id, but_kind=rules.CASE_DEADLINE))
        deadlines = cases.deadline_changes(conn, hall, now)
    if not any(plan) and not deadlines:
        return []
    with ctx.db.write() as conn:
        done = _apply(conn, hall, now, plan) + _apply_deadlines(conn, hall, now, deadlines)
    # A full batch (a bulk load, the day after a long holiday): a few more, letting requests
    # in between (``time.sleep(0)`` yields to the eventlet hub or another thread).
    for _ in range(MORE_DEADLINE_BATCHES):
        if len(deadlines) < cases.SWEEP_BATCH:
            break
        time_module.sleep(0)
        with ctx.db.read() as conn:
            deadlines = cases.deadline_changes(conn, hall, now)
        with ctx.db.write() as conn:
            done += _apply_deadlines(conn, hall, now, deadlines)
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
        rows = {r["id"]: r for r in stored.alert_views(conn, [i for _, i in done])}
    return [{"event": event, "hall": hall.code, "alert": alert_view(hall, rows[i])}
            for event, i in done if i in rows]


def list_alerts(ctx, principal, hall_code: str, active_only: bool = False) -> list[dict]:
    """Open alerts and those raised in the last day, newest first."""
    hall = ctx.halls.get(hall_code)
    require_hall_watcher(principal, hall.id)
    return hall_alerts(ctx, hall, active_only)


def hall_alerts(ctx, hall, active_only: bool = False) -> list[dict]:
    """``list_alerts`` for a caller that has checked who may see ``hall`` (``/supervision``
    checks a manager's whole subtree)."""
    since = None if active_only else ctx.clock() - timedelta(days=1)
    with ctx.db.read() as conn:
        return [alert_view(hall, r) for r in stored.hall_alert_views(conn, hall.id, since)]


def require_alert_manager(ctx, principal, alert_id: int, conn=None):
    """The alert's row, for a manager of its hall (404 ``unknown_alert``, 403 otherwise)."""
    if conn is None:
        with ctx.db.read() as own:
            return require_alert_manager(ctx, principal, alert_id, own)
    row = stored.alert(conn, alert_id)
    if row is None:
        raise not_found("unknown_alert", f"no alert {alert_id}")
    require_hall_manager(principal, row["hall_id"])
    return row


def acknowledge(ctx, principal, alert_id: int, command: AcknowledgeAlert) -> dict:
    """A manager has seen the alert and says what was done (the note); a bad review's
    acknowledgement is its follow-up and clears it."""
    note = command.note
    now = ctx.clock()
    with ctx.db.write() as conn:
        row = require_alert_manager(ctx, principal, alert_id, conn)
        hall = ctx.halls.by_id(row["hall_id"])
        if row["acknowledged_at"] is not None:
            raise DomainError("already_acknowledged", "this alert has been acknowledged")
        clears = row["kind"] in rules.CLEARED_BY_ACKNOWLEDGEMENT and row["cleared_at"] is None
        stored.acknowledge(conn, alert_id, principal.user_id, note, now, clears)
    changes = _changes(ctx, hall, [("alert_cleared" if clears else "alert_changed", alert_id)])
    _push(ctx, changes)
    return changes[0]["alert"]


def raise_device_fault(ctx, device_id: int, fault: str, detail: str | None = None,
                       level: str = rules.RED) -> int | None:
    """Hook for the kiosk agent's reports (``fault`` e.g. ``paper_out``, ``offline``): one open
    alert per device and fault, however often it is reported. Returns the new alert's id."""
    now = ctx.clock()
    with ctx.db.write() as conn:
        device = stored_devices.device_place(conn, device_id)
        if device is None:
            raise not_found("unknown_device", f"no device {device_id}")
        wanted = rules.Wanted(rules.DEVICE_FAULT, rules.fault_subject(device_id, fault), level,
                              window_id=device.window_id, device_id=device_id,
                              data={"fault": fault, "detail": detail, "device": device.name})
        alert_id = stored.raise_alert(conn, device.hall_id, wanted, now)
    if alert_id is not None:
        _push(ctx, _changes(ctx, ctx.halls.by_id(device.hall_id), [("alert_raised", alert_id)]))
    return alert_id


def raise_issue_burst(ctx, hall_id: int, scope: str, count: int,
                      device_id: int | None = None) -> int | None:
    """Real-name tickets came faster than a kiosk's (``scope="kiosk"``) or the hall's limit:
    one open alert per cause until a manager acknowledges it. Returns the new alert's id."""
    subject = f"burst:device:{device_id}" if scope == "kiosk" else "burst:hall"
    wanted = rules.Wanted(rules.ISSUE_BURST, subject, rules.RED, device_id=device_id,
                          data={"scope": scope, "count": count})
    with ctx.db.write() as conn:
        alert_id = stored.raise_alert(conn, hall_id, wanted, ctx.clock())
    if alert_id is not None:
        _push(ctx, _changes(ctx, ctx.halls.by_id(hall_id), [("alert_raised", alert_id)]))
    return alert_id


def clear_device_fault(ctx, device_id: int, fault: str) -> bool:
    """The fault is gone (paper loaded, printer back): clears its open alert, if any."""
    now = ctx.clock()
    with ctx.db.write() as conn:
        row = stored.open_alert(conn, rules.DEVICE_FAULT, rules.fault_subject(device_id, fault))
        cleared = row is not None and stored.clear(conn, row.id, now)
    if cleared:
        _push(ctx, _changes(ctx, ctx.halls.by_id(row.hall_id), [("alert_cleared", row.id)]))
    return cleared


def window_attended(ctx, hall, window_id: int) -> bool:
    """Hook for the counter's sign-in: the window's 空岗 alert clears at once (not at the next
    supervision pass). True when this call cleared one."""
    with ctx.db.write() as conn:
        row = stored.open_alert(conn, rules.WINDOW_UNATTENDED, f"window:{window_id}", hall.id)
        cleared = row is not None and stored.clear(conn, row.id, ctx.clock())
    if cleared:
        _push(ctx, _changes(ctx, hall, [("alert_cleared", row.id)]))
    return cleared


def device_seen(ctx, token_hash: str | None = None, device_id: int | None = None) -> bool:
    """Heartbeat: a device's request or socket connect. Writes ``last_seen_at`` at most once a
    minute per device and process (a dictionary lookup otherwise). True when it wrote."""
    key = token_hash or f"id:{device_id}"
    seen = ttl_cache(ctx, "device_heartbeat", HEARTBEAT_EVERY_S)
    if seen.peek(key, False):
        return False
    seen.put(key, True)
    with ctx.db.write() as conn:
        return stored_devices.touch_last_seen(conn, ctx.clock(), token_hash, device_id)
