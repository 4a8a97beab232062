"""Live figures of many halls at once, for the city network view (services.network_summary):
a few grouped queries whatever the number of halls (never one query per hall).

Per hall: people waiting and the longest wait now; windows in the configuration, staffed
(someone signed in at the counter) and open (staffed and neither paused nor closed); today's
tickets, served, average wait and the ratings (the same definitions as ``services.reports``:
tickets issued on the hall's local day, joined to their ratings, so a hall's row equals its own
day report); open alerts by level.

Halls are grouped by time zone so that "today" is each hall's own local day; a city has one
zone, so the ticket figures are one query.
"""

from datetime import timedelta

from sqlalchemy import Double, and_, func, select, type_coerce

from queue_server.domain.grades import BAD_GRADES
from queue_server.domain.numbering import local_day, local_midnight_utc
from queue_server.storage.models import alerts, evaluations, tickets, window_sessions, windows

# Halls per IN (…) list: a city's 745 in one statement; SQLite takes 32,766 parameters.
CHUNK = 2000


def _e(column):
    return type_coerce(column, Double())


_WAIT = _e(tickets.c.first_called_at) - _e(tickets.c.issued_at)


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _today_query(ids, start: float, end: float):
    """Today's tickets of halls ``ids`` joined to their ratings, grouped by hall. (The planner
    picks the join: with little history PostgreSQL hashes the ratings, with a year of it probes
    the unique ``evaluations.ticket_id`` per ticket of today; measured faster on both than a
    correlated subquery per ticket.)"""
    waiting = tickets.c.status == "waiting"
    return (select(
        tickets.c.hall_id, func.count().label("issued"),
        func.count().filter(waiting).label("waiting"),
        func.min(_e(tickets.c.queued_at)).filter(waiting).label("oldest"),
        func.count().filter(tickets.c.status == "done").label("served"),
        func.count(_WAIT).label("wait_n"), func.sum(_WAIT).label("wait_sum"),
        func.count(evaluations.c.id).label("evaluations"),
        func.count().filter(evaluations.c.grade.in_(BAD_GRADES)).label("bad_reviews"))
        .select_from(tickets.outerjoin(evaluations, evaluations.c.ticket_id == tickets.c.id))
        .where(tickets.c.hall_id.in_(ids), _e(tickets.c.issued_at) >= start,
               _e(tickets.c.issued_at) < end)
        .group_by(tickets.c.hall_id))


def _today_tickets(conn, halls, now) -> dict:
    """{hall id: row} of today's ticket figures, one query per time zone (and chunk)."""
    by_zone: dict[str, list] = {}
    for hall in halls:
        by_zone.setdefault(hall.timezone, []).append(hall.id)
    result = {}
    for zone, ids in by_zone.items():
        day = local_day(now, zone)
        start = local_midnight_utc(day, zone).timestamp()
        end = local_midnight_utc(day + timedelta(days=1), zone).timestamp()
        for chunk in _chunks(ids):
            result.update({row.hall_id: row
                           for row in conn.execute(_today_query(chunk, start, end))})
    return result


def _windows(conn, ids) -> dict:
    """{hall id: (staffed, open)}: windows with someone signed in, and of those the ones
    neither paused nor closed."""
    staffed = window_sessions.c.id.is_not(None)
    result = {}
    for chunk in _chunks(ids):
        query = (select(windows.c.hall_id, func.count().filter(staffed).label("staffed"),
                        func.count().filter(and_(staffed, windows.c.state == "open"))
                        .label("open"))
                 .select_from(windows.outerjoin(window_sessions, and_(
                     window_sessions.c.window_id == windows.c.id,
                     window_sessions.c.ended_at.is_(None))))
                 .where(windows.c.hall_id.in_(chunk), windows.c.active)
                 .group_by(windows.c.hall_id))
        result.update({row.hall_id: (row.staffed, row.open) for row in conn.execute(query)})
    return result


def _open_alerts(conn, ids) -> dict:
    """{hall id: {level: count}} of the alerts not yet cleared."""
    result: dict = {}
    for chunk in _chunks(ids):
        query = (select(alerts.c.hall_id, alerts.c.level, func.count().label("n"))
                 .where(alerts.c.hall_id.in_(chunk), alerts.c.cleared_at.is_(None))
                 .group_by(alerts.c.hall_id, alerts.c.level))
        for row in conn.execute(query):
            result.setdefault(row.hall_id, {})[row.level] = row.n
    return result


def _rate(part, whole):
    return None if not whole else round(part / whole, 4)


def hall_figures(conn, halls, now) -> dict:
    """{hall id: figures} for ``halls`` (HallInfo objects) at ``now``."""
    ids = [hall.id for hall in halls]
    if conn.dialect.name == "postgresql":
        # These small grouped reads cost more to JIT-compile (~50 ms) than to run.
        conn.exec_driver_sql("SET LOCAL jit = off")
    today, staffing, open_alerts = (_today_tickets(conn, halls, now), _windows(conn, ids),
                                    _open_alerts(conn, ids))
    result = {}
    for hall in halls:
        t = today.get(hall.id)
        rated, bad = (t.evaluations, t.bad_reviews or 0) if t else (0, 0)
        staffed, open_ = staffing.get(hall.id, (0, 0))
        levels = open_alerts.get(hall.id, {})
        result[hall.id] = {
            "waiting": t.waiting if t else 0,
            "longest_wait_s": round(now.timestamp() - t.oldest) if t and t.oldest else 0,
            "windows": len(hall.windows), "windows_staffed": staffed, "windows_open": open_,
            "issued": t.issued if t else 0, "called": t.wait_n if t else 0,
            "served": t.served if t else 0,
            "avg_wait_s": round(float(t.wait_sum) / t.wait_n, 1) if t and t.wait_n else None,
            "evaluations": rated, "bad_reviews": bad,
            "satisfaction_rate": _rate(rated - bad, rated),
            "alerts_red": levels.get("red", 0), "alerts_yellow": levels.get("yellow", 0),
        }
    return result
