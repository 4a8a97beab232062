"""The public, read-only ``/display`` namespace for hall screens, window screens and LED agents.

Connect with ``auth={"hall": "<code>"}`` for a hall screen, plus ``"window": n`` for one window.
The server answers with ``hall_snapshot`` and then pushes changes to the client's room.
"""

from flask import current_app
from flask_socketio import ConnectionRefusedError, Namespace, emit, join_room

from queue_server.domain.errors import DomainError
from queue_server.realtime import protocol
from queue_server.services.floor import hall_snapshot


class DisplayNamespace(Namespace):
    def on_connect(self, auth=None):
        auth = auth if isinstance(auth, dict) else {}
        hall, window = auth.get("hall"), auth.get("window")
        if not isinstance(hall, str):
            raise ConnectionRefusedError({"code": "invalid_request", "message": "auth.hall needed"})
        if window is not None and (isinstance(window, bool) or not isinstance(window, int)):
            raise ConnectionRefusedError({"code": "invalid_request",
                                          "message": "auth.window must be a window number"})
        ctx = current_app.extensions["hallq"]
        try:
            info = ctx.halls.get(hall)
            if window is not None:
                info.window(window)
        except DomainError as error:
            raise ConnectionRefusedError({"code": error.code, "message": error.message})
        # Join before reading the snapshot: a change in between arrives after it, never lost.
        join_room(protocol.hall_room(hall) if window is None else protocol.window_room(hall, window))
        emit(protocol.HALL_SNAPSHOT, hall_snapshot(ctx, hall, window))
