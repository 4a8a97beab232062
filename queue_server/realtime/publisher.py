"""Turns use-case events into Socket.IO pushes, after the transaction has committed.

``ticket_called`` and ``window_changed`` go out at once. ``queue_changed`` is coalesced per hall:
the first change schedules one push ``queue_event_interval`` seconds later, carrying the counts
as they are then. A burst of a thousand tickets thus costs screens a handful of pushes, not a
thousand, and every push carries the true current state.
"""

import logging
import threading

from queue_server.realtime import protocol
from queue_server.services.floor import queue_payload

log = logging.getLogger(__name__)


class Publisher:
    def __init__(self, socketio, ctx, interval: float):
        self._socketio = socketio
        self._ctx = ctx
        self._interval = interval
        self._lock = threading.Lock()
        self._dirty: set[str] = set()
        self._scheduled = False

    def __call__(self, events) -> None:
        queue_halls = set()
        for event in events:
            if event.name == protocol.QUEUE_CHANGED:
                queue_halls.add(event.hall)
                continue
            if event.name == protocol.PRINT_TICKET:  # to the issuing kiosk's agent only
                self._socketio.emit(
                    protocol.PRINT_TICKET, event.payload["job"],
                    namespace=protocol.KIOSK_NAMESPACE,
                    to=protocol.kiosk_room(event.payload["device"], "agent"))
                continue
            self._socketio.emit(
                event.name, event.payload, namespace=protocol.DISPLAY_NAMESPACE,
                to=protocol.rooms_for(event.name, event.hall, event.window),
            )
        if queue_halls:
            self._queue_changed(queue_halls)

    def _queue_changed(self, halls: set[str]) -> None:
        if self._interval <= 0:
            for hall in halls:
                self._push_queue(hall)
            return
        with self._lock:
            self._dirty |= halls
            if self._scheduled:
                return
            self._scheduled = True
        self._socketio.start_background_task(self._flush_later)

    def _flush_later(self) -> None:
        self._socketio.sleep(self._interval)
        with self._lock:
            halls, self._dirty, self._scheduled = self._dirty, set(), False
        for hall in halls:
            try:
                self._push_queue(hall)
            except Exception:  # a failed push must not kill later ones
                log.exception("queue_changed push for hall %s failed", hall)

    def _push_queue(self, hall: str) -> None:
        self._socketio.emit(
            protocol.QUEUE_CHANGED, queue_payload(self._ctx, hall),
            namespace=protocol.DISPLAY_NAMESPACE, to=protocol.hall_room(hall),
        )
