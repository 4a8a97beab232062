"""The ``/staff`` (counter page) and ``/evaluator`` (window tablet) namespaces and their pushes.

- ``/staff``: ``auth={"token": USER_TOKEN, "hall": code, "window": n}``; only staff of that
  window or a manager of the hall get in. On connect: ``counter_state``; then a fresh
  ``counter_state`` after every call, finish, pause, transfer or sign-in at the window, and
  ``queue_changed`` (``counter.hall_queues``) to every counter page of the hall after queue
  changes (coalesced by the publisher).
- ``/evaluator``: ``auth={"token": EVALUATOR_TOKEN}`` (``hall``/``window`` optional, and then
  they must be the device's). On connect: ``evaluator_state``; ``evaluation_request`` after each
  办结 at its window; ``evaluator_state`` again when someone signs in or out there.
"""

import logging

from flask import current_app
from flask_socketio import Namespace, emit, join_room

from queue_server.domain.errors import DomainError
from queue_server.realtime import protocol
from queue_server.realtime.heartbeats import HeartbeatNamespace
from queue_server.realtime.publisher import Publisher
from queue_server.realtime.refusal import refuse
from queue_server.services import counter
from queue_server.services.accounts import authenticate, require_window_actor

log = logging.getLogger(__name__)


def _principal(auth):
    token = auth.get("token")
    ctx = current_app.extensions["hallq"]
    return ctx, authenticate(ctx, token) if isinstance(token, str) else None


class StaffNamespace(Namespace):
    def on_connect(self, auth=None):
        auth = auth if isinstance(auth, dict) else {}
        ctx, principal = _principal(auth)
        if principal is None or principal.kind != "user":
            refuse("unauthenticated", "a valid staff token is required")
        hall_code, number = auth.get("hall"), auth.get("window")
        if not isinstance(hall_code, str) or isinstance(number, bool) or not isinstance(number,
                                                                                        int):
            refuse("invalid_request", "auth.hall and auth.window are needed")
        try:
            hall = ctx.halls.get(hall_code)
            window = hall.window(number)
            require_window_actor(principal, hall.id, window.id)
        except DomainError as error:
            refuse(error.code, error.message)
        # Join before reading: a change in between arrives after the state, never lost.
        join_room(protocol.staff_room(hall.code, window.number))
        join_room(protocol.staff_hall_room(hall.code))
        emit(protocol.COUNTER_STATE, counter.window_state(ctx, hall, window))


class EvaluatorNamespace(HeartbeatNamespace):
    def on_connect(self, auth=None):
        auth = auth if isinstance(auth, dict) else {}
        ctx, principal = _principal(auth)
        if principal is None or not principal.is_device("evaluator") or not principal.window_ids:
            refuse("unauthenticated", "a valid evaluator device token is required")
        hall = ctx.halls.by_id(principal.hall_id)
        window = hall.window_by_id(next(iter(principal.window_ids)))
        if window is None:
            refuse("unknown_window", "this evaluator's window no longer exists")
        if auth.get("hall", hall.code) != hall.code or auth.get("window",
                                                                 window.number) != window.number:
            refuse("wrong_window", f"this evaluator belongs to {hall.code} window "
                                    f"{window.number}")
        join_room(protocol.evaluator_room(hall.code, window.number))
        emit(protocol.EVALUATOR_STATE, counter.evaluator_state(ctx, hall, window))
        self.device_connected(principal.device_id)  # the tablet's heartbeats follow


# ---- pushes, called by the publisher after a use case commits --------------------------------

def touched_windows(events) -> set[tuple[str, int]]:
    """The (hall, window) pairs whose counter pages these events change."""
    return {(e.hall, e.window) for e in events
            if e.window is not None and e.name in protocol.COUNTER_WINDOW_EVENTS}


def push_counter_state(socketio, ctx, hall_code: str, number: int) -> None:
    """The window's fresh state to its counter pages."""
    hall = ctx.halls.get(hall_code)
    socketio.emit(protocol.COUNTER_STATE, counter.window_state(ctx, hall, hall.window(number)),
                  namespace=protocol.STAFF_NAMESPACE, to=protocol.staff_room(hall.code, number))


def push_evaluator_events(socketio, ctx, events) -> None:
    """Rating requests (after 办结) and sign-in changes to the windows' evaluators, at once."""
    for event in events:
        if event.window is None or event.name not in (protocol.TICKET_FINISHED,
                                                      protocol.SESSION_CHANGED):
            continue
        try:
            hall = ctx.halls.get(event.hall)
            window = hall.window(event.window)
            room = protocol.evaluator_room(hall.code, window.number)
            if event.name == protocol.TICKET_FINISHED:
                request = counter.evaluation_request(ctx, hall, event.payload["ticket"])
                if request is not None:
                    socketio.emit(protocol.EVALUATION_REQUEST, request,
                                  namespace=protocol.EVALUATOR_NAMESPACE, to=room)
            else:
                socketio.emit(protocol.EVALUATOR_STATE, counter.evaluator_state(ctx, hall, window),
                              namespace=protocol.EVALUATOR_NAMESPACE, to=room)
        except Exception:  # one failed push must not stop the others; pages re-read on connect
            log.exception("evaluator push for %s window %s failed", event.hall, event.window)


def push_hall_queues(socketio, ctx, hall_code: str) -> None:
    """The hall's queues to all its counter pages (each picks its own services)."""
    hall = ctx.halls.get(hall_code)
    with ctx.db.read() as conn:
        summary = counter.hall_queues(conn, hall, ctx.clock())
    socketio.emit(protocol.QUEUE_CHANGED, summary, namespace=protocol.STAFF_NAMESPACE,
                  to=protocol.staff_hall_room(hall.code))


class CounterPublisher(Publisher):
    """The publisher, plus pushes to counter pages and evaluators. Events only they carry
    (``ticket_finished``, ``session_changed``) never reach ``/display``; their queue view rides
    on the publisher's coalesced ``queue_changed`` push."""

    def __init__(self, socketio, ctx, interval: float):
        super().__init__(socketio, ctx, interval)
        self._dirty_windows: set[tuple[str, int]] = set()
        self._windows_scheduled = False

    def __call__(self, events) -> None:
        super().__call__([e for e in events if e.name not in protocol.COUNTER_ONLY_EVENTS])
        push_evaluator_events(self._socketio, self._ctx, events)
        windows = touched_windows(events)
        if not windows:
            return
        if self._interval <= 0:
            self._push_counters(windows)
            return
        # Coalesced like queue_changed: a clerk's own page already has the HTTP answer, and a
        # window's state is read once per interval however many actions it saw.
        with self._lock:
            self._dirty_windows |= windows
            if self._windows_scheduled:
                return
            self._windows_scheduled = True
        self._socketio.start_background_task(self._flush_counters_later)

    def _flush_counters_later(self) -> None:
        self._socketio.sleep(self._interval)
        with self._lock:
            windows, self._dirty_windows = self._dirty_windows, set()
            self._windows_scheduled = False
        self._push_counters(windows)

    def _push_counters(self, windows) -> None:
        for hall_code, number in windows:
            try:
                push_counter_state(self._socketio, self._ctx, hall_code, number)
            except Exception:  # one failed push must not stop the others
                log.exception("counter push for %s window %s failed", hall_code, number)

    def _push_queue(self, hall: str) -> None:
        super()._push_queue(hall)
        try:
            push_hall_queues(self._socketio, self._ctx, hall)
        except Exception:  # counter pages re-read their queues on every window change
            log.exception("counter queue push for hall %s failed", hall)


def init_app(socketio) -> None:
    socketio.on_namespace(StaffNamespace(protocol.STAFF_NAMESPACE))
    socketio.on_namespace(EvaluatorNamespace(protocol.EVALUATOR_NAMESPACE))
