"""Managers' figures for a date range, computed in SQL (SQLite 3.40+ and PostgreSQL 15).

Definitions (DOMAIN.md): wait = first call − issue; handling = finish − latest call, over served
tickets; p90 interpolates linearly between ranks like numpy's default; satisfaction rate = share of
ratings that are not bad; bad-review rate = share that are; evaluation coverage = ratings / served.
Days are the hall's local days, both ends included.

Rows are grouped by one dimension (``by``): hall, department, service, window, staff, hour or
day. Ticket figures group by the ticket (its final service, last window and staff, hour of
issue); transfers by the transfer event in the log (the service, window and staff it left);
pause time by the window's pause events, clipped to the range; alerts by what they concern.
Local hours and days use the zone's UTC offset at the start of the range (China has no DST).

Speed: the ticket figures of a report are one pass over the range's tickets (joined to their
ratings) that gives every group and the total together, p90s and charts included; transfers,
pauses and alerts are small index reads. The pass runs through ``Database.read_only``: on
SQLite it holds no lock against the kiosks and, under eventlet, runs in a native thread.
"""

from datetime import date, timedelta

from queue_server.domain.errors import invalid_request
from queue_server.domain.grades import GRADES
from queue_server.domain.numbering import local_day
from queue_server.services import periods, queues
from queue_server.services.accounts import require_hall_watcher
from queue_server.storage import report_queries as stored
from queue_server.storage.report_queries import WAIT_BUCKETS_MIN

DIMENSIONS = ("hall", "department", "service", "window", "staff", "hour", "day")
FIGURES = ("issued", "served", "no_show", "transfers", "avg_wait_s", "p90_wait_s",
           "avg_handling_s", "p90_handling_s", "evaluations", "bad_reviews",
           "satisfaction_rate", "bad_review_rate", "evaluation_coverage", "pause_s", "alerts")


def date_range(ctx, hall, date_from, date_to) -> tuple[date, date]:
    """Default today; ``from`` alone is that one day."""
    today = local_day(ctx.clock(), hall.timezone)
    start = periods.parse_day(date_from, today, "from")
    return periods.checked(start, periods.parse_day(date_to, start if date_from else today, "to"))


def _rate(part, whole):
    return None if not whole else round(part / whole, 4)


def _round(value):
    return None if value is None else round(float(value), 1)


def _mean(total, count):
    return None if not count else round(float(total) / count, 1)


def _row(figures, transfers, pause, alert_count) -> dict:
    f = figures or {}
    evaluated, bad, served = f.get("evaluations", 0), f.get("bad_reviews") or 0, \
        f.get("served") or 0
    return {
        "issued": f.get("issued", 0), "served": served, "no_show": f.get("no_show") or 0,
        "transfers": transfers or 0,
        "avg_wait_s": _mean(f.get("wait_sum"), f.get("wait_n")),
        "p90_wait_s": _round(f.get("p90_wait_s")),
        "avg_handling_s": _mean(f.get("handling_sum"), f.get("handling_n")),
        "p90_handling_s": _round(f.get("p90_handling_s")),
        "evaluations": evaluated, "bad_reviews": bad,
        "satisfaction_rate": _rate(evaluated - bad, evaluated),
        "bad_review_rate": _rate(bad, evaluated), "evaluation_coverage": _rate(evaluated, served),
        "pause_s": None if pause is None else round(float(pause), 1),
        "alerts": alert_count or 0,
    }


def _label(ctx, conn, by, hall, rng, keys) -> dict:
    if by == "service":
        return {k: (hall.service_by_id(k).code, hall.service_by_id(k).name) for k in keys}
    if by == "window":
        return {k: (hall.window_by_id(k).number, hall.window_by_id(k).name) for k in keys}
    if by == "staff":  # (user id, name, staff number 工号)
        people = stored.staff_names(conn, keys)
        return {k: (k, people[k].name, people[k].staff_no) if k in people else (k, str(k), None)
                for k in keys}
    if by == "hour":
        return {k: (f"{k:02d}", f"{k:02d}:00") for k in keys}
    if by == "day":
        return {k: ((date(1970, 1, 1) + timedelta(days=k)).isoformat(),) * 2 for k in keys}
    if by == "hall":
        return {k: (hall.code, hall.name) for k in keys}
    return {k: (k, k) for k in keys}


def figures(ctx, conn, hall, rng, by: str) -> tuple[list[dict], dict | None, dict]:
    """Rows of figures per group of ``by`` in key order, the row of the whole range (None when
    nothing happened) and the charts' series."""
    groups, total = stored.ticket_figures(conn, by, rng, hall.id)
    rows = _rows(ctx, conn, hall, rng, by, groups)
    totals = rows if by == "hall" else _rows(ctx, conn, hall, rng, "hall",
                                             {hall.id: total} if total else {})
    return rows, (totals[0] if totals else None), _charts(total)


def _rows(ctx, conn, hall, rng, by: str, ticket_groups: dict) -> list[dict]:
    """The rows of ``by``: the tickets' figures joined with transfers, pauses and alerts."""
    transfers = stored.transfers(conn, by, rng, hall.id)
    alert_counts = stored.alerts_raised(conn, by, rng, hall.id)
    pauses = stored.pauses(conn, by, rng, hall.id)
    keys = set(ticket_groups) | set(transfers) | set(pauses) | set(alert_counts)
    labels = _label(ctx, conn, by, hall, rng, keys)
    pause_applies = by in ("hall", "window", "staff", "hour", "day")
    rows = [dict({"key": labels[key][0], "label": labels[key][1]},
                 **({"staff_no": labels[key][2]} if by == "staff" else {}),
                 **_row(ticket_groups.get(key), transfers.get(key),
                        pauses.get(key, 0.0) if pause_applies else None, alert_counts.get(key)))
            for key in keys]
    rows.sort(key=lambda r: (str(type(r["key"])), r["key"]))
    return rows


def report_rows(ctx, conn, hall, rng, by: str) -> list[dict]:
    """One row of figures per group of ``by``, in key order."""
    return figures(ctx, conn, hall, rng, by)[0]


def _charts(total) -> dict:
    """The wait distribution and the ratings per grade, from the range's total figures."""
    total = total or {}
    called = [total.get(f"wait_under_{m}") or 0 for m in WAIT_BUCKETS_MIN] + [
        total.get("wait_n") or 0]
    counts = [called[0]] + [b - a for a, b in zip(called, called[1:])]
    labels = [f"<{WAIT_BUCKETS_MIN[0]}"] + [
        f"{a}-{b}" for a, b in zip(WAIT_BUCKETS_MIN, WAIT_BUCKETS_MIN[1:])] + [
        f"≥{WAIT_BUCKETS_MIN[-1]}"]
    return {"wait_distribution": [{"minutes": label, "tickets": counts[i]}
                                  for i, label in enumerate(labels)],
            "grades": {grade: total.get(f"grade_{grade}") or 0 for grade in GRADES}}


def report(ctx, principal, hall_code: str, date_from=None, date_to=None, by="service") -> dict:
    """``GET …/reports``: totals, one row per group of ``by``, and the charts' series."""
    hall = ctx.halls.get(hall_code)
    require_hall_watcher(principal, hall.id)
    if by not in DIMENSIONS:
        raise invalid_request(f"'by' must be one of: {', '.join(DIMENSIONS)}")
    start, end = date_range(ctx, hall, date_from, date_to)
    rng = stored.Range(hall.timezone, start, end, ctx.clock())

    def compute(conn):
        stored.prepare(conn)
        return figures(ctx, conn, hall, rng, by)

    rows, total, charts = ctx.db.read_only(compute)
    empty = dict({"key": hall.code, "label": hall.name}, **_row(None, 0, 0.0, 0))
    return {"hall": hall.code, "hall_name": hall.name, "from": start.isoformat(),
            "to": end.isoformat(), "by": by, "total": total or empty,
            "rows": rows, "charts": charts}


def _stats_figures(row: dict) -> dict:
    return dict(row, avg_service_s=row["avg_handling_s"])


def stats(ctx, principal, hall_code: str, date_from=None, date_to=None) -> dict:
    """``GET …/stats`` (the contract's figures) from the same SQL as the reports."""
    hall = ctx.halls.get(hall_code)
    require_hall_watcher(principal, hall.id)
    start, end = date_range(ctx, hall, date_from, date_to)
    now = ctx.clock()
    rng = stored.Range(hall.timezone, start, end, now)

    def compute(conn):
        stored.prepare(conn)
        grouped = {by: figures(ctx, conn, hall, rng, by) for by in ("service", "window", "hour")}
        return ({by: rows for by, (rows, _, _) in grouped.items()}, grouped["service"][1],
                sum(queues.waiting_counts(conn, hall, local_day(now, hall.timezone)).values()))

    groups, total, waiting_now = ctx.db.read_only(compute)
    total = total or _row(None, 0, 0.0, 0)
    result = {k: v for k, v in _stats_figures(total).items() if k not in ("key", "label")}
    result.update({
        "hall": hall.code, "from": start.isoformat(), "to": end.isoformat(),
        "waiting_now": waiting_now,
        "by_service": {r["key"]: _stats_figures(r) for r in groups["service"]},
        "by_window": {str(r["key"]): _stats_figures(r) for r in groups["window"]},
        "by_hour": {r["key"]: _stats_figures(r) for r in groups["hour"]},
    })
    return result
