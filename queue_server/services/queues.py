"""Reading the queues: people waiting, people ahead of a ticket, wait estimates, ticket views.

The SQL lives in ``storage.tickets`` (counts on the ``ix_tickets_queue`` index); this module adds
the brief caches and the shapes the kiosks, screens and counters read.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from queue_server.caching import ttl_cache
from queue_server.domain.estimate import estimate_wait_s
from queue_server.domain.hours import is_open, quota_left
from queue_server.domain.numbering import local_day
from queue_server.services import estimates
from queue_server.storage import bookings as stored_bookings
from queue_server.storage import counter as stored_counter
from queue_server.storage import tickets as stored
from queue_server.storage import windows as stored_windows

HANDLING_SAMPLES = 20
HANDLING_CACHE_S = 30.0


def today(ctx, hall, now: datetime | None = None):
    return local_day(now or ctx.clock(), hall.timezone)


@dataclass
class QueueReading:
    """One read of a hall's waiting tickets today, in the shapes its watchers need: the
    screens' counts per service (``services_summary``) and the counters' queues with their
    oldest ticket (``counter.hall_queues``). The publisher reads it once per coalesced push."""
    day: object
    waiting: dict[int, int] = field(default_factory=dict)  # service id -> all waiting
    untargeted: dict[int, tuple] = field(default_factory=dict)  # service id -> (n, oldest)
    targeted: dict[int, tuple] = field(default_factory=dict)  # window id -> (n, oldest)


def read_queues(conn, hall, day) -> QueueReading:
    reading = QueueReading(day)
    for service_id, window_id, count, oldest in stored_counter.waiting_groups(conn, hall.id, day):
        reading.waiting[service_id] = reading.waiting.get(service_id, 0) + count
        group = reading.untargeted if window_id is None else reading.targeted
        key = service_id if window_id is None else window_id
        if key in group:  # tickets sent to one window from several services
            n, first = group[key]
            count, oldest = n + count, min(first, oldest)
        group[key] = (count, oldest)
    return reading


def waiting_counts(conn, hall, day) -> dict[int, int]:
    return stored.waiting_counts(conn, hall.id, day)


def issued_counts(conn, hall, day) -> dict[int, int]:
    return stored.issued_counts(conn, [s.id for s in hall.services], day)


def waiting_ahead(conn, ticket, hall, now: datetime, newest: bool = False) -> int:
    """Waiting tickets of the same service and day that the call order puts first
    (``domain.calling``, within the service): overdue ones, then priority ones (绿色通道), then
    booked ones (预约) whose slot has begun, earliest slot first, then by queue time.

    For a walk-in just issued (``newest``) that is every waiting one but itself: a cheaper
    count on the queue index.
    """
    if newest and not ticket["priority"] and not ticket.get("booked"):
        return stored.waiting_count(conn, ticket["service_id"], ticket["local_date"]) - 1
    service = hall.service_by_id(ticket["service_id"])
    overdue_before = (now - timedelta(seconds=service.max_wait_s)
                      if service.max_wait_s is not None else None)
    due, own = {}, None
    if service.code in (hall.options.get("booking") or {}):
        clock = _local_clock(now, hall, ticket["local_date"])
        for row in stored_bookings.waiting_booked_slots(conn, service.id, ticket["local_date"]):
            if row.slot_start <= clock:
                due[row.id] = (row.slot_start, row.queued_at, row.id)
        own = due.get(ticket["id"])
    return stored.waiting_ahead(conn, ticket, overdue_before, due, own)


def _local_clock(now: datetime, hall, day) -> str:
    """``now`` as "HH:MM" on ``day``'s local clock, to compare with slot starts ("09:00"): a
    later day is past every slot, an earlier one before them all."""
    local = now.astimezone(ZoneInfo(hall.timezone))
    if local.date() != day:
        return "99:99" if local.date() > day else ""
    return f"{local:%H:%M}"


def open_window_ids(conn, hall) -> set[int]:
    return stored_windows.open_window_ids(conn, hall.id)


OPEN_WINDOWS_CACHE_S = 1.0


def recent_open_window_ids(ctx, conn, hall) -> set[int]:
    """``open_window_ids`` at most a second old: enough for a wait estimate, and one query
    less on every ticket issued."""
    cache = ttl_cache(ctx, "open_windows", OPEN_WINDOWS_CACHE_S)
    return cache.get(hall.id, lambda: open_window_ids(conn, hall))


def recent_handling_s(ctx, conn, service_id: int) -> list[float]:
    """Handling times (finish − call) of the service's latest finished tickets, cached briefly."""
    def load() -> list[float]:
        rows = stored.latest_handling(conn, service_id, HANDLING_SAMPLES)
        return [(f - c).total_seconds() for c, f in rows if c is not None]

    return ttl_cache(ctx, "handling", HANDLING_CACHE_S).get(service_id, load)


def naive_estimate(ctx, conn, service, ahead: int, serving_open: int) -> int:
    """The naive formula (``domain.estimate.estimate_wait_s``): the fallback when no window
    serves the service, and the simulator's yardstick."""
    return estimate_wait_s(ahead, recent_handling_s(ctx, conn, service.id), serving_open,
                           estimates.default_handling_s(ctx, service))


def services_summary(ctx, conn, hall, reading: QueueReading | None = None) -> list[dict]:
    """Per service: waiting, estimate, open now, quota left — for kiosks and screens."""
    now = ctx.clock()
    day = local_day(now, hall.timezone)
    if reading is None or reading.day != day:
        reading = read_queues(conn, hall, day)
    waiting = reading.waiting
    issued = issued_counts(conn, hall, day)
    result = []
    for service in hall.services:
        count = waiting.get(service.id, 0)
        left = quota_left(service.daily_quota, issued.get(service.id, 0))
        closed_reason = None
        if not is_open(service.hours, now, hall.timezone):
            closed_reason = "hours"
        elif left == 0:
            closed_reason = "quota"
        result.append({
            "code": service.code, "name": service.name, "name_en": service.name_en,
            "department": service.department, "department_en": service.department_en,
            "waiting": count,
            "estimated_wait_s": estimates.new_ticket_wait_s(ctx, conn, hall, service, False),
            "open": closed_reason is None, "closed_reason": closed_reason,
            "quota_left": left, "requires_id": service.requires_id,
            "id_card_only": service.id_card_only,
            "hours": list(service.hours_spec),
        })
    return result


def local_iso(value: datetime | None, hall) -> str | None:
    if value is None:
        return None
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo(hall.timezone)).isoformat(timespec="seconds")


def ticket_view(hall, row, **extra) -> dict:
    """The public JSON form of a ticket. Never carries the ID number, not even masked."""
    service = hall.service_by_id(row["service_id"])
    window = hall.window_by_id(row["window_id"])
    view = {
        "id": row["id"], "number": row["number"], "service": service.code,
        "service_name": service.name, "status": row["status"],
        "priority": "priority" if row["priority"] else "normal",
        "issued_at": local_iso(row["issued_at"], hall),
        "called_at": local_iso(row["called_at"], hall),
        "finished_at": local_iso(row["finished_at"], hall),
        "window": window.number if window else None,
        "window_name": window.name if window else None,
        "recall_count": row["recall_count"],
        "requeued_count": row.get("requeued_count") or 0,  # 过号顺延 so far
        "real_name": row["id_hash"] is not None,
        "booked": bool(row.get("booked")),  # checked in from a booking (预约)
    }
    view.update(extra)
    return view


def waiting_by_hall(conn) -> dict[str, int]:
    """Tickets waiting now, by hall code (the monitoring endpoint's queue lengths)."""
    return stored.waiting_by_hall(conn)
