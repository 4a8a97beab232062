"""The ``/supervision`` namespace: alerts pushed live to managers' dashboards.

Connect with ``auth={"token": BEARER, "hall": CODE}`` (a manager of that hall or of a hall above
it, or an admin); an admin may leave out ``hall`` to watch every hall. The server answers with
``alerts_snapshot`` per hall, then pushes ``alert_raised``, ``alert_changed`` and ``alert_cleared``.
"""

import logging

from flask_socketio import emit

from queue_server.realtime import protocol
from queue_server.realtime.base import AuthenticatedNamespace, Seat, require_watcher
from queue_server.services import day_end, supervisor
from queue_server.services.accounts import SUPERVISING, forbidden

log = logging.getLogger(__name__)


class SupervisionNamespace(AuthenticatedNamespace):
    def admit(self, ctx, principal, auth, request):
        hall_code = auth.get("hall")
        if hall_code is None:
            if not principal.is_user("admin"):
                raise forbidden("only admins watch every hall")
            halls = ctx.halls.all()
        else:
            halls = [ctx.halls.get(hall_code)]
            require_watcher(ctx, principal, halls[0], ("admin", *SUPERVISING))
        return Seat((protocol.supervision_room(hall_code),), detail=halls)

    def welcome(self, ctx, principal, seat):
        for hall in seat.detail:
            emit(protocol.ALERTS_SNAPSHOT, {
                "hall": hall.code, "alerts": supervisor.hall_alerts(ctx, hall, active_only=True)})


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


def one_pass(ctx) -> None:
    """One pass of the supervision task: alerts, then the end-of-day expiry, which closes
    yesterday's tickets soon after each hall's local midnight. A failed part is retried at the
    next pass."""
    try:
        supervisor.run_once(ctx)
    except Exception:
        log.exception("supervision pass failed")
    try:
        day_end.expire_stale(ctx)
    except Exception:
        log.exception("end-of-day expiry failed")


def start_supervisor(app):
    """The supervision task of a serving process: ``run_once`` and the end-of-day expiry
    (services/day_end.py) every ``supervisor_interval_s`` seconds (0 = off). Returns the task,
    or None."""
    ctx = app.extensions["hallq"]
    interval = ctx.settings.supervisor_interval_s
    if interval <= 0:
        return None
    socketio = app.extensions["socketio"]
    sweep_time = app.extensions["hallq_metrics"].sweep

    def loop():
        while True:
            socketio.sleep(interval)
            with sweep_time.time():
                one_pass(ctx)

    return socketio.start_background_task(loop)
