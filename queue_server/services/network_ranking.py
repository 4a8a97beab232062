"""效能排名: the halls of a supervisor's subtree, or the departments across them, ranked over a
period (``from``/``to``, the local days of the subtree's top hall, both ends included).

Figures, with the reports' definitions (services.reports): tickets issued in the period; average
wait (first call − issue) and average handling (finish − latest call, served tickets);
satisfaction (share of ratings that are not bad) and bad reviews; overdue (超时等候): tickets
called after their service's ``max_wait_min``, or still waiting past it. One grouped query over
the period's tickets, whatever the number of halls.

Ranked by satisfaction (highest first; halls without ratings last), then the shorter average
wait, then more tickets.
"""

from queue_server.domain.errors import invalid_request
from queue_server.services import reports
from queue_server.services.network_summary import scope
from queue_server.storage.network_ranking import grouped
from queue_server.storage.report_queries import Range

BY = ("hall", "department")
COLUMNS = (("tickets", "办件量"), ("avg_wait_s", "平均等候(秒)"),
           ("avg_handling_s", "平均办理(秒)"), ("satisfaction_rate", "满意率"),
           ("evaluations", "评价数"), ("bad_reviews", "差评数"), ("overdue", "超时件数"))


def _row(key, label, r) -> dict:
    rated, bad = (r.evaluations, r.bad_reviews or 0) if r else (0, 0)
    mean = (lambda v: None if v is None else round(float(v), 1))
    return {"key": key, "label": label, "tickets": r.tickets if r else 0,
            "avg_wait_s": mean(r.avg_wait_s) if r else None,
            "avg_handling_s": mean(r.avg_handling_s) if r else None,
            "satisfaction_rate": round((rated - bad) / rated, 4) if rated else None,
            "evaluations": rated, "bad_reviews": bad, "overdue": r.overdue if r else 0}


def _rank_key(row):
    rate, wait = row["satisfaction_rate"], row["avg_wait_s"]
    return (rate is None, -(rate or 0), wait is None, wait or 0, -row["tickets"])


def ranking(ctx, principal, by="hall", date_from=None, date_to=None, root=None) -> dict:
    """``GET /network/ranking``: ranked rows (``rank`` from 1) for the subtree and period."""
    if by not in BY:
        raise invalid_request(f"'by' must be one of: {', '.join(BY)}")
    places = scope(ctx, principal, root)
    top = ctx.halls.get(places[0]["code"])
    start, end = reports.date_range(ctx, top, date_from, date_to)
    rng = Range(top.timezone, start, end, ctx.clock())
    infos = {ctx.halls.get(p["code"]).id: p for p in places}
    found = {r.g: r for r in ctx.db.read_only(
        lambda conn: grouped(conn, by, list(infos), rng))}
    if by == "hall":
        rows = [dict(_row(p["code"], p["name"], found.get(hall_id)), level=p["level"])
                for hall_id, p in infos.items()]
    else:
        rows = [_row(key, key, r) for key, r in found.items() if key]
    rows.sort(key=_rank_key)
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return {"root": top.code, "root_name": top.name, "by": by, "from": start.isoformat(),
            "to": end.isoformat(), "rows": rows}
