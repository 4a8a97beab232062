"""Reading the queues: people waiting, people ahead of a ticket, wait estimates, ticket views.

Counts run on the ``ix_tickets_queue`` index (service, status, day, priority, time), so they cost
an index range scan rather than a table scan however long the day's history grows.
"""

import time
from datetime import datetime

from sqlalchemy import and_, bindparam, func, or_, select

from queue_server.domain.estimate import estimate_wait_s
from queue_server.domain.hours import is_open, quota_left
from queue_server.domain.numbering import local_day
from queue_server.storage.models import daily_counters, tickets, windows

HANDLING_SAMPLES = 20
HANDLING_CACHE_S = 30.0


def today(ctx, hall, now: datetime | None = None):
    return local_day(now or ctx.clock(), hall.timezone)


_WAITING = select(func.count()).select_from(tickets).where(
    tickets.c.service_id == bindparam("service_id"), tickets.c.status == "waiting",
    tickets.c.local_date == bindparam("day"))
_WAITING_PRIORITY = _WAITING.where(tickets.c.priority.is_(True))


def waiting_count(conn, service_id: int, day, priority_only: bool = False) -> int:
    stmt = _WAITING_PRIORITY if priority_only else _WAITING
    return conn.execute(stmt, {"service_id": service_id, "day": day}).scalar_one()


def waiting_counts(conn, hall, day) -> dict[int, int]:
    rows = conn.execute(
        select(tickets.c.service_id, func.count())
        .where(tickets.c.hall_id == hall.id, tickets.c.status == "waiting",
               tickets.c.local_date == day)
        .group_by(tickets.c.service_id)
    ).all()
    return dict(rows)


def issued_counts(conn, hall, day) -> dict[int, int]:
    ids = [s.id for s in hall.services]
    rows = conn.execute(
        select(daily_counters.c.service_id, daily_counters.c.value)
        .where(daily_counters.c.service_id.in_(ids), daily_counters.c.local_date == day)
    ).all()
    return dict(rows)


def waiting_ahead(conn, ticket, newest: bool = False) -> int:
    """Waiting tickets of the same service and day that the call order puts first.

    For a ticket just issued (``newest``) that is every waiting one (every waiting priority one,
    for a priority ticket) but itself: a cheaper count on the queue index.
    """
    if newest:
        return waiting_count(conn, ticket["service_id"], ticket["local_date"],
                             ticket["priority"]) - 1
    earlier = or_(
        tickets.c.queued_at < ticket["queued_at"],
        and_(tickets.c.queued_at == ticket["queued_at"], tickets.c.id < ticket["id"]),
    )
    ahead = or_(tickets.c.priority.is_(True), earlier) if not ticket["priority"] else and_(
        tickets.c.priority.is_(True), earlier
    )
    return conn.execute(
        select(func.count()).select_from(tickets).where(
            tickets.c.service_id == ticket["service_id"], tickets.c.status == "waiting",
            tickets.c.local_date == ticket["local_date"], tickets.c.id != ticket["id"], ahead,
        )
    ).scalar_one()


_OPEN_WINDOWS = select(windows.c.id).where(windows.c.hall_id == bindparam("hall_id"),
                                           windows.c.state == "open")


def open_window_ids(conn, hall) -> set[int]:
    return set(conn.execute(_OPEN_WINDOWS, {"hall_id": hall.id}).scalars())


OPEN_WINDOWS_CACHE_S = 1.0


def recent_open_window_ids(ctx, conn, hall) -> set[int]:
    """``open_window_ids`` at most a second old: enough for a wait estimate, and one query
    less on every ticket issued."""
    cache = ctx.caches.setdefault("open_windows", {})
    hit = cache.get(hall.id)
    if hit is not None and time.monotonic() - hit[1] < OPEN_WINDOWS_CACHE_S:
        return hit[0]
    ids = open_window_ids(conn, hall)
    cache[hall.id] = (ids, time.monotonic())
    return ids


def recent_handling_s(ctx, conn, service_id: int) -> list[float]:
    """Handling times (finish − call) of the service's latest finished tickets, cached briefly."""
    cache = ctx.caches.setdefault("handling", {})
    hit = cache.get(service_id)
    if hit is not None and time.monotonic() - hit[1] < HANDLING_CACHE_S:
        return hit[0]
    rows = conn.execute(
        select(tickets.c.called_at, tickets.c.finished_at)
        .where(tickets.c.service_id == service_id, tickets.c.finished_at.is_not(None),
               tickets.c.status == "done")
        .order_by(tickets.c.finished_at.desc())
        .limit(HANDLING_SAMPLES)
    ).all()
    samples = [(f - c).total_seconds() for c, f in rows if c is not None]
    cache[service_id] = (samples, time.monotonic())
    return samples


def estimate_for(ctx, conn, hall, service, ahead: int, open_ids: set[int]) -> int:
    serving_open = sum(1 for w in hall.windows_serving(service.id) if w.id in open_ids)
    return estimate_wait_s(
        ahead, recent_handling_s(ctx, conn, service.id), serving_open,
        float(service.max_service_min * 30) if service.max_service_min else
        ctx.settings.default_handling_s,
    )


def services_summary(ctx, conn, hall) -> list[dict]:
    """Per service: waiting, estimate, open now, quota left — for kiosks and screens."""
    now = ctx.clock()
    day = local_day(now, hall.timezone)
    waiting = waiting_counts(conn, hall, day)
    issued = issued_counts(conn, hall, day)
    open_ids = open_window_ids(conn, hall)
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
            "department": service.department, "waiting": count,
            "estimated_wait_s": estimate_for(ctx, conn, hall, service, count, open_ids),
            "open": closed_reason is None, "closed_reason": closed_reason,
            "quota_left": left, "requires_id": service.requires_id,
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
        "real_name": row["id_hash"] is not None,
    }
    view.update(extra)
    return view
