"""The ``/supervision`` namespace: alerts pushed live to managers' dashboards.

Connect with ``auth={"token": BEARER, "hall": CODE}`` (a manager of that hall or an admin); an
admin may leave out ``hall`` to watch every hall. The server answers with ``alerts_snapshot``
per hall, then pushes ``alert_raised``, ``alert_changed`` and ``alert_cleared``.
"""

import logging

from flask import current_app
from flask_socketio import Namespace, emit, join_room

from queue_server.domain.errors import DomainError
from queue_server.realtime import protocol
from queue_server.realtime.refusal import refuse
from queue_server.services import supervisor
from queue_server.services.accounts import authenticate, require_hall_manager

log = logging.getLogger(__name__)


class SupervisionNamespace(Namespace):
    def on_connect(self, auth=None):
        auth = auth if isinstance(auth, dict) else {}
        ctx = current_app.extensions["hallq"]
        principal = authenticate(ctx, auth.get("token") if isinstance(auth.get("token"), str)
                                 else None)
        hall_code = auth.get("hall")
        try:
            if principal is None:
                raise DomainError("unauthenticated", "a valid token is required", 401)
            if hall_code is None:
                if not principal.is_user("admin"):
                    raise DomainError("forbidden", "only admins watch every hall", 403)
                halls = ctx.halls.all()
            else:
                halls = [ctx.halls.get(hall_code)]
                require_hall_manager(principal, halls[0].id)
        except DomainError as error:
            refuse(error.code, error.message)
        # Join before reading the snapshot: an alert raised in between arrives after it.
        join_room(protocol.supervision_room(hall_code))
        for hall in halls:
            emit(protocol.ALERTS_SNAPSHOT, {
                "hall": hall.code,
                "alerts": supervisor.list_alerts(ctx, principal, hall.code, active_only=True)})


def pusher(socketio):
    def push(changes: list[dict]) -> None:
        for change in changes:
            payload = {"hall": change["hall"], "alert": change["alert"]}
            socketio.emit(change["event"], payload, namespace=protocol.SUPERVISION_NAMESPACE,
                          to=[protocol.supervision_room(change["hall"]),
                              protocol.supervision_room(None)])
    return push


def init_app(app, socketio) -> None:
    socketio.on_namespace(SupervisionNamespace(protocol.SUPERVISION_NAMESPACE))
    supervisor.set_pusher(app.extensions["hallq"], pusher(socketio))


def start_supervisor(app):
    """The supervision task of a serving process: ``run_once`` every
    ``supervisor_interval_s`` seconds (0 = off). Returns the task, or None."""
    ctx = app.extensions["hallq"]
    interval = ctx.settings.supervisor_interval_s
    if interval <= 0:
        return None
    socketio = app.extensions["socketio"]

    def loop():
        while True:
            socketio.sleep(interval)
            try:
                supervisor.run_once(ctx)
            except Exception:  # a failed pass is retried at the next one
                log.exception("supervision pass failed")

    return socketio.start_background_task(loop)
