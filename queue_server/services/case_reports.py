"""限时办结 reports: 办结率, 按时办结率 and working days taken versus promised and statutory
(压缩率) of a hall's cases, by matter, department, kind (五件), window or staff, over local
days (at most a year); as CSV and Excel in ``case_report_export``. One aggregate query; the
total is summed from its rows.

- ``done_rate`` (办结率): cases done / cases accepted (补正 and 不予受理 are not accepted);
- ``on_time_rate`` (按时办结率): cases done by their promised day / cases done;
- ``avg_working_days`` of done cases, ``avg_promised_days`` and ``avg_statutory_days`` of
  accepted ones; ``compression`` (承诺压缩率): 1 − promised / statutory.
"""

from queue_server.domain.catalogue import KINDS
from queue_server.domain.errors import invalid_request
from queue_server.domain.numbering import local_day
from queue_server.services import periods
from queue_server.services.principals import require_hall_watcher
from queue_server.storage import cases as stored

COUNTS = ("cases", "accepted", "corrections", "refused", "done", "on_time", "open", "overdue")
SUMS = ("working", "promised", "statutory")


def _ratio(a, b):
    return None if not b else round(a / b, 4)


def _figures(row: dict) -> dict:
    out = {k: int(row[k] or 0) for k in COUNTS}
    averages = {name: _ratio(row[f"sum_{name}"] or 0, row[f"n_{name}"]) for name in SUMS}
    out.update(done_rate=_ratio(out["done"], out["accepted"]),
               on_time_rate=_ratio(out["on_time"], out["done"]),
               avg_working_days=averages["working"], avg_promised_days=averages["promised"],
               avg_statutory_days=averages["statutory"],
               compression=None if not averages["statutory"] or averages["promised"] is None
               else round(1 - averages["promised"] / averages["statutory"], 4))
    return out


def _total(rows: list) -> dict:
    keys = COUNTS + tuple(f"{p}_{n}" for n in SUMS for p in ("sum", "n"))
    return {k: sum((r[k] or 0) for r in rows) for k in keys}


def _label(hall, by: str, row, names: dict) -> str:
    if by == "matter":
        return row["matter_name"]
    if by == "window":
        window = hall.window_by_id(row["key"])
        return window.name if window else "—"
    if by == "staff":
        return names.get(row["key"], "—")
    if by == "kind":
        return KINDS.get(row["key"], row["key"])
    return row["key"]


def report(ctx, principal, hall_code: str, args) -> dict:
    """``GET …/cases/report?from=&to=&by=``: the hall's managers and supervisors."""
    hall = ctx.halls.get(hall_code)
    require_hall_watcher(principal, hall.id)
    by = args.get("by", "matter")
    if by not in stored.GROUPS:
        raise invalid_request(f"'by' must be one of: {', '.join(stored.GROUPS)}")
    today = local_day(ctx.clock(), hall.timezone)
    start, end = periods.checked(
        periods.parse_day(args.get("from"), today.replace(day=1), "from"),
        periods.parse_day(args.get("to"), today, "to"))
    with ctx.db.read() as conn:
        rows = stored.report(conn, hall.id, start, end, today, by)
        names = stored.staff_names(conn, [r["key"] for r in rows]) if by == "staff" else {}
    return {"hall": hall.code, "hall_name": hall.name, "from": start.isoformat(),
            "to": end.isoformat(), "by": by,
            "total": _figures(_total(rows)),
            "rows": [{"key": r["key"], "label": _label(hall, by, r, names), **_figures(r)}
                     for r in rows]}
