"""The SQL of the managers' reports: one pass over a range's tickets, and small index reads.

The figures' definitions are in ``services/reports.py`` (and DOMAIN.md); this module builds and
runs the queries. Times are compared as epoch seconds (``_e``) so that one expression serves
SQLite and PostgreSQL; local hours and days use the zone's UTC offset at the start of the range
(China has no DST). p90s: PostgreSQL's ``percentile_cont`` with ``GROUPING SETS`` (the total in
the same pass); SQLite's ``hallq_p90`` aggregate (``storage.db``), which keeps each group's
sorted values so the total's p90 is a merge of sorted runs.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (Double, Integer, and_, case, cast, func, literal, literal_column, select,
                        tuple_, type_coerce)

from queue_server.domain.grades import BAD_GRADES, GRADES
from queue_server.domain.numbering import local_midnight_utc
from queue_server.domain.statistics import percentile
from queue_server.storage.db import collecting_p90
from queue_server.storage.models import (alerts, evaluations, services, ticket_events, tickets,
                                         users, window_events)

WAIT_BUCKETS_MIN = (5, 10, 15, 20, 30, 45, 60)
PAUSE_LOOKBACK_S = 7 * 86400
SORT_MEMORY_MB = 64


def _e(column):
    """A Timestamp column as plain epoch seconds, for arithmetic."""
    return type_coerce(column, Double())


class Range:
    """The UTC bounds of local days ``start``…``end`` and the zone's offset, as SQL values."""

    def __init__(self, timezone: str, start: date, end: date, now: datetime):
        self.start, self.end = start, end
        self.a = local_midnight_utc(start, timezone).timestamp()
        self.b = local_midnight_utc(end + timedelta(days=1), timezone).timestamp()
        self.now = min(now.timestamp(), self.b)
        first = datetime.combine(start, datetime.min.time(), ZoneInfo(timezone))
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


def ticket_figures(conn, by, rng, hall_id: int) -> tuple[dict, dict | None]:
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
        tickets.c.hall_id == hall_id, rng.within(_e(tickets.c.issued_at)))
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


def transfers(conn, by, rng, hall_id: int) -> dict:
    te = ticket_events.c
    rows = _grouped(conn, by, rng, ticket_events,
                    [te.hall_id == hall_id, te.kind == _TRANSFERRED, rng.within(_e(te.at))],
                    te.hall_id, te.service_id, te.window_id, te.user_id, te.at,
                    [func.count().label("n")])
    return {g: r.n for g, r in rows.items()}


def alerts_raised(conn, by, rng, hall_id: int) -> dict:
    ac = alerts.c
    rows = _grouped(conn, by, rng, alerts,
                    [ac.hall_id == hall_id, rng.within(_e(ac.raised_at))],
                    ac.hall_id, ac.service_id, ac.window_id, None, ac.raised_at,
                    [func.count().label("n")])
    return {g: r.n for g, r in rows.items()}


def pauses(conn, by, rng, hall_id: int) -> dict:
    """Seconds paused per group: each pause runs until the window's next event (or now),
    clipped to the range."""
    we = window_events.c
    log = (select(we.hall_id, we.window_id, we.user_id, we.kind, we.at,
                  func.lead(_e(we.at)).over(partition_by=we.window_id,
                                            order_by=(we.at, we.id)).label("next_at"))
           .where(we.hall_id == hall_id, _e(we.at) < rng.b,
                  _e(we.at) >= rng.a - PAUSE_LOOKBACK_S).subquery())
    start = case((_e(log.c.at) < rng.a, rng.a), else_=_e(log.c.at))
    until = func.coalesce(log.c.next_at, rng.now)
    end = case((until > rng.b, rng.b), else_=until)
    seconds = case((and_(log.c.kind == "paused", end > start), end - start), else_=0.0)
    rows = _grouped(conn, by, rng, log, [], log.c.hall_id, None, log.c.window_id, log.c.user_id,
                    log.c.at, [func.sum(seconds).label("s")])
    return {g: r.s for g, r in rows.items()}


def staff_names(conn, user_ids) -> dict:
    """User id -> row (id, name: display name else user name, staff_no) of those given."""
    if not user_ids:
        return {}
    return {r.id: r for r in conn.execute(
        select(users.c.id, func.coalesce(users.c.display_name, users.c.username).label("name"),
               users.c.staff_no).where(users.c.id.in_(list(user_ids))))}


def prepare(conn) -> None:
    """Room to sort in memory: PostgreSQL's p90s sort a range's values, which spill to temporary
    files under the default 4 MB ``work_mem`` (this transaction only)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL work_mem = '{SORT_MEMORY_MB}MB'")
