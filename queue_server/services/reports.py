"""Managers' figures: the hall's statistics for a date range, and its supervision alerts.

Definitions (DOMAIN.md): wait = first call − issue; handling = finish − latest call, over served
tickets; satisfaction rate = share of ratings that are not bad (非常满意, 满意, 基本满意).
Days are the hall's local days, both ends included.
"""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from queue_server.domain.errors import invalid_request
from queue_server.domain.grades import is_bad
from queue_server.domain.numbering import local_day
from queue_server.domain.statistics import mean, percentile, satisfaction_rate
from queue_server.services import queues
from queue_server.services.accounts import require_hall_manager
from queue_server.storage.models import alerts, evaluations, services, tickets, windows

MAX_RANGE_DAYS = 366


def _parse_day(value: str | None, default: date, name: str) -> date:
    if value is None:
        return default
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise invalid_request(f"'{name}' must be a date YYYY-MM-DD")


def _figures(rows, grades) -> dict:
    waits = [(r.first_called_at - r.issued_at).total_seconds()
             for r in rows if r.first_called_at is not None]
    handling = [(r.finished_at - r.called_at).total_seconds()
                for r in rows if r.status == "done" and r.finished_at and r.called_at]
    counts = {}
    for grade in grades:
        counts[grade] = counts.get(grade, 0) + 1
    rate = satisfaction_rate(counts)
    return {
        "issued": len(rows), "served": sum(r.status == "done" for r in rows),
        "no_show": sum(r.status == "no_show" for r in rows),
        "avg_wait_s": _round(mean(waits)), "p90_wait_s": _round(percentile(waits, 90)),
        "avg_service_s": _round(mean(handling)),
        "evaluations": len(grades), "bad_reviews": sum(is_bad(g) for g in grades),
        "satisfaction_rate": None if rate is None else round(rate, 4),
    }


def _round(value):
    return None if value is None else round(value, 1)


def _grouped(rows, grade_by_ticket, key) -> dict:
    groups: dict = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return {k: _figures(v, [grade_by_ticket[r.id] for r in v if r.id in grade_by_ticket])
            for k, v in groups.items()}


def stats(ctx, principal, hall_code: str, date_from=None, date_to=None) -> dict:
    hall = ctx.halls.get(hall_code)
    require_hall_manager(principal, hall.id)
    today = local_day(ctx.clock(), hall.timezone)
    start = _parse_day(date_from, today, "from")
    end = _parse_day(date_to, start if date_from else today, "to")
    if end < start or (end - start).days >= MAX_RANGE_DAYS:
        raise invalid_request("'to' must be on or after 'from', at most a year later")
    with ctx.db.read() as conn:
        rows = conn.execute(
            select(tickets.c.id, tickets.c.status, tickets.c.service_id, tickets.c.window_id,
                   tickets.c.issued_at, tickets.c.first_called_at, tickets.c.called_at,
                   tickets.c.finished_at, services.c.code.label("service_code"),
                   windows.c.number.label("window_number"))
            .join(services, services.c.id == tickets.c.service_id)
            .outerjoin(windows, windows.c.id == tickets.c.window_id)
            .where(tickets.c.hall_id == hall.id, tickets.c.local_date >= start,
                   tickets.c.local_date <= end)
        ).all()
        grade_rows = conn.execute(
            select(evaluations.c.ticket_id, evaluations.c.grade)
            .join(tickets, tickets.c.id == evaluations.c.ticket_id)
            .where(tickets.c.hall_id == hall.id, tickets.c.local_date >= start,
                   tickets.c.local_date <= end)
        ).all()
        waiting_now = sum(queues.waiting_counts(conn, hall, today).values())
    grade_by_ticket = dict(grade_rows)
    zone = ZoneInfo(hall.timezone)
    result = _figures(rows, list(grade_by_ticket.values()))
    result.update({
        "hall": hall.code, "from": start.isoformat(), "to": end.isoformat(),
        "waiting_now": waiting_now,
        "by_service": _grouped(rows, grade_by_ticket, lambda r: r.service_code),
        "by_window": {str(k): v for k, v in
                      _grouped([r for r in rows if r.window_number is not None], grade_by_ticket,
                               lambda r: r.window_number).items()},
        "by_hour": {f"{k:02d}": v for k, v in sorted(
            _grouped(rows, grade_by_ticket, lambda r: r.issued_at.astimezone(zone).hour).items())},
    })
    return result


def list_alerts(ctx, principal, hall_code: str, active_only: bool = False) -> list[dict]:
    hall = ctx.halls.get(hall_code)
    require_hall_manager(principal, hall.id)
    since = ctx.clock() - timedelta(days=1)
    query = select(alerts).where(alerts.c.hall_id == hall.id)
    if active_only:
        query = query.where(alerts.c.cleared_at.is_(None))
    else:
        query = query.where(alerts.c.cleared_at.is_(None) | (alerts.c.raised_at >= since))
    with ctx.db.read() as conn:
        rows = conn.execute(query.order_by(alerts.c.raised_at.desc()).limit(500)).mappings().all()
        numbers = dict(conn.execute(
            select(tickets.c.id, tickets.c.number)
            .where(tickets.c.id.in_([r["ticket_id"] for r in rows if r["ticket_id"]]))
        ).all())
    result = []
    for row in rows:
        window = hall.window_by_id(row["window_id"])
        result.append({
            "id": row["id"], "kind": row["kind"], "level": row["level"],
            "ticket": numbers.get(row["ticket_id"]), "window": window.number if window else None,
            "service": hall.service_by_id(row["service_id"]).code if row["service_id"] else None,
            "raised_at": queues.local_iso(row["raised_at"], hall),
            "cleared_at": queues.local_iso(row["cleared_at"], hall), "data": row["data"],
        })
    return result
