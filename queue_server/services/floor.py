"""The state of a hall floor as screens need it: services, windows, latest calls."""

from sqlalchemy import select

from queue_server.domain.numbering import local_day, local_midnight_utc
from queue_server.realtime.protocol import RECENT_CALLS
from queue_server.services import queues
from queue_server.storage.models import ticket_events, tickets, windows


def windows_state(conn, hall) -> list[dict]:
    rows = conn.execute(
        select(windows.c.id, windows.c.state, windows.c.pause_reason, tickets.c.number,
               tickets.c.service_id, tickets.c.status)
        .outerjoin(tickets, tickets.c.id == windows.c.current_ticket_id)
        .where(windows.c.hall_id == hall.id, windows.c.active)
    ).all()
    by_id = {r.id: r for r in rows}
    result = []
    for window in hall.windows:
        row = by_id.get(window.id)
        current = None
        if row is not None and row.number is not None and row.status == "called":
            service = hall.service_by_id(row.service_id)
            current = {"number": row.number, "service": service.code,
                       "service_name": service.name}
        result.append({
            "window": window.number, "window_name": window.name,
            "state": row.state if row else "closed",
            "reason": row.pause_reason if row else None, "current": current,
            "services": [hall.service_by_id(s).code for s in window.service_ids],
        })
    return result


def recent_calls(conn, hall, now, limit: int = RECENT_CALLS) -> list[dict]:
    day_start = local_midnight_utc(local_day(now, hall.timezone), hall.timezone)
    rows = conn.execute(
        select(ticket_events.c.kind, ticket_events.c.at, ticket_events.c.window_id,
               tickets.c.number, ticket_events.c.service_id)
        .join(tickets, tickets.c.id == ticket_events.c.ticket_id)
        .where(ticket_events.c.hall_id == hall.id, ticket_events.c.at >= day_start,
               ticket_events.c.kind.in_(("called", "recalled")))
        .order_by(ticket_events.c.at.desc(), ticket_events.c.id.desc())
        .limit(limit)
    ).all()
    result = []
    for row in rows:
        window = hall.window_by_id(row.window_id)
        service = hall.service_by_id(row.service_id)
        result.append({
            "number": row.number, "service": service.code, "service_name": service.name,
            "window": window.number if window else None,
            "window_name": window.name if window else None,
            "recall": row.kind == "recalled", "called_at": queues.local_iso(row.at, hall),
        })
    return result


def hall_snapshot(ctx, hall_code: str, window_number: int | None = None) -> dict:
    hall = ctx.halls.get(hall_code)
    if window_number is not None:
        hall.window(window_number)
    with ctx.db.read() as conn:
        snapshot = {
            "hall": hall.code, "name": hall.name, "timezone": hall.timezone,
            "now": queues.local_iso(ctx.clock(), hall),
            "notice": hall.options.get("notice", ""),
            "services": queues.services_summary(ctx, conn, hall),
            "windows": windows_state(conn, hall),
            "recent_calls": recent_calls(conn, hall, ctx.clock()),
        }
    if window_number is not None:
        snapshot["window"] = window_number
    return snapshot


def queue_payload(ctx, hall_code: str) -> dict:
    hall = ctx.halls.get(hall_code)
    with ctx.db.read() as conn:
        return {"hall": hall.code, "services": queues.services_summary(ctx, conn, hall)}
