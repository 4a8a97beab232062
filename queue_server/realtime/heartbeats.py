"""A namespace whose device connections say they are alive: seen when seated (a ``Seat`` with a
``device_id``) and on each ``heartbeat`` event, which the supervisor's device_silent check
reads."""

from flask import current_app, request

from queue_server.realtime.base import AuthenticatedNamespace, Seat
from queue_server.services import supervisor


class HeartbeatNamespace(AuthenticatedNamespace):
    def __init__(self, namespace):
        super().__init__(namespace)
        self.devices: dict[str, int] = {}  # sid -> device id, for device connections only

    def seated(self, seat: Seat) -> None:
        if seat.device_id is not None:
            self.devices[request.sid] = seat.device_id
            supervisor.device_seen(current_app.extensions["hallq"], device_id=seat.device_id)

    def on_heartbeat(self, _payload=None):
        device = self.devices.get(request.sid)
        if device is not None:
            supervisor.device_seen(current_app.extensions["hallq"], device_id=device)

    def on_disconnect(self, *_reason):
        self.devices.pop(request.sid, None)
