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

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (Double, Integer, and_, case, cast, func, literal, literal_column, select,
                        tuple_, type_coerce)

from queue_server.domain.errors import invalid_request
from queue_server.domain.grades import BAD_GRADES, GRADES
from queue_server.domain.numbering import local_day, local_midnight_utc
from queue_server.domain.statistics import percentile
from queue_server.services import periods, queues
from queue_server.services.accounts import require_hall_manager
from queue_server.storage.db import collecting_p90
from queue_server.storage.models import (alerts, evaluations, services, ticket_events, tickets,
                                         users, window_events)

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


def date_range(ctx, hall, date_from, date_to) -> tuple[date, date]:
    """Default today; ``from`` alone is that one day."""
    today = local_day(ctx.clock(), hall.timezone)
    start = periods.parse_day(date_from, today, "from")
    return periods.checked(start, periods.parse_day(date_to, start if date_from else today, "to"))


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


# Inlined, not bound: SQLite uses the partial index ix_ticket_events_transfers only then.
_TRANSFERRED = literal_column("'transferred'")
_WAIT = _e(tickets.c.first_called_at) - _e(tickets.c.issued_at)
_HANDLING = case((tickets.c.status == "done",
                  _e(tickets.c.finished_at) - _e(tickets.c.called_at)))


def _count_if(condition):
    return func.count().filter(condition)


# Figures of a group of tickets that add up across groups: {label: SQL aggregate}.
_ADDITIVE = {
    "issued": func.count(),
    "served": _count_if(tickets.c.status == "done"),
    "no_show": _count_if(tickets.c.status == "no_show"),
    "wait_n": func.count(_WAIT), "wait_sum": func.sum(_WAIT),
    "handling_n": func.count(_HANDLING), "handling_sum": func.sum(_HANDLING),
    "evaluations": func.count(evaluations.c.id),
    "bad_reviews": _count_if(evaluations.c.grade.in_(BAD_GRADES)),
    # the charts: tickets called within each edge of the wait distribution, ratings per grade
    **{f"wait_under_{m}": _count_if(_WAIT < m * 60) for m in WAIT_BUCKETS_MIN},
    **{f"grade_{grade}": _count_if(evaluations.c.grade == grade) for grade in GRADES},
}
_P90 = {"p90_wait_s": _WAIT, "p90_handling_s": _HANDLING}


def _ticket_figures(conn, by, rng, hall) -> tuple[dict, dict | None]:
    """One pass over the range's tickets and their ratings: {group: figures} and the figures of
    all of them together (None when there are none). The p90s come from SQL aggregates:
    PostgreSQL's ``percentile_cont`` (its GROUPING SETS give the total in the same pass), on
    SQLite ``hallq_p90`` (storage.db), which keeps the values for the total's p90."""
    group, needs_services = _group(by, conn.dialect.name, rng, tickets.c.hall_id,
                                   tickets.c.service_id, tickets.c.window_id,
                                   tickets.c.staff_user_id, tickets.c.issued_at)
    source = tickets.outerjoin(evaluations, evaluations.c.ticket_id == tickets.c.id)
    if needs_services:
        source = source.join(services, services.c.id == tickets.c.service_id)
    columns = [expression.label(label) for label, expression in _ADDITIVE.items()]
    query = select(group.label("g")).select_from(source).where(
        tickets.c.hall_id == hall.id, rng.within(_e(tickets.c.issued_at)))
    if conn.dialect.name == "postgresql":
        columns += [func.percentile_cont(0.9).within_group(value).label(label)
                    for label, value in _P90.items()]
        query = query.add_columns(*columns, func.grouping(group).label("is_total")).group_by(
            func.grouping_sets(tuple_(group), tuple_()))
        rows = [row._asdict() for row in conn.execute(query)]
        total = next((row for row in rows if row.pop("is_total")), None)
        groups = {row["g"]: row for row in rows if row is not total}
    else:
        names = {label: f"hallq_p90_{label}" for label in _P90}
        with collecting_p90(conn, *names.values()) as collected:
            columns += [getattr(func, names[label])(value).label(label)
                        for label, value in _P90.items()]
            groups = {row.g: row._asdict()
                      for row in conn.execute(query.add_columns(*columns).group_by(group))}
            for values in collected.values():
                values.sort()  # the groups' sorted runs, merged
        total = _sum_groups(groups.values(), {label: percentile(collected[name], 90, True)
                                              for label, name in names.items()})
    if total is not None and not total["issued"]:
        total = None
    groups.pop(None, None)  # tickets outside every group (never called: no window, no staff)
    return groups, total


def _sum_groups(groups, p90s: dict) -> dict | None:
    groups = list(groups)
    if not groups:
        return None
    return dict({label: sum(g[label] or 0 for g in groups) for label in _ADDITIVE}, **p90s)


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


def figures(ctx, conn, hall, rng, by: str) -> tuple[list[dict], dict | None, dict]:
    """Rows of figures per group of ``by`` in key order, the row of the whole range (None when
    nothing happened) and the charts' series."""
    groups, total = _ticket_figures(conn, by, rng, hall)
    rows = _rows(ctx, conn, hall, rng, by, groups)
    totals = rows if by == "hall" else _rows(ctx, conn, hall, rng, "hall",
                                             {hall.id: total} if total else {})
    return rows, (totals[0] if totals else None), _charts(total)


def _rows(ctx, conn, hall, rng, by: str, ticket_groups: dict) -> list[dict]:
    """The rows of ``by``: the tickets' figures joined with transfers, pauses and alerts."""
    transfers, alert_counts = _transfers(conn, by, rng, hall), _alerts(conn, by, rng, hall)
    pauses = _pauses(conn, by, rng, hall)
    keys = set(ticket_groups) | set(transfers) | set(pauses) | set(alert_counts)
    labels = _label(ctx, conn, by, hall, rng, keys)
    pause_applies = by in ("hall", "window", "staff", "hour", "day")
    rows = [dict({"key": labels[key][0], "label": labels[key][1]},
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


def _prepare(conn) -> None:
    """Room to sort in memory: PostgreSQL's p90s sort a range's values, which spill to temporary
    files under the default 4 MB ``work_mem`` (this transaction only)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL work_mem = '{SORT_MEMORY_MB}MB'")


def report(ctx, principal, hall_code: str, date_from=None, date_to=None, by="service") -> dict:
    """``GET …/reports``: totals, one row per group of ``by``, and the charts' series."""
    hall = ctx.halls.get(hall_code)
    require_hall_manager(principal, hall.id)
    if by not in DIMENSIONS:
        raise invalid_request(f"'by' must be one of: {', '.join(DIMENSIONS)}")
    start, end = date_range(ctx, hall, date_from, date_to)
    rng = _Range(hall, start, end, ctx.clock())

    def compute(conn):
        _prepare(conn)
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
    require_hall_manager(principal, hall.id)
    start, end = date_range(ctx, hall, date_from, date_to)
    now = ctx.clock()
    rng = _Range(hall, start, end, now)

    def compute(conn):
        _prepare(conn)
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
