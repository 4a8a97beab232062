"""A few weeks of made-up history for the demo network, so that the network view, the rankings
and the reports show something at the demo's first start.

Each hall gets, on every working day (Monday to Friday) of the last ``DAYS`` days, tickets
issued between 08:30 and 17:30 local time, called after a wait and handled for a while drawn
around the hall's own means, most of them rated (a few badly). Every hall also gets today's
tickets of the last hours, a few still waiting, with staff signed in at some windows of the
halls below the city (the city centre's staff sign in themselves at the counter page). Drawn
from a seeded random generator: the same history every time. Written once per hall (a hall
that already has tickets is left alone), in bulk: under a second.
"""

import random
import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from queue_server.domain.grades import GRADES
from queue_server.storage.models import daily_counters, evaluations, tickets, window_sessions

DAYS = 21
OPENING, CLOSING = time(8, 30), time(17, 30)
TODAY_HOURS = 3
# Per hall: tickets a day, mean wait and handling (minutes), share of ratings that are bad.
PROFILES = {
    "demo": (110, 9.0, 7.0, 0.03), "gjj": (45, 14.0, 9.0, 0.05),
    "xian1": (60, 7.0, 8.0, 0.02), "zhen1": (22, 4.0, 6.0, 0.01),
    "zhen2": (18, 11.0, 7.0, 0.08), "cun1": (6, 2.0, 9.0, 0.0),
    "cun2": (5, 3.0, 10.0, 0.0), "cun3": (4, 6.0, 12.0, 0.1),
}
# Waiting now (today) per hall, and windows with someone signed in (none at the city centre:
# its staff1 … staff6 sign in at the counter page themselves).
TODAY_WAITING = {"demo": 3, "gjj": 7, "xian1": 4, "zhen1": 1, "zhen2": 5, "cun1": 0, "cun2": 1,
                 "cun3": 2}
TODAY_STAFFED = {"demo": 0, "gjj": 2, "xian1": 4, "zhen1": 2, "zhen2": 0, "cun1": 1, "cun2": 1,
                 "cun3": 0}


def _grade(rng: random.Random, bad_share: float) -> str:
    if rng.random() < bad_share:
        return rng.choice(GRADES[3:])
    return rng.choices(GRADES[:3], weights=(6, 3, 1))[0]


class _HallDay:
    """Numbers tickets per service on one day and collects the rows to insert."""

    def __init__(self, hall, day: date, staff: dict):
        self.hall, self.day, self.staff = hall, day, staff
        self.seq: dict[int, int] = {}
        self.tickets: list[dict] = []
        self.ratings: list[dict] = []

    def ticket(self, service, issued: datetime, **values) -> dict:
        self.seq[service.id] = self.seq.get(service.id, 0) + 1
        row = dict(hall_id=self.hall.id, service_id=service.id, original_service_id=service.id,
                   number=f"{service.code}{self.seq[service.id]:03d}", seq=self.seq[service.id],
                   local_date=self.day, priority=False, issued_at=issued, queued_at=issued,
                   called_at=None, first_called_at=None, finished_at=None, window_id=None,
                   staff_user_id=None, recall_count=0, requeued_count=0,
                   track_token=secrets.token_hex(16), status="waiting")
        row.update(values)
        self.tickets.append(row)
        return row

    def served(self, rng, service, issued: datetime, wait_min: float, handle_min: float,
               bad_share: float) -> None:
        windows = [w for w in self.hall.windows if service.id in w.service_ids]
        window = rng.choice(windows)
        called = issued + timedelta(minutes=wait_min)
        no_show = rng.random() < 0.03
        row = self.ticket(service, issued, status="no_show" if no_show else "done",
                          called_at=called, first_called_at=called, window_id=window.id,
                          staff_user_id=self.staff.get(window.id),
                          finished_at=called + timedelta(minutes=0.5 if no_show else handle_min))
        if not no_show and rng.random() < 0.7:
            self.ratings.append(dict(row=row, hall_id=self.hall.id, service_id=service.id,
                                     window_id=window.id, staff_user_id=row["staff_user_id"],
                                     channel="evaluator", grade=_grade(rng, bad_share),
                                     created_at=row["finished_at"] + timedelta(minutes=1)))


def _draw_day(rng, hall, day: date, start: datetime, end: datetime, count: int, staff: dict,
              waiting: int = 0) -> _HallDay:
    """``count`` tickets issued between ``start`` and ``end`` (the last ``waiting`` of them
    still waiting, issued in the last half hour)."""
    per_day, wait_mean, handle_mean, bad_share = PROFILES[hall.code]
    result = _HallDay(hall, day, staff)
    span = (end - start).total_seconds()
    moments = sorted(start + timedelta(seconds=rng.uniform(0, span)) for _ in range(count))
    for issued in moments:
        service = rng.choice(hall.services)
        wait = rng.expovariate(1 / wait_mean)
        if issued + timedelta(minutes=wait) < end:
            result.served(rng, service, issued, wait, max(1.0, rng.gauss(handle_mean, 2.5)),
                          bad_share)
    for _ in range(waiting):
        issued = end - timedelta(minutes=rng.uniform(1, 30))
        result.ticket(rng.choice(hall.services), issued)
    return result


def _working_days(today: date) -> list[date]:
    days = [today - timedelta(days=n) for n in range(DAYS, 0, -1)]
    return [d for d in days if d.weekday() < 5]


def _save(conn, drawn: list[_HallDay]) -> None:
    rows = [t for d in drawn for t in d.tickets]
    if not rows:
        return
    conn.execute(insert(tickets), rows)
    # executemany returns no ids: look them up by tracking token (the hall had no tickets)
    by_token = {token: ticket_id for ticket_id, token in conn.execute(
        select(tickets.c.id, tickets.c.track_token).where(tickets.c.hall_id == drawn[0].hall.id))}
    ratings = [dict({k: v for k, v in r.items() if k != "row"},
                    ticket_id=by_token[r["row"]["track_token"]])
               for d in drawn for r in d.ratings]
    if ratings:
        conn.execute(insert(evaluations), ratings)


def seed_history(ctx, halls, staff: dict, now: datetime | None = None) -> int:
    """Seed every hall of ``halls`` that has no ticket yet; returns how many were seeded.
    ``staff`` maps a hall code to {window id: user id} (who worked there)."""
    now = now or ctx.clock()
    seeded = 0
    for hall in halls:
        with ctx.db.write() as conn:
            if conn.execute(select(func.count()).select_from(tickets)
                            .where(tickets.c.hall_id == hall.id)).scalar():
                continue
            rng = random.Random(f"hallq-demo-{hall.code}")
            _save(conn, _history(rng, hall, now, staff.get(hall.code, {})))
            if hall.code in TODAY_WAITING:
                _today(conn, rng, hall, now, staff.get(hall.code, {}))
        seeded += 1
    return seeded


def _history(rng, hall, now: datetime, staff: dict) -> list[_HallDay]:
    zone = ZoneInfo(hall.timezone)
    today = now.astimezone(zone).date()
    drawn = []
    for day in _working_days(today):
        start = datetime.combine(day, OPENING, zone)
        end = datetime.combine(day, CLOSING, zone)
        count = max(1, round(PROFILES[hall.code][0] * rng.uniform(0.7, 1.3)))
        drawn.append(_draw_day(rng, hall, day, start, end, count, staff))
    return drawn


def _today(conn, rng, hall, now: datetime, staff: dict) -> None:
    """Today's tickets of the last hours (some still waiting), their numbers taken from the
    daily counters, and staff signed in at the first windows."""
    zone = ZoneInfo(hall.timezone)
    today = now.astimezone(zone).date()
    start = max(now - timedelta(hours=TODAY_HOURS), datetime.combine(today, time(0), zone))
    share = (now - start).total_seconds() / ((CLOSING.hour - OPENING.hour) * 3600)
    count = round(PROFILES[hall.code][0] * share)
    drawn = _draw_day(rng, hall, today, start, now, count, staff, TODAY_WAITING[hall.code])
    _save(conn, [drawn])
    if drawn.seq:
        conn.execute(insert(daily_counters), [
            {"service_id": service_id, "local_date": today, "value": value}
            for service_id, value in drawn.seq.items()])
    sessions = [{"hall_id": hall.id, "window_id": window.id, "user_id": staff[window.id],
                 "started_at": start} for window in hall.windows[:TODAY_STAFFED[hall.code]]
                if window.id in staff]
    if sessions:
        conn.execute(insert(window_sessions), sessions)
