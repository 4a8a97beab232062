"""A simulator scenario (``queue_server.simulation``) derived from a hall's own history.

``scenario_from_history(ctx, hall, days, weekday)`` reads the tickets of the hall's last
``days`` local days before today (only those of ``weekday``, 0 = Monday, when given; only days
with tickets count) and makes of them the scenario of an average such day:

- per service: visits a day, its own arrivals by hour of day (the issue times), the priority
  and no-show shares, and a lognormal handling time fit to the served tickets (call to finish),
  the slowest and quickest 5 % left out so that a forgotten finish does not skew it;
- the hall's windows as configured, their services in preference order, and the pauses that
  recur (begun in the same half hour on at least half of the days, and on two) as breaks;
- the hall's hours from its services' hours (else ``staffed_hours``, else the issue times).
"""

import math
import statistics
from collections import Counter, defaultdict
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from queue_server.domain.errors import invalid_request
from queue_server.domain.numbering import local_day, local_midnight_utc
from queue_server.storage import history as stored

TRIM = 0.05
MIN_SAMPLES = 5
DEFAULT_SIGMA = 0.5
BREAK_MIN_S = 300  # shorter pauses are a clerk stepping away, not a rota's break
# A rota's break begins on the hour or the half hour; a clerk finishing a ticket first begins
# it late: pauses are told apart by the half hour they began in, which is when calls stop.
BUCKET_MIN = 30


def _hhmm(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def fit_lognormal(seconds: list, fallback_s: float) -> tuple[float, float]:
    """(mean minutes, sigma) of a lognormal fit to the trimmed samples."""
    values = sorted(s for s in seconds if s > 0)
    cut = int(len(values) * TRIM)
    values = values[cut:len(values) - cut] if cut else values
    if len(values) < MIN_SAMPLES:
        return round(fallback_s / 60, 2), DEFAULT_SIGMA
    logs = [math.log(v) for v in values]
    mu, sigma = statistics.fmean(logs), statistics.pstdev(logs)
    sigma = min(1.5, max(0.05, sigma))
    return round(math.exp(mu + sigma * sigma / 2) / 60, 2), round(sigma, 3)


def _day_range(ctx, hall, days: int, weekday):
    if not isinstance(days, int) or not 1 <= days <= 366:
        raise invalid_request("days must be a whole number from 1 to 366")
    if weekday is not None and (not isinstance(weekday, int) or not 0 <= weekday <= 6):
        raise invalid_request("weekday must be 0 (Monday) to 6 (Sunday)")
    today = local_day(ctx.clock(), hall.timezone)
    return today - timedelta(days=days), today - timedelta(days=1), today


def _hours(hall, rows, zone) -> tuple[str, str]:
    from queue_server.services.supervisor import staffed_hours

    periods = [p for s in hall.services if s.active for p in s.hours] or list(
        staffed_hours(hall))
    if periods:
        return _hhmm(min(a for a, _ in periods)), _hhmm(max(b for _, b in periods))
    issued = [r.issued_at.astimezone(zone).hour for r in rows]
    return f"{min(issued):02d}:00", f"{min(23, max(issued) + 1):02d}:00"


def recurring_breaks(conn, hall, first, last, day_count: int | None = None) -> dict:
    """Window id -> ``[(start, end)]`` minutes of the local day of the pauses that recur in
    the local days ``first``..``last``: begun in the same half hour on at least half of
    ``day_count`` days (default: the days with any pause) and on two at least; its end is
    the median end, to 5 minutes (a clerk who finishes a ticket first begins late, not
    ends late)."""
    zone = ZoneInfo(hall.timezone)
    since = local_midnight_utc(first, hall.timezone)
    until = local_midnight_utc(last + timedelta(days=1), hall.timezone)
    began, found, days = {}, defaultdict(list), set()
    for window_id, kind, at in stored.pauses(conn, hall.id, since, until):
        days.add(at.astimezone(zone).date())
        if kind == "paused":
            began.setdefault(window_id, at)
        elif window_id in began:
            start = began.pop(window_id).astimezone(zone)
            if (at - start).total_seconds() >= BREAK_MIN_S:
                bucket = start.hour * 60 + start.minute // BUCKET_MIN * BUCKET_MIN
                end = at.astimezone(zone)
                found[(window_id, bucket)].append(
                    (start.date(), (end.date() - start.date()).days * 1440
                     + end.hour * 60 + end.minute))
    day_count = day_count or len(days)
    result = defaultdict(list)
    for (window_id, bucket), seen in sorted(found.items()):
        seen_days = len({d for d, _ in seen})
        if seen_days < 2 or seen_days * 2 < day_count:
            continue
        end = round(statistics.median(e for _, e in seen) / 5) * 5
        result[window_id].append((bucket, min(max(end, bucket + 5), 23 * 60 + 59)))
    return dict(result)


def _breaks(conn, hall, first, last, day_count: int) -> dict:
    """Window id -> recurring breaks as ``"HH:MM-HH:MM"``."""
    return {window_id: [f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}"
                        for a, b in spans]
            for window_id, spans in recurring_breaks(conn, hall, first, last,
                                                     day_count).items()}


def scenario_from_history(ctx, hall, days: int = 20, weekday: int | None = None) -> dict:
    """The scenario of an average day of the hall's recent history; see the module docstring."""
    from queue_server.services.estimates import default_handling_s

    first, last, today = _day_range(ctx, hall, days, weekday)
    zone = ZoneInfo(hall.timezone)
    with ctx.db.read() as conn:
        rows = [r for r in stored.day_tickets(conn, hall.id, first, last)
                if weekday is None or r.local_date.weekday() == weekday]
        day_count = len({r.local_date for r in rows})
        if not day_count:
            raise invalid_request("the hall has no tickets in the days asked for")
        breaks = _breaks(conn, hall, first, last, day_count)
    opens, closes = _hours(hall, rows, zone)
    by_service = defaultdict(list)
    for r in rows:
        by_service[r.original_service_id].append(r)
    services = [_service(s, by_service.get(s.id, []), day_count, zone,
                         default_handling_s(ctx, s))
                for s in hall.services if s.active]
    codes = {s.id: s.code for s in hall.services if s.active}
    windows = [{"number": w.number,
                "services": [codes[i] for i in w.service_ids if i in codes],
                "breaks": breaks.get(w.id, [])}
               for w in hall.windows if w.active and any(i in codes for i in w.service_ids)]
    if not windows:
        raise invalid_request("the hall has no active window serving an active service")
    called = [r for r in rows if r.status in ("done", "no_show")]
    measured = today
    while weekday is not None and measured.weekday() != weekday:
        measured += timedelta(days=1)
    return {
        "name": f"{hall.name}（{day_count} 天历史）", "timezone": hall.timezone,
        "date": measured.isoformat(), "open": opens, "close": closes,
        "no_show_share": round(sum(r.status == "no_show" for r in called)
                               / len(called), 3) if called else 0.0,
        "priority_share": round(sum(bool(r.priority) for r in rows) / len(rows), 3),
        "history": {"days": day_count, "first": first.isoformat(), "last": last.isoformat(),
                    "weekday": weekday, "tickets": len(rows)},
        "services": services, "windows": windows,
    }


def _service(service, rows, day_count: int, zone, fallback_s: float) -> dict:
    by_hour = Counter(r.issued_at.astimezone(zone).hour for r in rows)
    handling = [(r.finished_at - r.called_at).total_seconds() for r in rows
                if r.status == "done" and r.called_at and r.finished_at]
    mean_min, sigma = fit_lognormal(handling, fallback_s)
    spec = {"code": service.code, "name": service.name,
            "visits": round(len(rows) / day_count, 2),
            "arrivals_by_hour": {h: round(n / day_count, 2) for h, n in sorted(by_hour.items())},
            "handling_min": mean_min, "handling_sigma": sigma,
            "max_wait_min": service.max_wait_min}
    if service.hours_spec:
        spec["hours"] = list(service.hours_spec)
    return spec

