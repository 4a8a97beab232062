"""过号 at a window: the no-show itself, 过号顺延 (a service's no-shows go back a few places in
its queue instead of ending) and the short undo that puts a no-show back as the window's ticket.

- ``no_show``: the window's current ticket did not come. If its service has
  ``no_show_requeue: N`` and the ticket was requeued fewer than ``no_show_requeue_max`` times, it
  waits again, keeping its number, ``N`` places back in its queue (``domain.calling.requeue_time``;
  event ``requeued``, ``requeued_count`` + 1). Otherwise it ends as ``no_show`` (event
  ``no_show``).
- ``undo_no_show``: within the hall option ``no_show_undo_s`` seconds (default 60) the window
  takes its latest no-show back as its current ticket: nothing else may have happened to the
  ticket since, the window must be free (409 ``window_busy``) and not paused. The update is
  conditional on the ticket's status, so a requeued ticket another window has called meanwhile
  cannot be taken back (409 ``undo_expired``).
"""

from datetime import datetime, timedelta, timezone

from queue_server.domain.calling import requeue_time
from queue_server.domain.commands import UndoNoShow
from queue_server.domain.errors import DomainError
from queue_server.domain.tickets import NO_SHOW, WAITING, next_status, requeues_no_show
from queue_server.services import queues
from queue_server.services.calling import (
    _check_not_waiting,
    _close_current,
    _window_event,
    called,
    called_current,
    prepare,
)
from queue_server.services.context import Event
from queue_server.services.counter_desk import last_undoable, undo_seconds
from queue_server.storage import tickets as stored
from queue_server.storage import windows as stored_windows


def _requeue(conn, window, current, places: int, now, principal) -> dict:
    """Send the ticket back ``places`` places in its service's queue (same priority class)."""
    waiting = stored.queue_times(conn, current["service_id"], current["local_date"],
                                 current["priority"], places + 1)
    queued_at = requeue_time(waiting, places, now)
    count = current["requeued_count"] + 1
    status = next_status(current["status"], "requeue")
    stored.update_ticket(conn, current["id"], status=status, window_id=None,
                         target_window_id=None, queued_at=queued_at, requeued_count=count)
    stored_windows.set_current(conn, window.id, None)
    stored.log(conn, current, "requeued", now, principal, window.id, {
        "places": places, "requeued_count": count,
        "queued_at": current["queued_at"].timestamp()})
    return dict(current, status=status, window_id=None, queued_at=queued_at,
                requeued_count=count)


def no_show(ctx, principal, hall_code: str, window_number: int) -> dict:
    """过号 for the window's current ticket; ``{ticket, requeued, undo_s, undo_until}``."""
    hall, window, now, principal = prepare(ctx, principal, hall_code, window_number)
    with ctx.db.write() as conn:
        current = called_current(conn, stored_windows.locked_window(conn, window.id))
        if current is None:
            raise DomainError("no_current_ticket", "no ticket is being served here")
        service = hall.service_by_id(current["service_id"])
        requeued = requeues_no_show(current["requeued_count"], service.no_show_requeue,
                                    service.no_show_requeue_max)
        if requeued:
            ticket = _requeue(conn, window, current, service.no_show_requeue, now, principal)
        else:
            ticket = _close_current(conn, current, "no_show", now, principal, window.id)
    events = [_window_event(hall, window, "open")]
    if requeued:
        events.append(Event("queue_changed", hall.code, {}))
    ctx.publish(events)
    seconds = undo_seconds(hall)
    return {"ticket": queues.ticket_view(hall, ticket), "requeued": requeued, "undo_s": seconds,
            "undo_until": queues.local_iso(now + timedelta(seconds=seconds), hall)}


def _expired() -> DomainError:
    return DomainError("undo_expired", "this no-show can no longer be undone here")


def _undoable(conn, hall, window, now, ticket_id):
    """The window's latest no-show event still inside the undo time, and its ticket."""
    found = last_undoable(conn, hall, window, now)
    if found is None or (ticket_id is not None and found[0].ticket_id != ticket_id):
        raise _expired()
    if found[1]["status"] not in (NO_SHOW, WAITING):  # another window has called it since
        raise _expired()
    return found


def _restore_values(event, ticket, window, now, principal) -> dict:
    values = {"status": next_status(ticket["status"], "undo_no_show"), "window_id": window.id,
              "called_at": now, "finished_at": None, "target_window_id": None,
              "staff_user_id": principal.user_id}
    if event.kind == "requeued":
        data = event.data or {}
        values["requeued_count"] = max(0, ticket["requeued_count"] - 1)
        if isinstance(data.get("queued_at"), (int, float)):
            values["queued_at"] = datetime.fromtimestamp(data["queued_at"], tz=timezone.utc)
    return values


def undo_no_show(ctx, principal, hall_code: str, window_number: int,
                 command: UndoNoShow) -> dict:
    """Take the window's latest no-show back as its current ticket (no new call on screens)."""
    hall, window, now, principal = prepare(ctx, principal, hall_code, window_number)
    ticket_id = command.ticket
    with ctx.db.write() as conn:
        window_row = stored_windows.locked_window(conn, window.id)
        if window_row["state"] == "paused":
            raise DomainError("window_paused", "the window is paused; resume it first")
        busy = called_current(conn, window_row)
        if busy is not None:
            raise window_busy(hall, busy)
        event, ticket = _undoable(conn, hall, window, now, ticket_id)
        if ticket["status"] == "no_show" and ticket["id_hash"]:
            _check_not_waiting(conn, ticket["service_id"], ticket["id_hash"], ticket["local_date"])
        values = _restore_values(event, ticket, window, now, principal)
        if not stored.update_if_status(conn, ticket["id"], ticket["status"], values):
            raise _expired()
        restored = dict(ticket, **values)
        kind = "no_show_undone" if event.kind == "no_show" else "requeue_undone"
        events = called(conn, hall, window, restored, now, principal, kind=kind, announce=False)
    ctx.publish(events)
    return queues.ticket_view(hall, restored)


def window_busy(hall, current) -> DomainError:
    """409 ``window_busy``: the window is serving ``current``; finish, hold or transfer it first."""
    return DomainError("window_busy", f"the window is serving {current['number']}; finish, hold "
                       "or transfer it first", current=queues.ticket_view(hall, current))
