"""The caller's actions at a window (叫号): call next, recall, finish, no-show, transfer, pause.

A ticket is never called at two windows. The call is a conditional update
(``… SET status='called' WHERE id = ? AND status = 'waiting'``) whose row count is checked, so a
ticket another window took in the meantime is skipped and the next one chosen. On PostgreSQL the
window's own row is locked first (one action per window at a time) and the chosen ticket is taken
with ``FOR UPDATE SKIP LOCKED``, so racing windows never wait on each other's candidate; on
SQLite the database's single writer lock serialises the whole transaction.
"""

from sqlalchemy import bindparam, func, insert, select, update

from queue_server.domain.calling import Candidate, choose_next
from queue_server.domain.errors import DomainError, invalid_request
from queue_server.domain.numbering import local_day
from queue_server.domain.tickets import check_recall, next_status
from queue_server.services import queues
from queue_server.services.counter import window_actor
from queue_server.services.context import Event
from queue_server.storage.types import Timestamp
from queue_server.storage.models import ticket_events, tickets, window_events, windows

MAX_CALL_ATTEMPTS = 64


# Statements built once (see services/tickets.py): the caller's hot path reuses their compiled
# form. Bind names differ from column names, which SQLAlchemy reserves in SET clauses.
_SELECT_WINDOW = select(windows).where(windows.c.id == bindparam("b_window"))
_SELECT_WINDOW_LOCKED = _SELECT_WINDOW.with_for_update()
_SELECT_TICKET = select(tickets).where(tickets.c.id == bindparam("b_ticket"))
_INSERT_EVENT = insert(ticket_events)
_SET_CURRENT = (update(windows).where(windows.c.id == bindparam("b_window"))
                .values(current_ticket_id=bindparam("b_current")))
_OPEN_WITH_CURRENT = _SET_CURRENT.values(state="open")
_END_TICKET = (update(tickets).where(tickets.c.id == bindparam("b_ticket"))
               .values(status=bindparam("b_status"), finished_at=bindparam("b_now", type_=Timestamp())))


def _locked_window(conn, window_id: int):
    query = _SELECT_WINDOW if conn.dialect.name == "sqlite" else _SELECT_WINDOW_LOCKED
    return conn.execute(query, {"b_window": window_id}).mappings().one()


def _current_ticket(conn, window_row):
    if window_row["current_ticket_id"] is None:
        return None
    return conn.execute(
        _SELECT_TICKET, {"b_ticket": window_row["current_ticket_id"]}
    ).mappings().one()


def _log(conn, ticket, kind, now, principal, window_id, data=None):
    conn.execute(_INSERT_EVENT, dict(
        ticket_id=ticket["id"], hall_id=ticket["hall_id"], kind=kind, at=now,
        service_id=ticket["service_id"], window_id=window_id, user_id=principal.user_id,
        device_id=principal.device_id, data=data,
    ))


def _close_current(conn, ticket, action, now, principal, window_id) -> dict:
    status = next_status(ticket["status"], action)
    conn.execute(_END_TICKET, {"b_ticket": ticket["id"], "b_status": status, "b_now": now})
    _log(conn, ticket, "finished" if action == "finish" else "no_show", now, principal, window_id)
    conn.execute(_SET_CURRENT, {"b_window": window_id, "b_current": None})
    return dict(ticket, status=status, finished_at=now)


_CANDIDATE_COLUMNS = (tickets.c.id, tickets.c.service_id, tickets.c.priority,
                      tickets.c.queued_at, tickets.c.target_window_id)
# The oldest waiting ticket of one service and one priority class: a seek on ix_tickets_queue
# (service, status, day, priority, queued_at, id), never a sort, however long the queue. The
# head of a queue is its oldest priority ticket, else its oldest normal one; the oldest of both
# classes is what the overdue rule looks at.
_OLDEST_OF_CLASS = (
    select(*_CANDIDATE_COLUMNS)
    .where(tickets.c.service_id == bindparam("service_id"), tickets.c.status == "waiting",
           tickets.c.local_date == bindparam("day"), tickets.c.priority == bindparam("priority"),
           tickets.c.target_window_id.is_(None))
    .order_by(tickets.c.queued_at, tickets.c.id).limit(1)
)
_OLDEST_TARGETED = (
    select(*_CANDIDATE_COLUMNS)
    .where(tickets.c.target_window_id == bindparam("window_id"), tickets.c.status == "waiting",
           tickets.c.local_date == bindparam("day"))
    .order_by(tickets.c.queued_at, tickets.c.id).limit(1)
)
# Tickets held by other windows' calls in flight are looked behind.
_NOT_SKIPPED = tickets.c.id.not_in(bindparam("skipped", expanding=True))
_OLDEST_OF_CLASS_SKIPPING = _OLDEST_OF_CLASS.where(_NOT_SKIPPED)
_OLDEST_TARGETED_SKIPPING = _OLDEST_TARGETED.where(_NOT_SKIPPED)


def _candidates(conn, window, day, skipped: set[int]) -> list[Candidate]:
    """The heads of the window's queues and of its transferred-here queue."""
    params = {"day": day}
    of_class, targeted = _OLDEST_OF_CLASS, _OLDEST_TARGETED
    if skipped:
        of_class, targeted = _OLDEST_OF_CLASS_SKIPPING, _OLDEST_TARGETED_SKIPPING
        params["skipped"] = list(skipped)
    rows = []
    for service_id in window.service_ids:
        for priority in (True, False):
            rows += conn.execute(of_class, dict(params, service_id=service_id, priority=priority))
    rows += conn.execute(targeted, dict(params, window_id=window.id))
    return [Candidate(r.id, r.service_id, bool(r.priority), r.queued_at,
                      r.target_window_id == window.id) for r in rows]


_TAKE_SKIP_LOCKED = (select(tickets.c.id)
                     .where(tickets.c.id == bindparam("b_ticket"), tickets.c.status == "waiting")
                     .with_for_update(skip_locked=True))
_CALL_TICKET = (
    update(tickets)
    .where(tickets.c.id == bindparam("b_ticket"), tickets.c.status == "waiting")
    .values(status="called", window_id=bindparam("b_window"),
            called_at=bindparam("b_now", type_=Timestamp()),
            first_called_at=func.coalesce(tickets.c.first_called_at,
                                          bindparam("b_now", type_=Timestamp())),
            staff_user_id=bindparam("b_staff"), target_window_id=None)
    .returning(*tickets.c)
)


def _take(conn, ticket_id: int) -> bool:
    """Lock the chosen waiting ticket; False when another window holds or took it."""
    if conn.dialect.name == "sqlite":
        return True  # the transaction already holds SQLite's single write lock
    return conn.execute(_TAKE_SKIP_LOCKED, {"b_ticket": ticket_id}).first() is not None


def _call_one(ctx, conn, hall, window, now, principal):
    """Call the next ticket for the window; returns its row, or None when nobody waits."""
    day = local_day(now, hall.timezone)
    max_wait = {s.id: s.max_wait_s for s in hall.services}
    skipped: set[int] = set()
    for _ in range(MAX_CALL_ATTEMPTS):
        choice = choose_next(_candidates(conn, window, day, skipped), window.service_ids,
                             max_wait, now, ctx.settings.call_policy)
        if choice is None:
            return None
        if _take(conn, choice.ticket_id):
            row = conn.execute(_CALL_TICKET, {
                "b_ticket": choice.ticket_id, "b_window": window.id, "b_now": now,
                "b_staff": principal.user_id}).mappings().first()
            if row is not None:  # None: another window took it in between
                return row
        skipped.add(choice.ticket_id)
    raise DomainError("busy", "too many windows calling at once; press again", 503)


def _window_event(hall, window, state, current=None, reason=None) -> Event:
    payload = {
        "hall": hall.code, "window": window.number, "window_name": window.name, "state": state,
        "reason": reason, "current": None,
    }
    if current is not None:
        service = hall.service_by_id(current["service_id"])
        payload["current"] = {"number": current["number"], "service": service.code,
                              "service_name": service.name}
    return Event("window_changed", hall.code, payload, window.number)


def _called_event(hall, window, ticket, recall: bool, now) -> Event:
    service = hall.service_by_id(ticket["service_id"])
    return Event("ticket_called", hall.code, {
        "hall": hall.code, "number": ticket["number"], "service": service.code,
        "service_name": service.name, "window": window.number, "window_name": window.name,
        "recall": recall, "recall_count": ticket["recall_count"],
        "called_at": queues.local_iso(now, hall),
    }, window.number)


def _prepare(ctx, principal, hall_code, window_number):
    """The hall, the window, now, and who acts (a caller keypad acts for the signed-in person)."""
    hall = ctx.halls.get(hall_code)
    window = hall.window(window_number)
    actor = window_actor(ctx, principal, hall, window)
    return hall, window, ctx.clock(), actor


def call_next(ctx, principal, hall_code: str, window_number: int) -> dict:
    hall, window, now, principal = _prepare(ctx, principal, hall_code, window_number)
    events = []
    with ctx.db.write() as conn:
        window_row = _locked_window(conn, window.id)
        if window_row["state"] == "paused":
            raise DomainError("window_paused", "the window is paused; resume it first", 409)
        current = _current_ticket(conn, window_row)
        if current is not None and current["status"] == "called":
            _close_current(conn, current, "finish", now, principal, window.id)
            events.append(Event("queue_changed", hall.code, {}))
            events.append(Event("ticket_finished", hall.code, {"ticket": current["id"]},
                                window.number))
        ticket = _call_one(ctx, conn, hall, window, now, principal)
        if ticket is not None:
            conn.execute(_OPEN_WITH_CURRENT, {"b_window": window.id, "b_current": ticket["id"]})
            _log(conn, ticket, "called", now, principal, window.id)
            view = queues.ticket_view(hall, ticket)
            events += [_called_event(hall, window, ticket, False, now),
                       _window_event(hall, window, "open", ticket),
                       Event("queue_changed", hall.code, {})]
        elif current is not None:
            events.append(_window_event(hall, window, "open"))
    ctx.publish(events)
    if ticket is None:
        raise DomainError("queue_empty", "nobody is waiting for this window", 404)
    return view


def recall(ctx, principal, hall_code: str, window_number: int) -> dict:
    hall, window, now, principal = _prepare(ctx, principal, hall_code, window_number)
    with ctx.db.write() as conn:
        current = _current_ticket(conn, _locked_window(conn, window.id))
        if current is None or current["status"] != "called":
            raise DomainError("no_current_ticket", "no ticket is being called here", 409)
        next_status(current["status"], "recall")
        check_recall(current["recall_count"], ctx.settings.recall_limit)
        conn.execute(update(tickets).where(tickets.c.id == current["id"])
                     .values(recall_count=tickets.c.recall_count + 1, called_at=now))
        _log(conn, current, "recalled", now, principal, window.id,
             {"recall_count": current["recall_count"] + 1})
        ticket = dict(current, recall_count=current["recall_count"] + 1, called_at=now)
    ctx.publish([_called_event(hall, window, ticket, True, now)])
    return queues.ticket_view(hall, ticket)


def _end_current(ctx, principal, hall_code, window_number, action) -> dict:
    hall, window, now, principal = _prepare(ctx, principal, hall_code, window_number)
    with ctx.db.write() as conn:
        current = _current_ticket(conn, _locked_window(conn, window.id))
        if current is None or current["status"] != "called":
            raise DomainError("no_current_ticket", "no ticket is being served here", 409)
        ticket = _close_current(conn, current, action, now, principal, window.id)
    events = [_window_event(hall, window, "open")]
    if action == "finish":  # the evaluator at the window asks the citizen to rate
        events.append(Event("ticket_finished", hall.code, {"ticket": ticket["id"]}, window.number))
    ctx.publish(events)
    return queues.ticket_view(hall, ticket)


def finish(ctx, principal, hall_code: str, window_number: int) -> dict:
    return _end_current(ctx, principal, hall_code, window_number, "finish")


def no_show(ctx, principal, hall_code: str, window_number: int) -> dict:
    return _end_current(ctx, principal, hall_code, window_number, "no_show")


def _transfer_target(hall, window, body: dict):
    has_service, has_window = body.get("service") is not None, body.get("window") is not None
    if has_service == has_window:
        raise invalid_request("give either a service or a window to transfer to")
    if has_service:
        return hall.service(body["service"]), None
    target = body["window"]
    if isinstance(target, bool) or not isinstance(target, int):
        raise invalid_request("window must be a window number")
    target_window = hall.window(target)
    if target_window.id == window.id:
        raise invalid_request("a ticket cannot be transferred to its own window")
    return None, target_window


def _check_not_waiting(conn, service_id: int, id_hash: str) -> None:
    """The one-ticket-per-person rule holds for transfers too (the unique index backs it)."""
    if conn.execute(select(tickets.c.id).where(
            tickets.c.service_id == service_id, tickets.c.id_hash == id_hash,
            tickets.c.status.in_(("waiting", "called")))).first():
        raise DomainError("already_waiting", "this person already holds a ticket for that "
                          "service; finish this one instead", 409)


def transfer(ctx, principal, hall_code: str, window_number: int, body: dict) -> dict:
    """Send the current ticket to another service's queue or to one window; it keeps its place
    in time (``queued_at``) and its number, and waits again."""
    hall, window, now, principal = _prepare(ctx, principal, hall_code, window_number)
    service, target_window = _transfer_target(hall, window, body)
    with ctx.db.write() as conn:
        current = _current_ticket(conn, _locked_window(conn, window.id))
        if current is None or current["status"] != "called":
            raise DomainError("no_current_ticket", "no ticket is being served here", 409)
        status = next_status(current["status"], "transfer")
        service_id = service.id if service else current["service_id"]
        if current["id_hash"] and service_id != current["service_id"]:
            _check_not_waiting(conn, service_id, current["id_hash"])
        conn.execute(update(tickets).where(tickets.c.id == current["id"]).values(
            status=status, service_id=service_id, window_id=None, recall_count=0,
            target_window_id=target_window.id if target_window else None))
        conn.execute(update(windows).where(windows.c.id == window.id).values(current_ticket_id=None))
        _log(conn, current, "transferred", now, principal, window.id, {
            "to_service": service.code if service else None,
            "to_window": target_window.number if target_window else None})
        ticket = dict(current, status=status, service_id=service_id, window_id=None, recall_count=0)
    ctx.publish([_window_event(hall, window, "open"), Event("queue_changed", hall.code, {})])
    return queues.ticket_view(hall, ticket)


def set_paused(ctx, principal, hall_code: str, window_number: int, paused: bool,
               reason=None) -> dict:
    hall, window, now, principal = _prepare(ctx, principal, hall_code, window_number)
    if reason is not None and (not isinstance(reason, str) or len(reason) > 200):
        raise invalid_request("reason must be a string of at most 200 characters")
    state = "paused" if paused else "open"
    with ctx.db.write() as conn:
        row = _locked_window(conn, window.id)
        changed = row["state"] != state
        if changed:
            conn.execute(update(windows).where(windows.c.id == window.id).values(
                state=state, pause_reason=reason if paused else None, state_changed_at=now))
            conn.execute(insert(window_events).values(
                hall_id=hall.id, window_id=window.id, kind="paused" if paused else "resumed",
                at=now, user_id=principal.user_id, reason=reason if paused else None))
        current = _current_ticket(conn, row)
        if current is not None and current["status"] != "called":
            current = None
    if changed:
        ctx.publish([_window_event(hall, window, state, current, reason if paused else None),
                     Event("queue_changed", hall.code, {})])
    return {"window": window.number, "window_name": window.name, "state": state,
            "reason": reason if paused else None, "changed": changed}
