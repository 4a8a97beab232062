"""The managers' view of bookings (预约): a day's slots with their bookings by state, and the
no-show (爽约) rate of the last ``days`` days (missed / (missed + checked in))."""

from datetime import timedelta

from queue_server.domain.numbering import local_day
from queue_server.services import periods
from queue_server.services.principals import require_hall_watcher
from queue_server.storage import bookings as stored

STATES = ("booked", "checked_in", "cancelled", "missed")
NO_SHOW_DAYS = 30


def day_view(ctx, principal, hall_code: str, day_text=None) -> dict:
    hall = ctx.halls.get(hall_code)
    require_hall_watcher(principal, hall.id)
    today = local_day(ctx.clock(), hall.timezone)
    day = periods.parse_day(day_text, today, "day")  # YYYY-MM-DD only, 1970-2099
    with ctx.db.read() as conn:
        rows = stored.count_by_slot(conn, hall.id, day)
        counts = stored.state_counts(conn, hall.id, today - timedelta(days=NO_SHOW_DAYS), today)
    slots: dict = {}
    for row in rows:
        key = (hall.service_by_id(row.service_id).code, row.slot_start)
        slots.setdefault(key, dict.fromkeys(STATES, 0))[row.state] = row.n
    came = counts.get("checked_in", 0) + counts.get("missed", 0)
    return {"day": day.isoformat(), "slots": [
        {"service": service, "slot": slot, **figures}
        for (service, slot), figures in sorted(slots.items())],
        "no_show_days": NO_SHOW_DAYS,
        "no_show_rate": round(counts.get("missed", 0) / came, 3) if came else None}
