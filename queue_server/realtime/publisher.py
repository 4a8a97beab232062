"""Turns use-case events into Socket.IO pushes, after the transaction has committed.

``ticket_called`` and ``window_changed`` go out at once. A ``window_changed`` is read afresh when
it is pushed: whatever the use case said, screens get the window's true state and current call;
a sign-in or sign-out (``session_changed``, otherwise for counter pages only) sends one too,
since it opens or closes the window for citizens. That read (``counter.read_window``) is the
one read of the window per publish: ``__call__`` hands the readings back, and the counter
publisher builds the evaluator's state and rating request from them instead of reading again.

``queue_changed`` is coalesced per hall: the first change schedules one push
``queue_event_interval`` seconds later, carrying the counts as they are then. A burst of a thousand tickets thus costs screens a handful of pushes, not a
thousand, and every push carries the true current state.
"""

import logging
import threading

from queue_server.realtime import protocol
from queue_server.realtime.coalesce import Coalescer
from queue_server.domain.numbering import local_day
from queue_server.realtime.rooms import watched
from queue_server.services import queues
from queue_server.services.counter import read_window
from queue_server.services.floor import window_changed_view

log = logging.getLogger(__name__)


class Publisher:
    def __init__(self, socketio, ctx, interval: float):
        self._socketio = socketio
        self._ctx = ctx
        self._interval = interval
        self._lock = threading.Lock()
        self._queues = Coalescer(socketio, self._push_queues, interval, "queue_changed")
        ctx.on_close(self._queues.close)
        self._window_locks: dict[tuple, threading.Lock] = {}

    def __call__(self, events) -> dict:
        """Push the events; returns the windows' readings ``{(hall, window): WindowNow}``."""
        queue_halls = set()
        readings: dict = {}
        for event in events:
            if event.name == protocol.QUEUE_CHANGED:
                queue_halls.add(event.hall)
            elif event.name == protocol.PRINT_TICKET:  # to the issuing kiosk's agent only
                self._socketio.emit(
                    protocol.PRINT_TICKET, event.payload["job"],
                    namespace=protocol.KIOSK_NAMESPACE,
                    to=protocol.kiosk_room(event.payload["device"], "agent"))
            elif event.name in (protocol.WINDOW_CHANGED, protocol.SESSION_CHANGED):
                key = (event.hall, event.window)
                if event.window is not None and key not in readings:
                    readings[key] = self._window_changed(*key)
            elif event.name not in protocol.COUNTER_ONLY_EVENTS:
                self._emit(event.name, event.payload, event.hall, event.window)
        if queue_halls:
            self._queue_changed(queue_halls)
        return {key: reading for key, reading in readings.items() if reading is not None}

    def _emit(self, name, payload, hall, window) -> None:
        self._socketio.emit(name, payload, namespace=protocol.DISPLAY_NAMESPACE,
                            to=protocol.rooms_for(name, hall, window))

    def _window_changed(self, hall: str, window: int):
        """Each window's ``window_changed`` once, read afresh. The read and the push are made
        under the window's lock: two actions at one window (a clerk and a keypad) committed
        in one order could otherwise push their reads in the other, leaving screens on the
        older state; with the lock the last push is always the latest read."""
        with self._lock:
            lock = self._window_locks.setdefault((hall, window), threading.Lock())
        with lock:
            try:
                hall_info = self._ctx.halls.get(hall)
                reading = read_window(self._ctx, hall_info, hall_info.window(window))
            except Exception:  # screens re-read everything on their next connect
                log.exception("window_changed for %s window %s failed", hall, window)
                return None
            self._emit(protocol.WINDOW_CHANGED,
                       window_changed_view(reading.hall, reading.window, reading.entry),
                       hall, window)
        return reading

    def _queue_changed(self, halls: set[str]) -> None:
        self._queues.mark(halls)

    def _push_queues(self, halls: set[str]) -> None:
        for hall in halls:
            try:
                self._push_queue(hall)
            except Exception:  # a failed push must not kill later ones
                log.exception("queue_changed push for hall %s failed", hall)

    def _queue_watched(self, hall: str) -> bool:
        """Whether anyone may be watching the hall's queues (always, across processes)."""
        return watched(self._socketio, protocol.DISPLAY_NAMESPACE, protocol.hall_room(hall))

    def _push_queue(self, hall_code: str) -> None:
        """One read of the hall's queues for every watcher of them (the screens' shape and
        ``_queue_shapes``); none at all in a one-process server while nobody watches."""
        if not self._queue_watched(hall_code):
            return
        hall = self._ctx.halls.get(hall_code)
        now = self._ctx.clock()
        with self._ctx.db.read() as conn:
            reading = queues.read_queues(conn, hall, local_day(now, hall.timezone))
            summary = queues.services_summary(self._ctx, conn, hall, reading)
            shapes = self._queue_shapes(conn, hall, reading, now)
        if watched(self._socketio, protocol.DISPLAY_NAMESPACE, protocol.hall_room(hall_code)):
            self._socketio.emit(protocol.QUEUE_CHANGED, {"hall": hall.code, "services": summary},
                                namespace=protocol.DISPLAY_NAMESPACE,
                                to=protocol.hall_room(hall_code))
        self._push_queue_shapes(hall, shapes)

    def _queue_shapes(self, conn, hall, reading, now):
        """Other shapes of the hall's queues, made from the same ``reading`` in the same read
        (subclasses: the counter pages'); handed to ``_push_queue_shapes`` after it."""
        return None

    def _push_queue_shapes(self, hall, shapes) -> None:
        pass
