"""What the counter page shows beyond the current ticket: the next few numbers in this window's
call order, the tickets it holds (挂起), and who staffs the other windows (for transfers).

The next numbers come from the same rule as call-next (``domain.calling.upcoming`` over the
first tickets of each of the window's queues), so the list's head is who call-next will call,
as of the moment it was read.
"""

from datetime import timedelta

from queue_server.domain.calling import Candidate, upcoming
from queue_server.domain.numbering import local_day
from queue_server.services import bookings, queues
from queue_server.storage import counter as stored
from queue_server.storage import sessions
from queue_server.storage import tickets as stored_tickets
from queue_server.storage import windows as stored_windows

UPCOMING = 5
DEFAULT_UNDO_S = 60


def undo_seconds(hall) -> int:
    """How long a window may undo its 过号 (hall option ``no_show_undo_s``, default 60 s)."""
    value = hall.options.get("no_show_undo_s", DEFAULT_UNDO_S)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return DEFAULT_UNDO_S
    return value


def next_tickets(conn, ctx, hall, window, now) -> list[dict]:
    """The next ``UPCOMING`` waiting tickets in this window's call order."""
    day = local_day(now, hall.timezone)
    rows = stored.first_waiting(conn, window.service_ids, window.id, day, UPCOMING)
    by_id = {r.id: r for r in rows}
    candidates = {r.id: Candidate(r.id, r.service_id, bool(r.priority), r.queued_at,
                                  r.target_window_id == window.id) for r in rows}
    # Booked tickets (预约) whose slot has begun go ahead, as call-next takes them.
    # The first UPCOMING of each service in call order (slot, then queue time): enough, as
    # begun ones go ahead of walk-ins and later ones sort as walk-ins by queue time.
    for row, candidate in bookings.booked_candidates(conn, hall, window, day, set(), UPCOMING):
        by_id.setdefault(row.id, _Row(row._mapping, booked=True))
        candidates[row.id] = candidate
    max_wait = {s.id: s.max_wait_s for s in hall.services}
    order = upcoming(list(candidates.values()), window.service_ids, max_wait, now,
                     ctx.settings.call_policy, UPCOMING)
    return [_upcoming_view(hall, by_id[c.ticket_id], c, now) for c in order]


class _Row:
    """A ticket's mapping read as attributes, like the rows of ``first_waiting``."""

    def __init__(self, mapping, **more):
        self.__dict__.update(dict(mapping), **more)


def _upcoming_view(hall, row, candidate, now) -> dict:
    service = hall.service_by_id(row.service_id)
    return {"id": row.id, "number": row.number, "service": service.code,
            "service_name": service.name, "priority": "priority" if row.priority else "normal",
            "targeted": candidate.targeted, "requeued_count": row.requeued_count or 0,
            "booked": bool(row.booked),
            "waited_s": int((now - row.issued_at).total_seconds())}


def held_tickets(conn, hall, window, now) -> list[dict]:
    """Today's tickets this window holds (挂起), longest held first."""
    rows = stored.held_at(conn, window.id, local_day(now, hall.timezone))
    return [queues.ticket_view(hall, row) for row in rows]


def other_windows(conn, hall, window) -> list[dict]:
    """The hall's other windows for the transfer dialog: who is signed in, what they serve,
    open or paused."""
    staff = sessions.open_sessions_by_window(conn, hall.id)
    states = stored_windows.states(conn, hall.id)
    return [{"number": w.number, "name": w.name, "staff": staff.get(w.id),
             "state": states.get(w.id, "open"),
             "services": [hall.service_by_id(s).code for s in w.service_ids]}
            for w in hall.windows if w.id != window.id]


def last_undoable(conn, hall, window, now):
    """``(event, ticket)`` of the window's latest 过号 that may still be undone, or None: inside
    the undo time, and nothing happened to the ticket since."""
    since = now - timedelta(seconds=undo_seconds(hall))
    event = stored.last_no_show(conn, hall.id, window.id, since)
    if event is None:
        return None
    if stored.latest_event_id(conn, event.ticket_id) != event.id:
        return None  # called elsewhere, transferred, …
    ticket = stored_tickets.ticket(conn, event.ticket_id)
    return event, ticket


def undo_offer(conn, hall, window, now) -> dict | None:
    """What the counter shows to undo its latest 过号 (also one made with the keypad)."""
    found = last_undoable(conn, hall, window, now)
    if found is None:
        return None
    event, ticket = found
    left = undo_seconds(hall) - (now - event.at).total_seconds()
    return {"ticket": ticket["id"], "number": ticket["number"],
            "requeued": event.kind == "requeued", "requeued_count": ticket["requeued_count"],
            "left_s": max(0, int(left))}
