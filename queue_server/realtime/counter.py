"""The ``/staff`` (counter page) and ``/evaluator`` (window tablet) namespaces and their pushes.

- ``/staff``: ``auth={"token": USER_TOKEN, "hall": code, "window": n}``; only staff of that
  window, a manager of the hall or of a hall above it, or an admin get in. On connect:
  ``counter_state``; then a fresh ``counter_state`` after every call, finish, pause, transfer
  or sign-in at the window, and ``queue_changed`` (``counter.hall_queues``) to every counter
  page of the hall after queue changes (coalesced by the publisher).
- ``/evaluator``: ``auth={"token": EVALUATOR_TOKEN}`` (``hall``/``window`` optional, and then
  they must be the device's). On connect: ``evaluator_state``; ``evaluation_request`` after each
  办结 at its window; ``evaluator_state`` again when someone signs in or out there, and when the
  window pauses, resumes or calls (its state: closed / paused / waiting / serving).
"""

import logging

from flask_socketio import emit

from queue_server.domain.errors import DomainError, invalid_request
from queue_server.realtime import protocol
from queue_server.realtime.base import AuthenticatedNamespace, Seat, require_watcher
from queue_server.realtime.coalesce import Coalescer
from queue_server.realtime.heartbeats import HeartbeatNamespace
from queue_server.realtime.publisher import Publisher
from queue_server.realtime.rooms import watched
from queue_server.services import counter

log = logging.getLogger(__name__)


class StaffNamespace(AuthenticatedNamespace):
    accepts = ("user",)
    unauthenticated_message = "a valid staff token is required"

    def admit(self, ctx, principal, auth, request):
        hall_code, number = auth.get("hall"), auth.get("window")
        if not isinstance(hall_code, str) or isinstance(number, bool) \
                or not isinstance(number, int):
            raise invalid_request("auth.hall and auth.window are needed")
        hall = ctx.halls.get(hall_code)
        window = hall.window(number)
        if not (principal.is_user("staff") and principal.hall_id == hall.id
                and window.id in principal.window_ids):
            require_watcher(ctx, principal, hall)  # a manager of this hall or one above it
        return Seat((protocol.staff_room(hall.code, window.number),
                     protocol.staff_hall_room(hall.code)), detail=(hall, window))

    def welcome(self, ctx, principal, seat):
        emit(protocol.COUNTER_STATE, counter.window_state(ctx, *seat.detail))


class EvaluatorNamespace(HeartbeatNamespace):
    accepts = ("device:evaluator",)
    unauthenticated_message = "a valid evaluator device token is required"

    def admit(self, ctx, principal, auth, request):
        if not principal.window_ids:
            raise DomainError("unauthenticated", self.unauthenticated_message)
        hall = ctx.halls.by_id(principal.hall_id)
        window = hall.window_by_id(next(iter(principal.window_ids)))
        if window is None:
            raise DomainError("unknown_window", "this evaluator's window no longer exists")
        if auth.get("hall", hall.code) != hall.code or auth.get("window",
                                                                 window.number) != window.number:
            raise DomainError("wrong_window", f"this evaluator belongs to {hall.code} window "
                                              f"{window.number}")
        return Seat((protocol.evaluator_room(hall.code, window.number),), detail=(hall, window),
                    device_id=principal.device_id)  # the tablet's heartbeats follow

    def welcome(self, ctx, principal, seat):
        emit(protocol.EVALUATOR_STATE, counter.evaluator_state(ctx, *seat.detail))


# ---- pushes, called by the publisher after a use case commits --------------------------------

def touched_windows(events) -> set[tuple[str, int]]:
    """The (hall, window) pairs whose counter pages these events change."""
    return {(e.hall, e.window) for e in events
            if e.window is not None and e.name in protocol.COUNTER_WINDOW_EVENTS}


def push_counter_state(socketio, ctx, hall_code: str, number: int) -> None:
    """The window's fresh state to its counter pages (not read while none is open)."""
    hall = ctx.halls.get(hall_code)
    if not watched(socketio, protocol.STAFF_NAMESPACE, protocol.staff_room(hall.code, number)):
        return
    socketio.emit(protocol.COUNTER_STATE, counter.window_state(ctx, hall, hall.window(number)),
                  namespace=protocol.STAFF_NAMESPACE, to=protocol.staff_room(hall.code, number))


def push_evaluator_events(socketio, ctx, events, readings=None) -> None:
    """Rating requests (after 办结), and sign-in, pause and call changes (the window's state) to
    the windows' evaluators, at once; one state per window however many events it saw.
    ``readings`` (``{(hall, window): WindowNow}``, what the publisher read for the hall screens)
    spare a second read of the same window."""
    readings = readings or {}
    stale = []
    for event in events:
        if event.window is None:
            continue
        if event.name == protocol.TICKET_FINISHED:
            _push_rating_request(socketio, ctx, event, readings.get((event.hall, event.window)))
        if event.name in EVALUATOR_STATE_EVENTS and (event.hall, event.window) not in stale:
            stale.append((event.hall, event.window))
    for hall_code, number in stale:
        try:
            reading = readings.get((hall_code, number))
            if reading is None:
                hall = ctx.halls.get(hall_code)
                reading = counter.read_window(ctx, hall, hall.window(number))
            socketio.emit(protocol.EVALUATOR_STATE, counter.evaluator_view(reading),
                          namespace=protocol.EVALUATOR_NAMESPACE,
                          to=protocol.evaluator_room(reading.hall.code, reading.window.number))
        except Exception:  # one failed push must not stop the others; pages re-read on connect
            log.exception("evaluator push for %s window %s failed", hall_code, number)


EVALUATOR_STATE_EVENTS = (protocol.SESSION_CHANGED, protocol.WINDOW_CHANGED)


def _push_rating_request(socketio, ctx, event, reading=None) -> None:
    try:
        hall = ctx.halls.get(event.hall)
        window = hall.window(event.window)
        ticket = event.payload["ticket"]
        request = counter.rating_offer(reading, ticket) if reading is not None else None
        if request is None:  # not in the reading (or no reading): read it on its own
            request = counter.evaluation_request(ctx, hall, ticket)
        if request is not None:
            socketio.emit(protocol.EVALUATION_REQUEST, request,
                          namespace=protocol.EVALUATOR_NAMESPACE,
                          to=protocol.evaluator_room(hall.code, window.number))
    except Exception:  # one failed push must not stop the others; pages re-read on connect
        log.exception("evaluator push for %s window %s failed", event.hall, event.window)




class CounterPublisher(Publisher):
    """The publisher, plus pushes to counter pages and evaluators. Events only they carry
    (``ticket_finished``, ``session_changed``) never reach ``/display`` as such; their queue
    view rides on the publisher's coalesced ``queue_changed`` push."""

    def __init__(self, socketio, ctx, interval: float):
        super().__init__(socketio, ctx, interval)
        # Coalesced like queue_changed: a clerk's own page already has the HTTP answer, and a
        # window's state is read once per interval however many actions it saw.
        self._counters = Coalescer(socketio, self._push_counters, interval, "counter_state")
        ctx.on_close(self._counters.close)

    def __call__(self, events) -> dict:
        # counter-only events stay off /display (Publisher); its window reads serve here too
        readings = super().__call__(events)
        push_evaluator_events(self._socketio, self._ctx, events, readings)
        self._counters.mark(touched_windows(events))
        return readings

    def _push_counters(self, windows) -> None:
        for hall_code, number in windows:
            try:
                push_counter_state(self._socketio, self._ctx, hall_code, number)
            except Exception:  # one failed push must not stop the others
                log.exception("counter push for %s window %s failed", hall_code, number)

    def _queue_watched(self, hall: str) -> bool:
        return super()._queue_watched(hall) or watched(
            self._socketio, protocol.STAFF_NAMESPACE, protocol.staff_hall_room(hall))

    def _queue_shapes(self, conn, hall, reading, now):
        """The counters' shape of the queues (``counter.hall_queues``, with the estimates),
        when any counter page of the hall is open."""
        if watched(self._socketio, protocol.STAFF_NAMESPACE, protocol.staff_hall_room(hall.code)):
            return counter.hall_queues(conn, hall, now, reading, self._ctx)
        return None

    def _push_queue_shapes(self, hall, summary) -> None:
        if summary is not None:
            self._socketio.emit(protocol.QUEUE_CHANGED, summary,
                                namespace=protocol.STAFF_NAMESPACE,
                                to=protocol.staff_hall_room(hall.code))


def init_app(socketio) -> None:
    socketio.on_namespace(StaffNamespace(protocol.STAFF_NAMESPACE))
    socketio.on_namespace(EvaluatorNamespace(protocol.EVALUATOR_NAMESPACE))
