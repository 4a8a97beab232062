"""The public, read-only ``/display`` namespace for hall screens, window screens and LED agents.

Connect with ``auth={"hall": "<code>"}`` for a hall screen, plus ``"window": n`` for one window.
The server answers with ``hall_snapshot`` and then pushes changes to the client's room.

A screen or LED agent paired to a device adds ``"token": DEVICE_TOKEN`` (a ``display`` or ``led``
device of that hall) and sends ``heartbeat`` every minute: the supervisor then notices when it
goes quiet. Without a token the namespace stays public and nothing is tracked.
"""

from flask import current_app
from flask_socketio import emit, join_room

from queue_server.domain.errors import DomainError
from queue_server.realtime import protocol
from queue_server.realtime.heartbeats import HeartbeatNamespace
from queue_server.realtime.refusal import refuse
from queue_server.services.accounts import authenticate
from queue_server.services.floor import hall_snapshot

SCREEN_KINDS = ("display", "led")


class DisplayNamespace(HeartbeatNamespace):
    def on_connect(self, auth=None):
        auth = auth if isinstance(auth, dict) else {}
        hall, window = auth.get("hall"), auth.get("window")
        if not isinstance(hall, str):
            refuse("invalid_request", "auth.hall needed")
        if window is not None and (isinstance(window, bool) or not isinstance(window, int)):
            refuse("invalid_request", "auth.window must be a window number")
        ctx = current_app.extensions["hallq"]
        try:
            info = ctx.halls.get(hall)
            if window is not None:
                info.window(window)
        except DomainError as error:
            refuse(error.code, error.message)
        device = self._paired_device(ctx, info, auth.get("token"))
        # Join before reading the snapshot: a change in between arrives after it, never lost.
        join_room(protocol.hall_room(hall) if window is None else protocol.window_room(hall, window))
        emit(protocol.HALL_SNAPSHOT, hall_snapshot(ctx, hall, window))
        if device is not None:
            self.device_connected(device)

    @staticmethod
    def _paired_device(ctx, hall, token) -> int | None:
        if token is None:
            return None
        principal = authenticate(ctx, token) if isinstance(token, str) else None
        if principal is None or not any(principal.is_device(k) for k in SCREEN_KINDS):
            refuse("unauthenticated", "auth.token must be a display or LED device token")
        if principal.hall_id != hall.id:
            refuse("forbidden", "this device belongs to another hall")
        return principal.device_id

