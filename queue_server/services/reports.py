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
"""

from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (Double, Integer, and_, case, cast, func, literal, literal_column, select,
                        type_coerce)

from queue_server.domain.errors import invalid_request
from queue_server.domain.grades import BAD_GRADES, GRADES
from queue_server.domain.numbering import local_day, local_midnight_utc
from queue_server.services import queues
from queue_server.services.accounts import require_hall_manager
from queue_server.storage.models import (alerts, evaluations, services, ticket_events, tickets,
                                         users, window_events)

MAX_RANGE_DAYS = 366
DIMENSIONS = ("hall", "department", "service", "window", "staff", "hour", "day")
WAIT_BUCKETS_MIN = (5, 10, 15, 20, 30, 45, 60)
PAUSE_LOOKBACK_S = 7 * 86400
SORT_MEMORY_MB = 64
FIGURES = ("issued", "served", "no_show", "transfers", "avg_wait_s", "p90_wait_s",
           "avg_handling_s", "p90_handling_s", "evaluations", "bad_reviews",
           "satisfaction_rate", "bad_review_rate", "evaluation_coverage", "pause_s", "alerts")


def _e(column):
    """A Timestamp column as plain epoch seconds, for arithmetic."""
    return type_coerce(column, Double())


def _parse_day(value: str | None, default: date, name: str) -> date:
    if value is None:
        return default
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise invalid_request(f"'{name}' must be a date YYYY-MM-DD")


def date_range(ctx, hall, date_from, date_to) -> tuple[date, date]:
    today = local_day(ctx.clock(), hall.timezone)
    start = _parse_day(date_from, today, "from")
    end = _parse_day(date_to, start if date_from else today, "to")
    if end < start or (end - start).days >= MAX_RANGE_DAYS:
        raise invalid_request("'to' must be on or after 'from', at most a year later")
    return start, end


class _Range:
    """The UTC bounds of local days ``start``…``end`` and the zone's offset, as SQL values."""

    def __init__(self, hall, start: date, end: date, now: datetime):
        self.start, self.end = start, end
        self.a = local_midnight_utc(start, hall.timezone).timestamp()
        self.b = local_midnight_utc(end + timedelta(days=1), hall.timezone).timestamp()
        self.now = min(now.timestamp(), self.b)
        first = datetime.combine(start, datetime.min.time(), ZoneInfo(hall.timezone))
        self.offset = first.utcoffset().total_seconds()

    def within(self, column):
        return and_(column >= literal(self.a, Double()), column < literal(self.b, Double()))


def _floor_div(dialect: str, value, unit: int):
    if dialect == "postgresql":
        return cast(func.floor(value / unit), Integer)
    return cast(value / unit, Integer)  # SQLite truncates; epoch seconds are positive


def _group(by, dialect, rng, hall_id, service_id, window_id, user_id, at):
    """The SQL expression a source's rows group on, or None when the dimension does not apply;
    and whether it needs ``services`` joined."""
    local = _e(at) + rng.offset
    return {
        "hall": (hall_id, False),
        "department": (services.c.department if service_id is not None else None, True),
        "service": (service_id, False),
        "window": (window_id, False),
        "staff": (user_id, False),
        "hour": (_floor_div(dialect, local, 3600) % 24, False),
        "day": (_floor_div(dialect, local, 86400), False),
    }[by]


def _grouped(conn, by, rng, table, where, hall_id, service_id, window_id, user_id, at, columns,
             joins=()):
    """``SELECT group, columns… FROM table … GROUP BY group`` → {group: row}; {} if n/a."""
    group, needs_services = _group(by, conn.dialect.name, rng, hall_id, service_id, window_id,
                                   user_id, at)
    if group is None:
        return {}
    source = table
    for joined, on in joins:
        source = source.outerjoin(joined, on)
    if needs_services:
        source = source.join(services, services.c.id == service_id)
    query = (select(group.label("g"), *columns).select_from(source)
             .where(*where, group.is_not(None)).group_by(group))
    return {row.g: row for row in conn.execute(query)}


def _p90(conn, by, rng, hall, where, value, prune=True):
    """The 90th percentile of ``value`` per group over the range's tickets (window functions).

    Only values at or above their group's mean are sorted (the p90 of a right-skewed quantity
    such as a wait lies above its mean); those below are only counted, and their count shifts
    the ranks. A group whose p90 is not among its sorted values is computed again unpruned.
    """
    group, needs_services = _group(by, conn.dialect.name, rng, tickets.c.hall_id,
                                   tickets.c.service_id, tickets.c.window_id,
                                   tickets.c.staff_user_id, tickets.c.issued_at)
    source = tickets.join(services, services.c.id == tickets.c.service_id) if needs_services \
        else tickets
    where = [*where, value.is_not(None), group.is_not(None)]
    means = (select(group.label("g"), func.avg(value).label("mean"), func.count().label("n"))
             .select_from(source).where(*where).group_by(group).subquery())
    above = value >= means.c.mean if prune else literal(True)
    ranked = (select(group.label("g"), value.label("v"), means.c.n,
                     (func.row_number().over(partition_by=group, order_by=value) - 1).label("i"),
                     func.count().over(partition_by=group).label("m"))
              .select_from(source.join(means, means.c.g == group)).where(*where, above)
              .subquery())
    rank = ranked.c.i + ranked.c.n - ranked.c.m  # rank among all the group's values
    lower = (ranked.c.n - 1) * 9 // 10
    fraction = cast((ranked.c.n - 1) * 9 % 10, Double()) / 10.0
    query = select(ranked.c.g, func.sum(case(
        (rank == lower, ranked.c.v * (1 - fraction)),
        (rank == lower + 1, ranked.c.v * fraction), else_=0.0)),
        func.sum(case((rank == lower, 1), else_=0))).group_by(ranked.c.g)
    rows = conn.execute(query).all()
    if prune and not all(found for _, _, found in rows):
        return _p90(conn, by, rng, hall, where, value, prune=False)
    return {g: p90 for g, p90, _ in rows}


# Inlined, not bound: SQLite uses the partial index ix_ticket_events_transfers only then.
_TRANSFERRED = literal_column("'transferred'")
_WAIT = _e(tickets.c.first_called_at) - _e(tickets.c.issued_at)
_HANDLING = case((tickets.c.status == "done",
                  _e(tickets.c.finished_at) - _e(tickets.c.called_at)))


def _ticket_figures(conn, by, rng, hall) -> tuple[dict, dict, dict]:
    where = [tickets.c.hall_id == hall.id, rng.within(_e(tickets.c.issued_at))]
    args = (tickets.c.hall_id, tickets.c.service_id, tickets.c.window_id,
            tickets.c.staff_user_id, tickets.c.issued_at)
    columns = [
        func.count().label("issued"),
        func.sum(case((tickets.c.status == "done", 1), else_=0)).label("served"),
        func.sum(case((tickets.c.status == "no_show", 1), else_=0)).label("no_show"),
        func.avg(_WAIT).label("avg_wait_s"), func.avg(_HANDLING).label("avg_handling_s"),
        func.count(evaluations.c.id).label("evaluations"),
        func.sum(case((evaluations.c.grade.in_(BAD_GRADES), 1), else_=0)).label("bad_reviews"),
    ]
    main = _grouped(conn, by, rng, tickets, where, *args, columns,
                    joins=[(evaluations, evaluations.c.ticket_id == tickets.c.id)])
    return main, _p90(conn, by, rng, hall, where, _WAIT), _p90(conn, by, rng, hall, where,
                                                               _HANDLING)


def _transfers(conn, by, rng, hall) -> dict:
    te = ticket_events.c
    rows = _grouped(conn, by, rng, ticket_events,
                    [te.hall_id == hall.id, te.kind == _TRANSFERRED, rng.within(_e(te.at))],
                    te.hall_id, te.service_id, te.window_id, te.user_id, te.at,
                    [func.count().label("n")])
    return {g: r.n for g, r in rows.items()}


def _alerts(conn, by, rng, hall) -> dict:
    ac = alerts.c
    rows = _grouped(conn, by, rng, alerts,
                    [ac.hall_id == hall.id, rng.within(_e(ac.raised_at))],
                    ac.hall_id, ac.service_id, ac.window_id, None, ac.raised_at,
                    [func.count().label("n")])
    return {g: r.n for g, r in rows.items()}


def _pauses(conn, by, rng, hall) -> dict:
    """Seconds paused per group: each pause runs until the window's next event (or now),
    clipped to the range."""
    we = window_events.c
    log = (select(we.hall_id, we.window_id, we.user_id, we.kind, we.at,
                  func.lead(_e(we.at)).over(partition_by=we.window_id,
                                            order_by=(we.at, we.id)).label("next_at"))
           .where(we.hall_id == hall.id, _e(we.at) < rng.b,
                  _e(we.at) >= rng.a - PAUSE_LOOKBACK_S).subquery())
    start = case((_e(log.c.at) < rng.a, rng.a), else_=_e(log.c.at))
    until = func.coalesce(log.c.next_at, rng.now)
    end = case((until > rng.b, rng.b), else_=until)
    seconds = case((and_(log.c.kind == "paused", end > start), end - start), else_=0.0)
    rows = _grouped(conn, by, rng, log, [], log.c.hall_id, None, log.c.window_id, log.c.user_id,
                    log.c.at, [func.sum(seconds).label("s")])
    return {g: r.s for g, r in rows.items()}


def _rate(part, whole):
    return None if not whole else round(part / whole, 4)


def _round(value):
    return None if value is None else round(float(value), 1)


def _row(main, p90_wait, p90_handling, transfers, pause, alert_count) -> dict:
    evaluated = main.evaluations if main else 0
    bad = (main.bad_reviews or 0) if main else 0
    served = (main.served or 0) if main else 0
    return {
        "issued": main.issued if main else 0, "served": served,
        "no_show": (main.no_show or 0) if main else 0, "transfers": transfers or 0,
        "avg_wait_s": _round(main.avg_wait_s) if main else None, "p90_wait_s": _round(p90_wait),
        "avg_handling_s": _round(main.avg_handling_s) if main else None,
        "p90_handling_s": _round(p90_handling), "evaluations": evaluated, "bad_reviews": bad,
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
    if by == "staff":
        names = dict(conn.execute(select(users.c.id, func.coalesce(users.c.display_name,
                                                                   users.c.username))
                                  .where(users.c.id.in_(list(keys)))).all()) if keys else {}
        return {k: (k, names.get(k, str(k))) for k in keys}
    if by == "hour":
        return {k: (f"{k:02d}", f"{k:02d}:00") for k in keys}
    if by == "day":
        return {k: ((date(1970, 1, 1) + timedelta(days=k)).isoformat(),) * 2 for k in keys}
    if by == "hall":
        return {k: (hall.code, hall.name) for k in keys}
    return {k: (k, k) for k in keys}


def report_rows(ctx, conn, hall, rng, by: str) -> list[dict]:
    """One row of figures per group of ``by``, in key order."""
    main, p90_wait, p90_handling = _ticket_figures(conn, by, rng, hall)
    transfers, pauses = _transfers(conn, by, rng, hall), _pauses(conn, by, rng, hall)
    alert_counts = _alerts(conn, by, rng, hall)
    keys = set(main) | set(transfers) | set(pauses) | set(alert_counts)
    pause_applies = by in ("hall", "window", "staff", "hour", "day")
    labels = _label(ctx, conn, by, hall, rng, keys)
    rows = []
    for key in keys:
        row = _row(main.get(key), p90_wait.get(key), p90_handling.get(key), transfers.get(key),
                   pauses.get(key, 0.0) if pause_applies else None, alert_counts.get(key))
        rows.append(dict({"key": labels[key][0], "label": labels[key][1]}, **row))
    rows.sort(key=lambda r: (str(type(r["key"])), r["key"]))
    return rows


def _charts(conn, rng, hall) -> dict:
    """The wait distribution and the ratings per grade, in one pass over the range."""
    edges = [m * 60 for m in WAIT_BUCKETS_MIN]
    bucket = case((tickets.c.first_called_at.is_(None), -1),
                  *((_WAIT < edge, i) for i, edge in enumerate(edges)), else_=len(edges))
    rows = conn.execute(
        select(bucket, evaluations.c.grade, func.count())
        .select_from(tickets.outerjoin(evaluations, evaluations.c.ticket_id == tickets.c.id))
        .where(tickets.c.hall_id == hall.id, rng.within(_e(tickets.c.issued_at)))
        .group_by(bucket, evaluations.c.grade)).all()
    waits, grades = [0] * (len(edges) + 1), dict.fromkeys(GRADES, 0)
    for index, grade, count in rows:
        if index >= 0:
            waits[index] += count
        if grade in grades:
            grades[grade] += count
    labels = [f"<{WAIT_BUCKETS_MIN[0]}"] + [
        f"{a}-{b}" for a, b in zip(WAIT_BUCKETS_MIN, WAIT_BUCKETS_MIN[1:])] + [
        f"≥{WAIT_BUCKETS_MIN[-1]}"]
    return {"wait_distribution": [{"minutes": label, "tickets": waits[i]}
                                  for i, label in enumerate(labels)], "grades": grades}


@contextmanager
def _reading(ctx):
    """A read transaction with room to sort: the p90s sort a range's tickets, which spills to
    temporary files under PostgreSQL's default 4 MB ``work_mem`` (this transaction only)."""
    with ctx.db.read() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SET LOCAL work_mem = '{SORT_MEMORY_MB}MB'")
        yield conn


def report(ctx, principal, hall_code: str, date_from=None, date_to=None, by="service") -> dict:
    """``GET …/reports``: totals, one row per group of ``by``, and the charts' series."""
    hall = ctx.halls.get(hall_code)
    require_hall_manager(principal, hall.id)
    if by not in DIMENSIONS:
        raise invalid_request(f"'by' must be one of: {', '.join(DIMENSIONS)}")
    start, end = date_range(ctx, hall, date_from, date_to)
    rng = _Range(hall, start, end, ctx.clock())
    with _reading(ctx) as conn:
        total = report_rows(ctx, conn, hall, rng, "hall")
        rows = total if by == "hall" else report_rows(ctx, conn, hall, rng, by)
        charts = _charts(conn, rng, hall)
    empty = dict({"key": hall.code, "label": hall.name}, **_row(None, None, None, 0, 0.0, 0))
    return {"hall": hall.code, "hall_name": hall.name, "from": start.isoformat(),
            "to": end.isoformat(), "by": by, "total": total[0] if total else empty,
            "rows": rows, "charts": charts}


def _stats_figures(row: dict) -> dict:
    return dict(row, avg_service_s=row["avg_handling_s"])


def stats(ctx, principal, hall_code: str, date_from=None, date_to=None) -> dict:
    """``GET …/stats`` (the contract's figures) from the same SQL as the reports."""
    hall = ctx.halls.get(hall_code)
    require_hall_manager(principal, hall.id)
    start, end = date_range(ctx, hall, date_from, date_to)
    now = ctx.clock()
    rng = _Range(hall, start, end, now)
    with _reading(ctx) as conn:
        groups = {by: report_rows(ctx, conn, hall, rng, by)
                  for by in ("hall", "service", "window", "hour")}
        waiting_now = sum(queues.waiting_counts(conn, hall, local_day(now, hall.timezone))
                          .values())
    total = groups["hall"][0] if groups["hall"] else dict(_row(None, None, None, 0, 0.0, 0))
    result = {k: v for k, v in _stats_figures(total).items() if k not in ("key", "label")}
    result.update({
        "hall": hall.code, "from": start.isoformat(), "to": end.isoformat(),
        "waiting_now": waiting_now,
        "by_service": {r["key"]: _stats_figures(r) for r in groups["service"]},
        "by_window": {str(r["key"]): _stats_figures(r) for r in groups["window"]},
        "by_hour": {r["key"]: _stats_figures(r) for r in groups["hour"]},
    })
    return result
