"""The live floor for managers' dashboards: queues, windows, open alerts and today's figures."""

from sqlalchemy import func, select

from queue_server.domain.numbering import local_day, local_midnight_utc
from queue_server.services import queues, reports, supervisor
from queue_server.services.accounts import forbidden, require_hall_manager, unauthenticated
from queue_server.storage.models import ticket_events, tickets, users, windows


def supervised_halls(ctx, principal) -> list[dict]:
    """The halls the caller may watch: every hall for an admin, their own for a manager."""
    if principal is None:
        raise unauthenticated()
    if principal.is_user("admin"):
        halls = ctx.halls.all()
    elif principal.is_user("manager"):
        halls = [h for h in ctx.halls.all() if h.id == principal.hall_id]
    else:
        raise forbidden("only managers and admins watch the floor")
    return [{"code": h.code, "name": h.name} for h in halls]


def _services(ctx, conn, hall, now) -> list[dict]:
    day = local_day(now, hall.timezone)
    oldest = dict(conn.execute(
        select(tickets.c.service_id, func.min(tickets.c.queued_at))
        .where(tickets.c.hall_id == hall.id, tickets.c.status == "waiting",
               tickets.c.local_date == day).group_by(tickets.c.service_id)).all())
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


def _staff_names(conn, hall, now) -> dict[int, str]:
    """Per window, who is signed in there, else who called there last today."""
    from queue_server.services.counter import signed_in_user

    names = _last_callers(conn, hall, now)
    for window in hall.windows:
        person = signed_in_user(conn, window.id)
        if person is not None:
            names[window.id] = person["name"]
    return names


def _last_callers(conn, hall, now) -> dict[int, str]:
    day_start = local_midnight_utc(local_day(now, hall.timezone), hall.timezone)
    latest = (select(ticket_events.c.window_id, func.max(ticket_events.c.id).label("id"))
              .where(ticket_events.c.hall_id == hall.id, ticket_events.c.kind == "called",
                     ticket_events.c.at >= day_start)
              .group_by(ticket_events.c.window_id).subquery())
    rows = conn.execute(
        select(latest.c.window_id, func.coalesce(users.c.display_name, users.c.username))
        .select_from(latest).join(ticket_events, ticket_events.c.id == latest.c.id)
        .join(users, users.c.id == ticket_events.c.user_id)).all()
    return dict(rows)


def _windows(conn, hall, now) -> list[dict]:
    rows = {r.id: r for r in conn.execute(
        select(windows.c.id, windows.c.state, windows.c.pause_reason, windows.c.state_changed_at,
               tickets.c.number, tickets.c.service_id, tickets.c.status, tickets.c.called_at)
        .outerjoin(tickets, tickets.c.id == windows.c.current_ticket_id)
        .where(windows.c.hall_id == hall.id))}
    staff = _staff_names(conn, hall, now)
    result = []
    for window in hall.windows:
        row = rows.get(window.id)
        serving = row is not None and row.number is not None and row.status == "called"
        service = hall.service_by_id(row.service_id) if serving else None
        result.append({
            "window": window.number, "name": window.name,
            "state": row.state if row else "closed", "reason": row.pause_reason if row else None,
            "state_since_s": round((now - row.state_changed_at).total_seconds())
            if row is not None and row.state_changed_at else None,
            "staff": staff.get(window.id),
            "current": {"number": row.number, "service": service.code,
                        "service_name": service.name,
                        "handling_s": round((now - row.called_at).total_seconds()),
                        "max_service_min": service.max_service_min} if serving else None,
            "services": [hall.service_by_id(s).code for s in window.service_ids],
        })
    return result


def floor(ctx, principal, hall_code: str) -> dict:
    hall = ctx.halls.get(hall_code)
    require_hall_manager(principal, hall.id)
    now = ctx.clock()
    today = local_day(now, hall.timezone)
    with ctx.db.read() as conn:
        services = _services(ctx, conn, hall, now)
        window_list = _windows(conn, hall, now)
        rows = reports.report_rows(ctx, conn, hall, reports._Range(hall, today, today, now),
                                   "hall")
    figures = rows[0] if rows else None
    return {
        "hall": hall.code, "name": hall.name, "timezone": hall.timezone,
        "now": queues.local_iso(now, hall),
        "services": services, "windows": window_list,
        "today": figures, "waiting_now": sum(s["waiting"] for s in services),
        "alerts": supervisor.list_alerts(ctx, principal, hall.code, active_only=True),
    }
