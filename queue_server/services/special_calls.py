"""The window's calls outside the call order: 选呼/特呼 (call one waiting number) and 挂起
(hold the current ticket aside, keeping its number, and bring it back later).

- ``call_number``: ``{"number": "A012"}``: that waiting ticket of today, of a service the window
  serves (or transferred to this very window), becomes the window's called ticket and is
  announced like any call. Like call-next it may end the current ticket first, but only the one
  the request names (``finish``) or with ``confirm``; with neither, the window must be free.
  The call is the same conditional update as call-next (``… WHERE status = 'waiting'``), so a
  ticket is never called at two windows.
- ``hold``: the current ticket's status becomes ``held``; it stays with its window, off every
  screen (a screen shows only ``called`` tickets), and is listed on that window's counter.
- ``unhold``: ``{"ticket": id}``: a ticket this window holds becomes its called ticket again
  (announced), while the window is free and open.
"""

from queue_server.domain.commands import CallNumber, HoldTicket, UnholdTicket
from queue_server.domain.errors import DomainError
from queue_server.domain.numbering import local_day
from queue_server.domain.tickets import next_status
from queue_server.services import queues
from queue_server.services.calling import (
    ANY_CURRENT,
    _check_not_waiting,
    _take,
    _window_event,
    called,
    called_current,
    check_finish,
    finish_current,
    prepare,
)
from queue_server.services.no_show import window_busy
from queue_server.storage import tickets as stored
from queue_server.storage import windows as stored_windows

def _open_window(conn, window):
    row = stored_windows.locked_window(conn, window.id)
    if row["state"] == "paused":
        raise DomainError("window_paused", "the window is paused; resume it first")
    return row


def _waiting_by_number(conn, hall, window, number: str, now):
    row = stored.todays_by_number(conn, hall.id, local_day(now, hall.timezone), number)
    if row is None:
        raise DomainError("unknown_ticket", f"no ticket {number} today")
    if row["status"] != "waiting":
        raise DomainError("ticket_not_waiting", f"{number} is not waiting",
                          ticket_status=row["status"])
    sent_to = hall.window_by_id(row["target_window_id"])
    if (sent_to is not None and sent_to.id != window.id) or (
            sent_to is None and row["service_id"] not in window.service_ids):
        raise DomainError("not_served_here", f"{number} is not for this window",
                          service=hall.service_by_id(row["service_id"]).code,
                          window=sent_to.number if sent_to else None)
    return row


def call_number(ctx, principal, hall_code: str, window_number: int,
                command: CallNumber) -> dict:
    """选呼/特呼: call one waiting number at this window."""
    hall, window, now, principal = prepare(ctx, principal, hall_code, window_number)
    number, expected = command.number, command.expected
    events = []
    with ctx.db.write() as conn:
        current = called_current(conn, _open_window(conn, window))
        check_finish(hall, current, expected)
        target = _waiting_by_number(conn, hall, window, number, now)
        if current is not None:
            events += finish_current(conn, hall, window, current, now, principal)
        ticket = None
        if _take(conn, target["id"]):
            ticket = stored.call(conn, target["id"], window.id, now, principal.user_id)
        if ticket is None:  # another window called it in between
            raise DomainError("ticket_not_waiting", f"{number} was just called elsewhere",
                              ticket_status="called")
        events += called(conn, hall, window, ticket, now, principal, data={"selected": True})
    ctx.publish(events)
    return queues.ticket_view(hall, ticket)


def hold(ctx, principal, hall_code: str, window_number: int, command: HoldTicket) -> dict:
    """挂起 the current ticket (``{"ticket": id}`` optional: then it must be the current one)."""
    hall, window, now, principal = prepare(ctx, principal, hall_code, window_number)
    expected = command.ticket
    with ctx.db.write() as conn:
        current = called_current(conn, stored_windows.locked_window(conn, window.id))
        if current is None:
            raise DomainError("no_current_ticket", "no ticket is being served here")
        check_finish(hall, current, ANY_CURRENT if expected is None else expected)
        status = next_status(current["status"], "hold")
        stored.update_if_status(conn, current["id"], "called", {"status": status})
        stored_windows.set_current(conn, window.id, None)
        stored.log(conn, current, "held", now, principal, window.id)
        ticket = dict(current, status=status)
    ctx.publish([_window_event(hall, window, "open")])
    return queues.ticket_view(hall, ticket)


def _held_here(conn, hall, window, ticket_id: int):
    row = stored.ticket(conn, ticket_id)
    if row is None or row["hall_id"] != hall.id:
        raise DomainError("unknown_ticket", "no such ticket")
    if row["status"] != "held":
        raise DomainError("ticket_not_held", f"{row['number']} is not on hold",
                          ticket_status=row["status"])
    if row["window_id"] != window.id:
        other = hall.window_by_id(row["window_id"])
        raise DomainError("held_elsewhere", f"{row['number']} is held at another window",
                          window=other.number if other else None)
    return row


def unhold(ctx, principal, hall_code: str, window_number: int,
           command: UnholdTicket) -> dict:
    """Bring a ticket this window holds back as its called ticket."""
    hall, window, now, principal = prepare(ctx, principal, hall_code, window_number)
    ticket_id = command.ticket
    with ctx.db.write() as conn:
        busy = called_current(conn, _open_window(conn, window))
        if busy is not None:
            raise window_busy(hall, busy)
        row = _held_here(conn, hall, window, ticket_id)
        if row["id_hash"]:  # the person may have taken another ticket meanwhile
            _check_not_waiting(conn, row["service_id"], row["id_hash"], row["local_date"])
        values = {"status": next_status(row["status"], "unhold"), "called_at": now,
                  "staff_user_id": principal.user_id}
        if not stored.update_if_status(conn, row["id"], "held", values, at_window=window.id):
            raise DomainError("ticket_not_held", f"{row['number']} is not on hold")
        ticket = dict(row, **values)
        events = called(conn, hall, window, ticket, now, principal, kind="unheld")
    ctx.publish(events)
    return queues.ticket_view(hall, ticket)
