"""A namespace whose device connections say they are alive: seen on connect (``device_connected``)
and on each ``heartbeat`` event, which the supervisor's device_silent check reads."""

from flask import current_app, request
from flask_socketio import Namespace

from queue_server.services import supervisor


class HeartbeatNamespace(Namespace):
    def __init__(self, namespace):
        super().__init__(namespace)
        self.devices: dict[str, int] = {}  # sid -> device id, for device connections only

    def device_connected(self, device_id: int) -> None:
        """Call from ``on_connect`` once the connection is accepted as this device's."""
        self.devices[request.sid] = device_id
        supervisor.device_seen(current_app.extensions["hallq"], device_id=device_id)

    def on_heartbeat(self, _payload=None):
        device = self.devices.get(request.sid)
        if device is not None:
            supervisor.device_seen(current_app.extensions["hallq"], device_id=device)

    def on_disconnect(self, *_reason):
        self.devices.pop(request.sid, None)
