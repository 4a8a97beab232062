"""The live floor for managers' dashboards: queues, windows, open alerts and today's figures."""

from queue_server.domain.numbering import local_day, local_midnight_utc
from queue_server.services import queues, reports, supervisor
from queue_server.services.floor import window_rows
from queue_server.services.accounts import (
    SUPERVISING,
    forbidden,
    require_hall_watcher,
    unauthenticated,
)
from queue_server.storage import floor as stored
from queue_server.storage.report_queries import Range


def supervised_halls(ctx, principal) -> list[dict]:
    """The halls the caller may watch: every hall for an admin, their hall's subtree for a
    manager or supervisor."""
    if principal is None:
        raise unauthenticated()
    if not principal.is_user("admin", *SUPERVISING):
        raise forbidden("only managers, supervisors and admins watch the floor")
    return [{"code": h.code, "name": h.name} for h in ctx.halls.all() if principal.reaches(h.id)]


def _services(ctx, conn, hall, now) -> list[dict]:
    day = local_day(now, hall.timezone)
    oldest = stored.oldest_waiting(conn, hall.id, day)
    result = []
    for summary in queues.services_summary(ctx, conn, hall):
        service = hall.service(summary["code"])
        since = oldest.get(service.id)
        result.append({
            "code": service.code, "name": service.name, "name_en": service.name_en,
            "department": service.department, "waiting": summary["waiting"],
            "oldest_wait_s": round((now - since).total_seconds()) if since else 0,
            "estimated_wait_s": summary["estimated_wait_s"], "open": summary["open"],
            "max_wait_min": service.max_wait_min, "warn_waiting": service.warn_waiting,
        })
    return result


def _staff_names(conn, hall, now) -> tuple[dict[int, str], set[int]]:
    """Per window, who is signed in there, else who called there last today; and the ids of
    the windows someone is signed in at."""
    from queue_server.services.counter import signed_in_user

    names, present = _last_callers(conn, hall, now), set()
    for window in hall.windows:
        person = signed_in_user(conn, window.id)
        if person is not None:
            names[window.id] = person["name"]
            present.add(window.id)
    return names, present


def _last_callers(conn, hall, now) -> dict[int, str]:
    day_start = local_midnight_utc(local_day(now, hall.timezone), hall.timezone)
    return stored.last_callers(conn, hall.id, day_start)


def _windows(conn, hall, now) -> list[dict]:
    """Every window with the screens' own ``state`` (closed / paused / idle / serving)."""
    staff, present = _staff_names(conn, hall, now)
    result = []
    for window, row, state, live in window_rows(conn, hall, now):
        service = hall.service_by_id(row.service_id) if live else None
        result.append({
            "window": window.number, "name": window.name, "state": state,
            "reason": row.pause_reason if row is not None and state == "paused" else None,
            "state_since_s": round((now - row.state_changed_at).total_seconds())
            if row is not None and row.state_changed_at else None,
            "staff": staff.get(window.id), "signed_in": window.id in present,
            "current": {"number": row.number, "service": service.code,
                        "service_name": service.name,
                        "handling_s": round((now - row.called_at).total_seconds()),
                        "max_service_min": service.max_service_min} if live else None,
            "services": [hall.service_by_id(s).code for s in window.service_ids],
        })
    return result


def floor(ctx, principal, hall_code: str) -> dict:
    hall = ctx.halls.get(hall_code)
    require_hall_watcher(principal, hall.id)
    now = ctx.clock()
    today = local_day(now, hall.timezone)
    with ctx.db.read() as conn:
        services = _services(ctx, conn, hall, now)
        window_list = _windows(conn, hall, now)
        rows = reports.report_rows(ctx, conn, hall, Range(hall.timezone, today, today, now),
                                   "hall")
    figures = rows[0] if rows else None
    return {
        "hall": hall.code, "name": hall.name, "timezone": hall.timezone,
        "now": queues.local_iso(now, hall),
        "services": services, "windows": window_list,
        "today": figures, "waiting_now": sum(s["waiting"] for s in services),
        "alerts": supervisor.list_alerts(ctx, principal, hall.code, active_only=True),
    }
