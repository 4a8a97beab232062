"""Re-forecasting the waits, coalesced and off the request path.

``EstimatesRefresh.observing(publish)`` wraps the use cases' publisher: every event that changes
a queue or a window (a ticket issued, called, finished, transferred; a window paused or resumed)
marks its hall, and one forecast per marked hall runs ``INTERVAL_S`` after the first mark
(``services.estimates.refresh``), however many changes the burst made. Ticket requests only
read the forecast kept in memory.

After each forecast the figures that moved by more than ``ESTIMATE_STEP_S`` are pushed, and only
those: ``estimates_changed`` (a new ticket's wait per service) to the hall's screens, kiosks and
counter pages, and ``wait_changed`` to the room of each waiting ticket whose expected call time
moved (the phone tracking it counts down by itself in between) — never one push per ticket to
every phone.
"""

import logging
import time

from queue_server.realtime import protocol
from queue_server.realtime.coalesce import Coalescer
from queue_server.services import estimates

log = logging.getLogger(__name__)
# At most one forecast per hall a second while tickets pour in (a new ticket reads the tail
# time plus a step per ticket issued since, so it stays right in between); 0 (tests): at once.
INTERVAL_S = 1.0
CHANGES = frozenset({"queue_changed", "window_changed", "ticket_called", "ticket_finished"})
# A city's hundreds of halls share one process: at most this many forecasts per run (a second),
# the halls forecast least recently first; the others wait for the next run. A hall's tickets
# read its last forecast meanwhile (plus a step per ticket issued since, and at most
# ``services.estimates.MAX_AGE_S`` old), so the waits stay near; the CPU spent stays bounded.
MAX_HALLS_PER_RUN = 20


class EstimatesRefresh:
    def __init__(self, socketio, ctx, interval: float):
        self._ctx, self._socketio = ctx, socketio
        self._services: dict[str, dict] = {}   # hall -> the per-service waits last pushed
        self._calls: dict[str, dict] = {}      # hall -> ticket id -> the call time last pushed
        self._made: dict[str, float] = {}      # hall -> time.monotonic() of its last forecast
        interval = max(interval, INTERVAL_S) if interval > 0 else interval
        self._halls = Coalescer(socketio, self._refresh, interval, "estimates")
        ctx.on_close(self._halls.close)

    def observing(self, publish):
        """``publish`` that also marks the halls whose queues or windows changed."""
        def both(events) -> None:
            publish(events)
            self.mark({e.hall for e in events if e.name in CHANGES and e.hall})
        return both

    def mark(self, halls: set[str]) -> None:
        self._halls.mark(halls)

    def flush(self) -> None:
        self._halls.flush()

    def _refresh(self, halls: set[str]) -> None:
        order = sorted(halls, key=lambda code: (self._made.get(code, 0.0), code))
        if self._halls.interval > 0 and len(order) > MAX_HALLS_PER_RUN:
            self._halls.mark(set(order[MAX_HALLS_PER_RUN:]))  # the next run takes them first
            order = order[:MAX_HALLS_PER_RUN]
        for code in order:
            self._made[code] = time.monotonic()
            try:
                hall = self._ctx.halls.get(code)
            except Exception:  # noqa: BLE001 - a hall removed meanwhile: nothing to forecast
                continue
            snap = estimates.refresh(self._ctx, hall)
            try:
                self._push(hall, snap)
            except Exception:  # noqa: BLE001 - the next forecast pushes again
                log.exception("estimate pushes for hall %s failed", code)

    def _push(self, hall, snap) -> None:
        step = protocol.ESTIMATE_STEP_S
        with self._ctx.db.read() as conn:
            waits = {s.code: estimates.new_ticket_wait_s(self._ctx, conn, hall, s, False)
                     for s in hall.services}
        last = self._services.get(hall.code)
        if last is None or any(abs(w - last.get(c, -step - 1)) > step for c, w in waits.items()):
            self._services[hall.code] = waits
            payload = {"hall": hall.code, "services": waits}
            self._socketio.emit(protocol.ESTIMATES_CHANGED, payload,
                                namespace=protocol.DISPLAY_NAMESPACE,
                                to=protocol.hall_room(hall.code))
            self._socketio.emit(protocol.ESTIMATES_CHANGED, payload,
                                namespace=protocol.STAFF_NAMESPACE,
                                to=protocol.staff_hall_room(hall.code))
        sent = self._calls.setdefault(hall.code, {})
        calls = snap.result.call_at
        for ticket_id in [i for i in sent if i not in calls]:
            del sent[ticket_id]  # called, cancelled or gone: nothing more to say
        # What the ticket's phone last read over HTTP stands for what it shows (a ticket told a
        # tail estimate before any forecast held it, the windows then paused, must still hear).
        told = estimates.take_told(self._ctx, hall, snap.made_at)
        sent.update((i, at) for i, at in told.items() if i in calls)
        for ticket_id, at in calls.items():
            before = sent.setdefault(ticket_id, at)  # first seen, never told: nothing to move
            if abs((at - before).total_seconds()) > step:
                sent[ticket_id] = at
                self._socketio.emit(protocol.WAIT_CHANGED,
                                    {"estimated_wait_s": snap.result.wait_s(ticket_id,
                                                                            snap.made_at)},
                                    namespace=protocol.DISPLAY_NAMESPACE,
                                    to=protocol.ticket_room(hall.code, ticket_id))
