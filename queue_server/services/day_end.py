"""The end of a hall's day: tickets still waiting (or called and never finished) when the hall's
local day ended become ``expired``.

An expired ticket is off every screen (no window shows it as current), out of today's waiting
counts and figures, and no longer holds its citizen's one-ticket-per-person place. Expiry runs
in two ways, so a citizen is never refused because of yesterday:

- a sweep (``expire_stale``) called by the serving process's supervision task, which expires
  every earlier day's active tickets of every hall soon after the hall's local midnight;
- lazily, when a real-name citizen takes a ticket and still holds one from an earlier day
  (``expire_tickets`` from services/tickets.py), even if no sweep ran.
"""

from datetime import timedelta

from queue_server.domain.tickets import ACTIVE_STATUSES, EXPIRED
from queue_server.services.context import Event
from queue_server.services.queues import today
from queue_server.storage import tickets as stored
from queue_server.storage import windows as stored_windows


def expire_tickets(conn, hall, ticket_ids, now) -> list[Event]:
    """Expire the given still-active tickets inside the caller's write transaction.

    Frees any window that still shows one of them; returns the events to publish after commit.
    """
    if not ticket_ids:
        return []
    # Only the rows this statement changed: a concurrent expiry of the same ticket logs once.
    rows = stored.expire(conn, ticket_ids, ACTIVE_STATUSES, EXPIRED)
    if not rows:
        return []
    ids = [r.id for r in rows]
    stored.add_events(conn, [dict(
        ticket_id=r.id, hall_id=hall.id, kind="expired", at=now, service_id=r.service_id,
        window_id=r.window_id, user_id=None, device_id=None, data=None) for r in rows])
    freed = stored_windows.free_windows_showing(conn, ids)
    events = [Event("queue_changed", hall.code, {})]
    for row in freed:
        window = hall.window_by_id(row.id)
        if window is not None:
            events.append(Event("window_changed", hall.code, {
                "hall": hall.code, "window": window.number, "window_name": window.name,
                "state": row.state, "reason": row.pause_reason, "current": None},
                window.number))
    return events


QUEUE_LENGTHS_KEPT_DAYS = 2


def purge_queue_lengths(ctx, now=None) -> int:
    """Forget the emptied queue lengths (``queue_lengths``) of days over two days ago, every
    hall (called hourly by the maintenance task); returns how many rows."""
    now = now or ctx.clock()
    with ctx.db.write() as conn:
        return stored.purge_queue_lengths(
            conn, (now - timedelta(days=QUEUE_LENGTHS_KEPT_DAYS)).date())


def expire_hall(ctx, hall, now) -> int:
    """Expire every active ticket of ``hall`` from a day before its current local day."""
    day = today(ctx, hall, now)
    with ctx.db.read() as conn:
        stale = _stale_ids(conn, hall, day)
    if not stale:
        return 0
    with ctx.db.write() as conn:
        # Read again under the write lock: a call or finish may have closed some meanwhile.
        events = expire_tickets(conn, hall, _stale_ids(conn, hall, day), now)
    ctx.publish(events)
    return len(stale)


def _stale_ids(conn, hall, day) -> list[int]:
    ids = []
    for service in hall.services:  # one index seek per service on ix_tickets_queue
        ids += stored.stale_ids(conn, service.id, ACTIVE_STATUSES, day)
    return ids


def expire_stale(ctx, now=None) -> int:
    """The sweep: expire earlier days' active tickets in every hall; returns how many."""
    from queue_server.services import bookings

    now = now or ctx.clock()
    expired = sum(expire_hall(ctx, hall, now) for hall in ctx.halls.all())
    for hall in ctx.halls.all():
        bookings.mark_missed(ctx, hall, now)  # 爽约: earlier days' bookings never checked in
    return expired
