"""The caller's actions at a window (叫号): call next, recall, finish, no-show, transfer, pause.

A ticket is never called at two windows. The call is a conditional update
(``… SET status='called' WHERE id = ? AND status = 'waiting'``) whose row count is checked, so a
ticket another window took in the meantime is skipped and the next one chosen. On PostgreSQL the
window's own row is locked first (one action per window at a time) and the chosen ticket is taken
with ``FOR UPDATE SKIP LOCKED``, so racing windows never wait on each other's candidate; on
SQLite the database's single writer lock serialises the whole transaction.
"""

from queue_server.domain.calling import Candidate, choose_next
from queue_server.domain.commands import ANY_CURRENT, CallNext, TransferTicket
from queue_server.domain.errors import DomainError, invalid_request
from queue_server.domain.numbering import local_day
from queue_server.domain.tickets import check_recall, next_status
from queue_server.services import bookings, queues
from queue_server.services.counter import window_actor
from queue_server.services.context import Event
from queue_server.storage import tickets as stored
from queue_server.storage import windows as stored_windows
from queue_server.storage.tickets import take as _take  # (a module name tests can replace)

MAX_CALL_ATTEMPTS = 64


def _current_ticket(conn, window_row):
    if window_row["current_ticket_id"] is None:
        return None
    return stored.ticket(conn, window_row["current_ticket_id"])


def _close_current(conn, ticket, action, now, principal, window_id) -> dict:
    status = next_status(ticket["status"], action)
    stored.end(conn, ticket["id"], status, now)
    stored.log(conn, ticket, "finished" if action == "finish" else "no_show", now, principal,
               window_id)
    stored_windows.set_current(conn, window_id, None)
    return dict(ticket, status=status, finished_at=now)


def _candidates(conn, window, day, skipped: set[int]) -> list[Candidate]:
    """The heads of the window's queues and of its transferred-here queue."""
    rows = stored.queue_heads(conn, window.service_ids, window.id, day, skipped)
    return [Candidate(r.id, r.service_id, bool(r.priority), r.queued_at,
                      r.target_window_id == window.id) for r in rows]


def _with_booked(candidates: list[Candidate], conn, hall, window, day, skipped) -> list:
    """Add the oldest booked ticket (预约) of each of the window's services taking bookings,
    with its slot start (it replaces the same ticket found as a queue head)."""
    found = {c.ticket_id: c for c in candidates}
    for row, candidate in bookings.booked_candidates(conn, hall, window, day, skipped):
        found[row.id] = candidate
    return list(found.values())


def _call_one(ctx, conn, hall, window, now, principal):
    """Call the next ticket for the window; returns its row, or None when nobody waits."""
    day = local_day(now, hall.timezone)
    max_wait = {s.id: s.max_wait_s for s in hall.services}
    skipped: set[int] = set()
    for _ in range(MAX_CALL_ATTEMPTS):
        candidates = _with_booked(_candidates(conn, window, day, skipped), conn, hall, window,
                                  day, skipped)
        choice = choose_next(candidates, window.service_ids, max_wait, now,
                             ctx.settings.call_policy)
        if choice is None:
            return None
        if _take(conn, choice.ticket_id):
            row = stored.call(conn, choice.ticket_id, window.id, now, principal.user_id)
            if row is not None:  # None: another window took it in between
                return row
        skipped.add(choice.ticket_id)
    raise DomainError("busy", "too many windows calling at once; press again")


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
        "booked": bool(ticket.get("booked")), "called_at": queues.local_iso(now, hall),
    }, window.number)


def prepare(ctx, principal, hall_code, window_number):
    """The hall, the window, now, and who acts (a caller keypad acts for the signed-in person)."""
    hall = ctx.halls.get(hall_code)
    window = hall.window(window_number)
    actor = window_actor(ctx, principal, hall, window)
    return hall, window, ctx.clock(), actor


def check_finish(hall, current, expected) -> None:
    """409 ``current_ticket_changed`` (with the current ticket) unless ``expected`` names it."""
    if expected is ANY_CURRENT:
        return
    actual = current["id"] if current is not None else None
    if expected != actual:
        raise DomainError(
            "current_ticket_changed", "the window's current ticket is not the one this request "
            "names (another action changed it); nothing was changed",
            current=queues.ticket_view(hall, current) if current is not None else None)


def called_current(conn, window_row):
    """The window's current ticket while it is being called or served, else None."""
    current = _current_ticket(conn, window_row)
    return current if current is not None and current["status"] == "called" else None


def finish_current(conn, hall, window, current, now, principal) -> list[Event]:
    """End the current ticket as 办结 inside a call; the events to publish after commit."""
    _close_current(conn, current, "finish", now, principal, window.id)
    return [Event("queue_changed", hall.code, {}),
            Event("ticket_finished", hall.code, {"ticket": current["id"]}, window.number)]


def call_next(ctx, principal, hall_code: str, window_number: int,
              command: CallNext = CallNext()) -> dict:
    hall, window, now, principal = prepare(ctx, principal, hall_code, window_number)
    expected = command.expected
    events = []
    with ctx.db.write() as conn:
        window_row = stored_windows.locked_window(conn, window.id)
        if window_row["state"] == "paused":
            raise DomainError("window_paused", "the window is paused; resume it first")
        current = called_current(conn, window_row)
        check_finish(hall, current, expected)
        if current is not None:
            events += finish_current(conn, hall, window, current, now, principal)
        ticket = _call_one(ctx, conn, hall, window, now, principal)
        if ticket is not None:
            events += called(conn, hall, window, ticket, now, principal)
            view = queues.ticket_view(hall, ticket)
        elif current is not None:
            events.append(_window_event(hall, window, "open"))
    ctx.publish(events)
    if ticket is None:
        raise DomainError("queue_empty", "nobody is waiting for this window")
    return view


def called(conn, hall, window, ticket, now, principal, kind="called", announce=True,
           data=None) -> list[Event]:
    """Make a ticket just set to ``called`` the window's current one, logged as ``kind``; the
    events to publish (``ticket_called`` only when ``announce``: voice and screens call it)."""
    stored_windows.open_with_current(conn, window.id, ticket["id"])
    stored.log(conn, ticket, kind, now, principal, window.id, data)
    events = [_window_event(hall, window, "open", ticket), Event("queue_changed", hall.code, {})]
    if announce:
        events.insert(0, _called_event(hall, window, ticket, False, now))
    return events


def recall(ctx, principal, hall_code: str, window_number: int) -> dict:
    hall, window, now, principal = prepare(ctx, principal, hall_code, window_number)
    with ctx.db.write() as conn:
        current = _current_ticket(conn, stored_windows.locked_window(conn, window.id))
        if current is None or current["status"] != "called":
            raise DomainError("no_current_ticket", "no ticket is being called here")
        next_status(current["status"], "recall")
        check_recall(current["recall_count"], ctx.settings.recall_limit)
        stored.count_recall(conn, current["id"], now)
        stored.log(conn, current, "recalled", now, principal, window.id,
             {"recall_count": current["recall_count"] + 1})
        ticket = dict(current, recall_count=current["recall_count"] + 1, called_at=now)
    ctx.publish([_called_event(hall, window, ticket, True, now)])
    return queues.ticket_view(hall, ticket)


def _end_current(ctx, principal, hall_code, window_number, action) -> dict:
    hall, window, now, principal = prepare(ctx, principal, hall_code, window_number)
    with ctx.db.write() as conn:
        current = _current_ticket(conn, stored_windows.locked_window(conn, window.id))
        if current is None or current["status"] != "called":
            raise DomainError("no_current_ticket", "no ticket is being served here")
        ticket = _close_current(conn, current, action, now, principal, window.id)
    events = [_window_event(hall, window, "open")]
    if action == "finish":  # the evaluator at the window asks the citizen to rate
        events.append(Event("ticket_finished", hall.code, {"ticket": ticket["id"]}, window.number))
    ctx.publish(events)
    return queues.ticket_view(hall, ticket)


def finish(ctx, principal, hall_code: str, window_number: int) -> dict:
    return _end_current(ctx, principal, hall_code, window_number, "finish")


def _transfer_target(hall, window, command: TransferTicket):
    if command.service is not None:
        return hall.service(command.service), None
    target_window = hall.window(command.window)
    if target_window.id == window.id:
        raise invalid_request("a ticket cannot be transferred to its own window")
    return None, target_window


def _check_not_waiting(conn, service_id: int, id_hash: str, day) -> None:
    """The one-ticket-per-person rule holds for transfers too (the unique index backs it);
    like the index, it counts the same day only: an earlier day's ticket is expiring."""
    if stored.holds_ticket(conn, service_id, id_hash, day):
        raise DomainError("already_waiting", "this person already holds a ticket for that "
                          "service; finish this one instead")


def transfer(ctx, principal, hall_code: str, window_number: int,
             command: TransferTicket) -> dict:
    """Send the current ticket to another service's queue or to one window; it keeps its place
    in time (``queued_at``) and its number, and waits again."""
    hall, window, now, principal = prepare(ctx, principal, hall_code, window_number)
    service, target_window = _transfer_target(hall, window, command)
    with ctx.db.write() as conn:
        current = _current_ticket(conn, stored_windows.locked_window(conn, window.id))
        if current is None or current["status"] != "called":
            raise DomainError("no_current_ticket", "no ticket is being served here")
        status = next_status(current["status"], "transfer")
        service_id = service.id if service else current["service_id"]
        if current["id_hash"] and service_id != current["service_id"]:
            _check_not_waiting(conn, service_id, current["id_hash"], current["local_date"])
        stored.update_ticket(conn, current["id"], status=status, service_id=service_id,
                             window_id=None, recall_count=0,
                             target_window_id=target_window.id if target_window else None)
        stored_windows.set_current(conn, window.id, None)
        stored.log(conn, current, "transferred", now, principal, window.id, {
            "to_service": service.code if service else None,
            "to_window": target_window.number if target_window else None})
        ticket = dict(current, status=status, service_id=service_id, window_id=None, recall_count=0)
    ctx.publish([_window_event(hall, window, "open"), Event("queue_changed", hall.code, {})])
    return queues.ticket_view(hall, ticket)


def set_paused(ctx, principal, hall_code: str, window_number: int, paused: bool,
               reason: str | None = None) -> dict:
    """``reason``: a ``PauseWindow`` command's, checked when it was parsed."""
    hall, window, now, principal = prepare(ctx, principal, hall_code, window_number)
    state = "paused" if paused else "open"
    with ctx.db.write() as conn:
        row = stored_windows.locked_window(conn, window.id)
        changed = row["state"] != state
        if changed:
            stored_windows.set_state(conn, window.id, state, reason if paused else None, now)
            stored_windows.add_event(conn, hall.id, window.id, "paused" if paused else "resumed",
                                     now, principal.user_id, reason if paused else None)
        current = _current_ticket(conn, row)
        if current is not None and current["status"] != "called":
            current = None
    if changed:
        ctx.publish([_window_event(hall, window, state, current, reason if paused else None),
                     Event("queue_changed", hall.code, {})])
    return {"window": window.number, "window_name": window.name, "state": state,
            "reason": reason if paused else None, "changed": changed}
