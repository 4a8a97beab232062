"""Wait estimates by forward simulation of the hall from its current state (pure; no I/O).

``forecast(state)`` plays the hall forward, deterministically, from ``state.now``:

- every window that can call (open, or paused with an expected return ``available_at``) becomes
  free when its current ticket ends — expected handling time minus the time already spent on it, but
  never less than ``RESIDUAL_FLOOR`` of the handling time (a ticket that has run long is likely
  to run on a little) — or at once when idle, or at its return;
- a free window picks its next ticket with ``domain.calling.choose_next`` — the very rule the
  call button runs: overdue first, transferred-here next, then the window's service order and
  call policy — over the heads of its queues, exactly as ``services.calling`` does;
- the ticket then occupies the window for its service's expected handling time;
- expected arrivals (``arrivals_per_h`` per service and priority class) join the queues at
  evenly spaced times for the next ``ARRIVALS_FOR_S`` (at most ``ARRIVALS_MAX``): priority
  tickets overtake waiting ones, and arrivals for a service a window prefers keep it away
  from the others;
- a window calls nobody in its hours' gaps (``off``, e.g. the lunch break of its services);
- one zero-length *probe* per service and class, queued at ``now`` behind everybody, tells
  when a ticket issued now would be called: the tail time a new ticket reads without running
  the simulation again (``Forecast.new_ticket_wait_s``).

A waiting ticket that no window will call (no window serves its service) gets no estimate.
The run stops when every waiting ticket and probe is called, or at ``HORIZON_S``.
"""

import heapq
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from queue_server.domain.calling import Candidate, choose_next
from queue_server.domain.numbering import require_aware

RESIDUAL_FLOOR = 0.4    # a ticket past its expected length: at least this share still to go
HORIZON_S = 12 * 3600   # never simulate past this
ARRIVALS_FOR_S = 2 * 3600  # expected arrivals only this far ahead: a rate says no more
# At most this many expected arrivals per run: ten times a city centre's two busiest hours.
# A burst (a load test issuing hundreds a second) made the last half hour's rate say tens of
# thousands, and handing them out was most of the forecast's time.
ARRIVALS_MAX = 2000
_PROBE_ID = 10 ** 15     # probes and expected arrivals sort after every real ticket id
_ARRIVAL_ID = 2 * 10 ** 15


@dataclass(frozen=True)
class Waiting:
    ticket_id: int
    service_id: int
    priority: bool
    queued_at: datetime
    target_window_id: int | None = None  # transferred to that window


@dataclass(frozen=True)
class WindowNow:
    window_id: int
    service_order: tuple            # preference order
    serving_service_id: int | None = None
    serving_since: datetime | None = None
    available_at: datetime | None = None  # a paused window's expected return (None: open now)
    off: tuple = ()                 # (start, end) times it calls nobody: its hours' gaps


@dataclass(frozen=True)
class HallNow:
    now: datetime
    windows: Sequence[WindowNow]    # windows that call (open, or paused with a known return)
    waiting: Sequence[Waiting]
    handling_s: Mapping[int, float]  # expected handling time per service
    max_wait_s: Mapping[int, int | None] = field(default_factory=dict)
    arrivals_per_h: Mapping[tuple, float] = field(default_factory=dict)  # (service, priority)
    policy: str = "preference"
    default_handling_s: float = 300.0


@dataclass
class Forecast:
    at: datetime
    call_at: dict                  # ticket id -> expected call time
    tail_at: dict                  # (service id, priority) -> a new ticket's call time
    step_s: dict                   # service id -> seconds each further new ticket adds:
    #                                handling time / windows that called the service

    def wait_s(self, ticket_id: int, now: datetime) -> int | None:
        at = self.call_at.get(ticket_id)
        return None if at is None else max(0, round((at - now).total_seconds()))

    def new_ticket_wait_s(self, service_id: int, priority: bool, now: datetime,
                          issued_since: int = 0) -> int | None:
        """The wait of a ticket issued at ``now``, ``issued_since`` tickets of its class having
        been issued since the forecast was made (each adds ``step_s``)."""
        at = self.tail_at.get((service_id, priority))
        if at is None:
            return None
        extra = issued_since * self.step_s.get(service_id, 0.0)
        return max(0, round((at - now).total_seconds() + extra))


class _Queues:
    """The hall's queues: per (service, priority) and per target window, oldest first."""

    def __init__(self, waiting: Sequence[Waiting]):
        self.of_class: dict[tuple, deque] = {}
        self.targeted: dict[int, deque] = {}
        for w in sorted(waiting, key=lambda w: (w.queued_at, w.ticket_id)):
            self.add(w)

    def add(self, w: Waiting) -> None:
        if w.target_window_id is not None:
            self.targeted.setdefault(w.target_window_id, deque()).append(w)
        else:
            self.of_class.setdefault((w.service_id, w.priority), deque()).append(w)

    def heads(self, window: WindowNow) -> list[Candidate]:
        result = []
        for service_id in window.service_order:
            for priority in (True, False):
                queue = self.of_class.get((service_id, priority))
                if queue:
                    h = queue[0]
                    result.append(Candidate(h.ticket_id, h.service_id, h.priority, h.queued_at))
        queue = self.targeted.get(window.window_id)
        if queue:
            h = queue[0]
            result.append(Candidate(h.ticket_id, h.service_id, h.priority, h.queued_at, True))
        return result

    def pop(self, window: WindowNow, choice: Candidate) -> None:
        key = (choice.service_id, choice.priority)
        if choice.targeted:
            self.targeted[window.window_id].popleft()
        else:
            self.of_class[key].popleft()


class _Arrivals:
    """Expected arrivals, evenly spaced from ``now`` (the first one interval after it)."""

    def __init__(self, now: datetime, rates_per_h: Mapping[tuple, float], served: set):
        self._gaps = {k: timedelta(seconds=3600.0 / r)
                      for k, r in rates_per_h.items() if r > 0 and k[0] in served}
        self._next = {k: now + g for k, g in self._gaps.items()}
        self._end = now + timedelta(seconds=ARRIVALS_FOR_S)
        # (time, key) of each class's next arrival: the soonest on top, ties in key order
        self._heap = sorted((at, k) for k, at in self._next.items() if at <= self._end)
        self._n = 0

    def until(self, t: datetime) -> list[Waiting]:
        """The arrivals due by ``t`` not handed out yet, in (time, class) order."""
        heap, due = self._heap, []
        while heap and heap[0][0] <= t and self._n < ARRIVALS_MAX:
            at, key = heapq.heappop(heap)
            self._n += 1
            due.append(Waiting(_ARRIVAL_ID + self._n, key[0], key[1], at))
            self._next[key] = at + self._gaps[key]
            if self._next[key] <= self._end:
                heapq.heappush(heap, (self._next[key], key))
        return due

    def next_for(self, service_ids) -> datetime | None:
        if self._n >= ARRIVALS_MAX:
            return None
        times = [t for k, t in self._next.items() if k[0] in service_ids and t <= self._end]
        return min(times) if times else None


def handling_of(state: HallNow, service_id: int) -> float:
    return state.handling_s.get(service_id, state.default_handling_s)


def expected_return(paused_at: datetime, typical_s: float, now: datetime) -> datetime:
    """When a window paused at ``paused_at`` is expected back: after its typical pause, and
    once past that, ``RESIDUAL_FLOOR`` of it from now."""
    back = paused_at + timedelta(seconds=typical_s)
    return max(back, now + timedelta(seconds=RESIDUAL_FLOOR * typical_s))


def _free_at(state: HallNow, window: WindowNow) -> datetime:
    start = max(state.now, window.available_at) if window.available_at else state.now
    if window.serving_service_id is None or window.serving_since is None:
        return start
    mean = handling_of(state, window.serving_service_id)
    spent = max(0.0, (state.now - window.serving_since).total_seconds())
    return max(start, state.now + timedelta(seconds=max(mean - spent, RESIDUAL_FLOOR * mean)))


def _probes(state: HallNow, served: set) -> list[Waiting]:
    probes, n = [], 0
    for service_id in sorted(served):
        for priority in (False, True):
            n += 1
            probes.append(Waiting(_PROBE_ID + n, service_id, priority, state.now))
    return probes


def forecast(state: HallNow) -> Forecast:
    """Play the hall forward from ``state``; see the module docstring."""
    require_aware(state.now)
    served = {s for w in state.windows for s in w.service_order}
    probes = _probes(state, served)
    probe_key = {p.ticket_id: (p.service_id, p.priority) for p in probes}
    queues = _Queues(list(state.waiting) + probes)
    arrivals = _Arrivals(state.now, state.arrivals_per_h, served)
    left = {w.ticket_id for w in state.waiting if _callable(w, state, served)} | set(probe_key)
    heap = [(_free_at(state, w), i) for i, w in enumerate(state.windows)]
    heapq.heapify(heap)
    horizon = state.now + timedelta(seconds=HORIZON_S)
    call_at, calls_by_service = {}, {}
    while heap and left:
        t, i = heapq.heappop(heap)
        if t > horizon:
            break
        for arrival in arrivals.until(t):
            queues.add(arrival)
        window = state.windows[i]
        back = _back_from_gap(window, t)
        if back is not None:
            heapq.heappush(heap, (back, i))
            continue
        choice = choose_next(queues.heads(window), window.service_order, state.max_wait_s, t,
                             state.policy)
        if choice is None:
            wake = arrivals.next_for(window.service_order)
            if wake is not None:
                heapq.heappush(heap, (wake, i))
            continue
        queues.pop(window, choice)
        left.discard(choice.ticket_id)
        length = 0.0
        if choice.ticket_id < _PROBE_ID or choice.ticket_id > _ARRIVAL_ID:
            length = handling_of(state, choice.service_id)
            calls_by_service.setdefault(choice.service_id, set()).add(i)
        if choice.ticket_id < _ARRIVAL_ID:
            call_at[choice.ticket_id] = t
        heapq.heappush(heap, (t + timedelta(seconds=length), i))
    return _result(state, call_at, probe_key, calls_by_service, served)


def _back_from_gap(window: WindowNow, t: datetime) -> datetime | None:
    for start, end in window.off:
        if start <= t < end:
            return end
    return None


def hours_gaps(periods: Sequence[Sequence[tuple]], now: datetime, tz: str) -> tuple:
    """The UTC ``(start, end)`` stretches of ``now``'s local day, from now on, when none of
    ``periods`` (one tuple of local ``(start, end)`` times per service; an empty one is always
    open) is open: before the first opening and between openings — not after the last, when
    the windows serve the people still waiting."""
    if not periods or any(not p for p in periods):
        return ()
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz)
    day = now.astimezone(zone).date()
    merged: list[list] = []
    for start, end in sorted(p for service in periods for p in service):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    at = [(datetime.combine(day, a, zone), datetime.combine(day, b, zone)) for a, b in merged]
    gaps = [(datetime.combine(day, datetime.min.time(), zone), at[0][0])]
    gaps += [(a[1], b[0]) for a, b in zip(at, at[1:])]
    return tuple((s, e) for s, e in gaps if e > now)


def _callable(w: Waiting, state: HallNow, served: set) -> bool:
    if w.target_window_id is not None:
        return any(x.window_id == w.target_window_id for x in state.windows)
    return w.service_id in served


def _result(state, call_at, probe_key, windows_by_service, served) -> Forecast:
    tail_at = {probe_key[i]: call_at.pop(i) for i in list(call_at) if i in probe_key}
    step_s = {}
    for service_id in served:
        callers = len(windows_by_service.get(service_id, ())) or sum(
            1 for w in state.windows if service_id in w.service_order)
        step_s[service_id] = handling_of(state, service_id) / max(1, callers)
    return Forecast(state.now, call_at, tail_at, step_s)
