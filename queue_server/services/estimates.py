"""Wait estimates from the hall's forecast (``domain.forecast``), made once per change.

``refresh(ctx, hall)`` reads the hall's state (waiting tickets, windows and what they serve now,
recent handling times and arrivals), plays it forward and keeps the result per hall in
``ctx.caches``. The server runs it coalesced and off the request path
(``realtime.estimates``: once per burst of changes); the simulator after each step.

Readers never simulate: a new ticket reads its class's tail time plus one step per ticket of
its class issued since the forecast (``new_ticket_wait_s``), a waiting ticket its own call time
(``ticket_wait_s``). Only a hall without a forecast, or one older than ``MAX_AGE_S`` on the
context's clock, is forecast on the spot.
"""

import itertools
import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from queue_server.domain.calling import POLICIES
from queue_server.domain.estimate import handling_estimate_s
from queue_server.domain.forecast import (
    HallNow,
    Waiting,
    WindowNow,
    expected_return,
    forecast,
    hours_gaps,
)
from queue_server.domain.numbering import local_day
from queue_server.services.history_scenario import BUCKET_MIN, recurring_breaks
from queue_server.storage import estimates as stored
from queue_server.storage import tickets as stored_tickets

MAX_AGE_S = 60.0          # an older forecast is made again by the reader
ARRIVALS_WINDOW_S = 1800  # expected arrivals: the rate of the last half hour
HANDLING_SAMPLES = 30
HANDLING_TTL_S = 60.0     # on the context's clock
PAUSE_HISTORY_DAYS = 20
DEFAULT_PAUSE_S = 1800.0  # a paused window's expected pause without history
_lock = threading.Lock()
_reads = itertools.count(1)  # each forecast's read, in order


class Snapshot:
    def __init__(self, made_at, result, seen=frozenset(), read=0):
        self.made_at, self.result = made_at, result
        self.seen = seen  # the waiting tickets the forecast read
        self.read = read  # order of the reads: a forecast read later replaces it, not earlier
        self.issued: dict[tuple, int] = {}  # (service, priority) -> tickets issued since
        self.tickets: dict[int, tuple] = {}  # ticket id -> ((service, priority), issued at)

    def count_issued(self, ticket_id: int, key: tuple, at) -> int:
        """Count a ticket issued after this forecast (call under ``_lock``); how many of its
        class were before it."""
        before = self.issued.get(key, 0)
        self.issued[key] = before + 1
        self.tickets[ticket_id] = (key, at)
        return before

    def carry_from(self, older: "Snapshot") -> None:
        """Count here the tickets counted in ``older`` that this forecast did not read: those
        issued while it was being read and played forward (call under ``_lock``)."""
        for ticket_id, (key, at) in older.tickets.items():
            if at >= self.made_at and ticket_id not in self.seen:
                self.count_issued(ticket_id, key, at)


def default_handling_s(ctx, service) -> float:
    return (float(service.max_service_min * 30) if service.max_service_min
            else ctx.settings.default_handling_s)


def handling_samples(ctx, conn, hall, now) -> dict[int, list]:
    """Per service, ``(hour of day, seconds)`` its latest tickets held their window (served
    or no-show), newest first; read again once ``HANDLING_TTL_S`` old on the context's clock."""
    cache = ctx.caches.setdefault("forecast_handling", {})
    hit = cache.get(hall.id)
    if hit is not None and 0 <= (now - hit[1]).total_seconds() < HANDLING_TTL_S:
        return hit[0]
    zone = ZoneInfo(hall.timezone)
    samples = {}
    for service in hall.services:
        rows = stored.occupancy(conn, service.id, HANDLING_SAMPLES)
        samples[service.id] = [(c.astimezone(zone).hour, (f - c).total_seconds())
                               for c, f in rows if c is not None]
    cache[hall.id] = (samples, now)
    return samples


def pause_samples(ctx, conn, hall, now) -> list:
    """``(hour of day begun, seconds)`` of the hall's pauses of the last
    ``PAUSE_HISTORY_DAYS`` that ended, cached like the handling times."""
    cache = ctx.caches.setdefault("forecast_pauses", {})
    hit = cache.get(hall.id)
    if hit is not None and 0 <= (now - hit[1]).total_seconds() < HANDLING_TTL_S:
        return hit[0]
    zone = ZoneInfo(hall.timezone)
    samples, began = [], {}
    for window_id, kind, at in stored.pauses(conn, hall.id,
                                             now - timedelta(days=PAUSE_HISTORY_DAYS)):
        if kind == "paused":
            began.setdefault(window_id, at)
        elif window_id in began:
            start = began.pop(window_id)
            samples.append((start.astimezone(zone).hour, (at - start).total_seconds()))
    samples.reverse()  # newest first
    cache[hall.id] = (samples, now)
    return samples


def break_schedule(ctx, conn, hall, now) -> dict:
    """Window id -> its recurring breaks ``[(start, end)]`` (minutes of the local day) over
    the ``PAUSE_HISTORY_DAYS`` before today (``history_scenario.recurring_breaks``: a lunch
    rota); read once per hall and local day."""
    day = local_day(now, hall.timezone)
    cache = ctx.caches.setdefault("forecast_breaks", {})
    hit = cache.get(hall.id)
    if hit is not None and hit[1] == day:
        return hit[0]
    result = recurring_breaks(conn, hall, day - timedelta(days=PAUSE_HISTORY_DAYS),
                              day - timedelta(days=1))
    cache[hall.id] = (result, day)
    return result


def _scheduled(spans, row, now, zone) -> tuple:
    """The window's breaks still to come today as UTC ``(start, end)``; one begun already
    counts while the window still serves a ticket called before it (the clerk goes after)."""
    day = now.astimezone(zone).date()
    result = []
    for a, b in spans:
        start = datetime.combine(day, time(a // 60, a % 60), zone)
        end = datetime.combine(day, time(b // 60, b % 60), zone)
        if start > now or (end > now and row.status == "called" and row.called_at is not None
                           and row.called_at < start):
            result.append((start, end))
    return tuple(result)


def _back_from_break(spans, since, now, zone):
    """A window paused at ``since`` within a recurring break's first half hour: back at that
    break's end (``expected_return`` once past it); else None."""
    local = since.astimezone(zone)
    minute = local.hour * 60 + local.minute
    for a, b in spans:
        if a <= minute < a + BUCKET_MIN:
            end = datetime.combine(local.date(), time(b // 60, b % 60), zone)
            return expected_return(since, max(60.0, (end - since).total_seconds()), now)
    return None


def hall_now(ctx, conn, hall, now) -> HallNow:
    """The hall's state as the forecast needs it."""
    zone = ZoneInfo(hall.timezone)
    hour = now.astimezone(zone).hour
    samples = handling_samples(ctx, conn, hall, now)
    handling = {s.id: handling_estimate_s(samples.get(s.id, []), hour, default_handling_s(ctx, s))
                for s in hall.services}
    windows = []
    breaks = break_schedule(ctx, conn, hall, now)
    for row in stored.window_rows(conn, hall.id):
        info = hall.window_by_id(row.id)
        if info is None or not info.active or row.state not in ("open", "paused"):
            continue
        back, spans = None, breaks.get(row.id, ())
        if row.state == "paused":  # back after its break, or its typical pause (history)
            since = row.state_changed_at or now
            back = _back_from_break(spans, since, now, zone)
            if back is None:
                typical = handling_estimate_s(pause_samples(ctx, conn, hall, now),
                                              since.astimezone(zone).hour, DEFAULT_PAUSE_S)
                back = expected_return(since, typical, now)
        serving = row.status == "called" and row.called_at is not None
        windows.append(WindowNow(row.id, tuple(info.service_ids),
                                 row.service_id if serving else None,
                                 row.called_at if serving else None, back,
                                 off=_gaps(hall, info, now) + _scheduled(spans, row, now, zone)))
    day = local_day(now, hall.timezone)
    waiting = [Waiting(r.id, r.service_id, bool(r.priority), r.queued_at, r.target_window_id)
               for r in stored.waiting(conn, [s.id for s in hall.services], day)]
    since = now - timedelta(seconds=ARRIVALS_WINDOW_S)
    rates = {k: n * 3600.0 / ARRIVALS_WINDOW_S
             for k, n in stored.issued_since(conn, hall.id, since).items()}
    policy = ctx.settings.call_policy if ctx.settings.call_policy in POLICIES else "preference"
    return HallNow(now, tuple(windows), tuple(waiting), handling,
                   {s.id: s.max_wait_s for s in hall.services}, rates, policy,
                   ctx.settings.default_handling_s)


def _gaps(hall, window, now) -> tuple:
    """When the window's hours (its services' hours, else the hall's ``staffed_hours``) keep it
    from calling, from now to the day's last closing."""
    from queue_server.services.supervisor import staffed_hours

    fallback = staffed_hours(hall)
    periods = [hall.service_by_id(s).hours or fallback for s in window.service_ids]
    return hours_gaps(periods, now, hall.timezone)


def refresh(ctx, hall, conn=None) -> Snapshot:
    """Forecast the hall now and keep the result (the coalesced re-estimation)."""
    now, read = ctx.clock(), next(_reads)
    if conn is None:
        with ctx.db.read() as conn:
            state = hall_now(ctx, conn, hall, now)
    else:
        state = hall_now(ctx, conn, hall, now)
    # The play-forward is pure CPU (tens of ms with thousands waiting): under eventlet it runs
    # in a native thread (``db.offload``), so calls and their pushes are not held up behind it.
    snap = Snapshot(now, ctx.db.offload(lambda: forecast(state)),
                    frozenset(w.ticket_id for w in state.waiting), read)
    with _lock:
        kept = ctx.caches.setdefault("forecasts", {})
        older = kept.get(hall.id)
        if older is not None and older.read > snap.read:
            return older  # a forecast read after this one finished first: it stands
        if older is not None:
            snap.carry_from(older)
        kept[hall.id] = snap
    return snap


def snapshot(ctx, conn, hall, now) -> Snapshot:
    snap = ctx.caches.get("forecasts", {}).get(hall.id)
    if snap is None or not 0 <= (now - snap.made_at).total_seconds() <= MAX_AGE_S:
        snap = refresh(ctx, hall, conn)
    return snap


def new_ticket_wait_s(ctx, conn, hall, service, priority: bool, ticket_id: int | None = None,
                      ahead: int | None = None) -> int:
    """The wait of a ticket issued now for ``service``. With ``ticket_id``, that ticket was
    just issued: the next one of its class waits a step longer. ``ahead``: the tickets of its
    class waiting before it, when the caller has counted them already (the naive formula's
    input when the forecast has no answer; counting a long queue twice doubled its cost)."""
    now = ctx.clock()
    snap = snapshot(ctx, conn, hall, now)
    if ticket_id is not None and ticket_id in snap.result.call_at:  # forecast just now
        return _told(ctx, hall, ticket_id, now, snap.result.wait_s(ticket_id, now))
    key = (service.id, bool(priority))
    with _lock:
        before = (snap.issued.get(key, 0) if ticket_id is None
                  else snap.count_issued(ticket_id, key, now))
    wait = snap.result.new_ticket_wait_s(service.id, bool(priority), now, before)
    if wait is None:
        if ahead is None:
            day = local_day(now, hall.timezone)
            ahead = (stored_tickets.waiting_count(conn, service.id, day, bool(priority))
                     - (ticket_id is not None))
        wait = _naive(ctx, conn, service, ahead)
    return wait if ticket_id is None else _told(ctx, hall, ticket_id, now, wait)


def ticket_wait_s(ctx, conn, hall, row) -> int:
    """The expected wait from now of a waiting ticket."""
    now = ctx.clock()
    snap = snapshot(ctx, conn, hall, now)
    wait = snap.result.wait_s(row["id"], now)
    if wait is None:  # issued after the forecast: it sits at its class's tail
        wait = snap.result.new_ticket_wait_s(row["service_id"], bool(row["priority"]), now)
    if wait is None:
        from queue_server.services import queues  # (queues reads this module)

        wait = _naive(ctx, conn, hall.service_by_id(row["service_id"]),
                      queues.waiting_ahead(conn, row, hall, now))
    return _told(ctx, hall, row["id"], now, wait)


def _told(ctx, hall, ticket_id: int, now: datetime, wait_s: int) -> int:
    """Remember the call time this process last told about a ticket (its ticket, its phone):
    the live pushes compare the next forecast with it, so a ticket told a tail estimate before
    any forecast held it still hears when the first forecast moves it (``take_told``)."""
    with _lock:
        ctx.caches.setdefault("told", {}).setdefault(hall.id, {})[ticket_id] = (
            now, now + timedelta(seconds=wait_s))
    return wait_s


def take_told(ctx, hall, made_at: datetime) -> dict:
    """The call times told since the last take (ticket id -> time), dropping them from memory,
    except those told after the forecast ``made_at`` (that forecast may not hold them yet)."""
    with _lock:
        told = ctx.caches.setdefault("told", {}).setdefault(hall.id, {})
        taken = {i: at for i, (when, at) in told.items() if when <= made_at}
        for ticket_id in taken:
            del told[ticket_id]
    return taken


def _naive(ctx, conn, service, ahead: int) -> int:
    """No open window serves the service: the naive formula, as if one opens."""
    from queue_server.services import queues

    return queues.naive_estimate(ctx, conn, service, ahead, 0)
