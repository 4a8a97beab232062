"""The dashboard's bookings tab (预约, issue 13): today's and the coming days' bookings per
service and slot by state; over the last ``DAYS`` days the no-show (爽约) rate, the share of
tickets that were booked and the booked citizens' waits after check-in (from the later of the
check-in and the slot's start to the first call); and its CSV and Excel export."""

import io
from datetime import time, timedelta

from openpyxl import Workbook
from openpyxl.styles import Font

from queue_server.domain.bookings import slot_utc
from queue_server.domain.numbering import local_day
from queue_server.services.principals import require_hall_watcher
from queue_server.services.spreadsheet import csv_text, safe_cell
from queue_server.storage import bookings as stored

STATES = ("booked", "checked_in", "cancelled", "missed")
DAYS = 30
MAX_DAYS_AHEAD = 14
HEADERS = ["日期", "事项编码", "事项", "时段", "已预约(未签到)", "已签到", "已取消", "爽约"]


def _days_ahead(hall) -> int:
    booking = hall.options.get("booking") or {}
    ahead = [int(rules.get("days_ahead") or 0) for rules in booking.values()
             if isinstance(rules, dict)]
    return min(max(ahead, default=0), MAX_DAYS_AHEAD)


def _rate(part, whole):
    return round(part / whole, 3) if whole else None


def _waits(rows, hall, now) -> dict:
    """Booked citizens' waits after check-in, in seconds: mean and longest of those called,
    and how many still wait."""
    waits, waiting = [], 0
    for row in rows:
        begun = max(row.issued_at, slot_utc(row.local_date, time.fromisoformat(row.slot_start),
                                            hall.timezone))
        if row.first_called_at is not None:
            waits.append(max(0.0, (row.first_called_at - begun).total_seconds()))
        elif row.status == "waiting":
            waiting += 1
    return {"called": len(waits), "waiting_now": waiting,
            "avg_wait_s": round(sum(waits) / len(waits)) if waits else None,
            "max_wait_s": round(max(waits)) if waits else None}


def overview(ctx, principal, hall_code: str) -> dict:
    hall = ctx.halls.get(hall_code)
    require_hall_watcher(principal, hall.id)
    now = ctx.clock()
    today = local_day(now, hall.timezone)
    since = today - timedelta(days=DAYS - 1)
    days = [today + timedelta(days=n) for n in range(_days_ahead(hall) + 1)]
    with ctx.db.read() as conn:
        per_day = {day: stored.count_by_slot(conn, hall.id, day) for day in days}
        counts = stored.state_counts(conn, hall.id, since, today)
        issued, booked = stored.ticket_counts(conn, hall.id, since, today)
        waits = _waits(stored.booked_tickets(conn, hall.id, since, today), hall, now)
    slots = []
    for day in days:
        found: dict = {}
        for row in per_day[day]:
            found.setdefault((row.service_id, row.slot_start), dict.fromkeys(STATES, 0))[
                row.state] = row.n
        for (service_id, slot), figures in sorted(found.items()):
            service = hall.service_by_id(service_id)
            slots.append({"day": day.isoformat(), "service": service.code,
                          "service_name": service.name, "slot": slot, **figures})
    missed, came = counts.get("missed", 0), counts.get("missed", 0) + counts.get(
        "checked_in", 0)
    return {"hall": hall.code, "hall_name": hall.name, "today": today.isoformat(),
            "days": [d.isoformat() for d in days], "slots": slots,
            "figures": {"days": DAYS, "no_show_rate": _rate(missed, came),
                        "missed": missed, "checked_in": counts.get("checked_in", 0),
                        "tickets": issued, "booked_tickets": booked,
                        "booked_share": _rate(booked, issued), **waits}}


def _table(view) -> list[list]:
    return [HEADERS] + [[s["day"], s["service"], s["service_name"], s["slot"],
                         *(s[state] for state in STATES)] for s in view["slots"]]


def _figure_rows(view) -> list[list]:
    f = view["figures"]
    return [[f"近{f['days']}天", ""], ["爽约率", f["no_show_rate"]],
            ["预约取号占比", f["booked_share"]], ["签到后平均等候(秒)", f["avg_wait_s"]],
            ["签到后最长等候(秒)", f["max_wait_s"]], ["正在等候的预约群众", f["waiting_now"]]]


def filename(view, extension: str) -> str:
    return f"bookings-{view['hall']}-{view['today']}.{extension}"


def to_csv(view) -> bytes:
    title = [[f"{view['hall_name']} 预约情况 {view['days'][0]} 至 {view['days'][-1]}"]]
    return csv_text(title + _table(view) + [[]] + _figure_rows(view)).encode("utf-8")


def to_xlsx(view) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "预约"
    sheet.append([safe_cell(f"{view['hall_name']} 预约情况 {view['days'][0]} 至 "
                            f"{view['days'][-1]}")])
    sheet["A1"].font = Font(bold=True, size=14)
    for row in _table(view):
        sheet.append([safe_cell(cell) for cell in row])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    figures = book.create_sheet("指标")
    for row in _figure_rows(view):
        figures.append([safe_cell(cell) for cell in row])
    for column, width in zip("ABCDEFGH", [12, 10, 22, 8, 16, 10, 10, 10]):
        sheet.column_dimensions[column].width = width
    figures.column_dimensions["A"].width = 24
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
