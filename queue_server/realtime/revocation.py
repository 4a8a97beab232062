"""Closing the Socket.IO connections a revoked token opened (issue 16, item 3).

Every authenticated connection (``/kiosk``, ``/staff``, ``/evaluator``, ``/supervision``) joins
two rooms when it is accepted (``authorised``): its token's and its principal's (the user or
device). Revoking — logout, a disabled user, ``user passwd``, a revoked or rotated device —
emits ``session_revoked`` to those rooms; the client manager installed here delivers it and then
disconnects every member, in this process and, through the message queue when one is set, in
every other server process (the CLI publishes with a write-only manager).

A server process also re-checks the tokens of its open sockets every ``socket_recheck_s``
(``sweep``): a revocation made where no message queue reaches (the CLI of a single-process
server) still closes the sockets within seconds.
"""

import logging

import socketio as python_socketio
from flask import current_app, request
from flask_socketio import join_room

from queue_server.realtime import protocol
from queue_server.services.accounts import principal_room, token_digest, token_room

log = logging.getLogger(__name__)

SESSION_REVOKED = "session_revoked"  # server → client, just before the server disconnects it
AUTH_NAMESPACES = (protocol.KIOSK_NAMESPACE, protocol.STAFF_NAMESPACE,
                   protocol.EVALUATOR_NAMESPACE, protocol.SUPERVISION_NAMESPACE,
                   protocol.NETWORK_NAMESPACE)
REGISTRY_KEY = "hallq_sockets"


def _disconnect_room(manager, namespace, room) -> None:
    if not namespace or not room or isinstance(room, list):
        return
    for sid, _eio_sid in list(manager.get_participants(namespace, room)):
        manager.server.disconnect(sid, namespace=namespace, ignore_queue=True)


class RevokingManager(python_socketio.Manager):
    """The single-process manager: ``session_revoked`` to a room disconnects its members."""

    def emit(self, event, data, namespace, room=None, **kwargs):
        result = super().emit(event, data, namespace, room=room, **kwargs)
        if event == SESSION_REVOKED:
            _disconnect_room(self, namespace, room)
        return result


def _pubsub_revoking(base):
    class Revoking(base):
        """A message-queue manager: every process disconnects its own members of the room."""

        def _handle_emit(self, message):
            super()._handle_emit(message)
            if message.get("event") == SESSION_REVOKED:
                _disconnect_room(self, message.get("namespace"), message.get("room"))

    return Revoking


def client_manager(message_queue: str | None, channel: str, write_only: bool = False):
    if not message_queue:
        return RevokingManager()
    if message_queue.startswith(("redis://", "rediss://")):
        base = python_socketio.RedisManager
    else:
        base = python_socketio.KombuManager
    return _pubsub_revoking(base)(message_queue, channel=channel, write_only=write_only)


def authorised(token: str, principal) -> None:
    """Call in ``on_connect`` once the connection is accepted for ``principal``."""
    digest = token_digest(token)
    join_room(token_room(digest))
    join_room(principal_room(principal.key))
    registry = current_app.extensions.setdefault(REGISTRY_KEY, {})
    registry[(request.sid, request.namespace)] = digest


def revoker(emit):
    """``ctx.revoke_sockets`` for a process that emits with ``emit(event, data, namespace,
    room)`` (the server's SocketIO, or the CLI's write-only manager)."""
    def revoke(rooms: list[str]) -> None:
        for namespace in AUTH_NAMESPACES:
            for room in rooms:
                try:
                    emit(SESSION_REVOKED, {"reason": "revoked"}, namespace, room)
                except Exception:  # the periodic re-check still closes them
                    log.exception("could not publish a revocation to %s", room)
    return revoke


def sweep(app) -> int:
    """Disconnect this process's sockets whose token no longer authenticates; returns how
    many. Gone sockets are dropped from the registry."""
    from queue_server.services.accounts import load_principal

    ctx = app.extensions["hallq"]
    server = app.extensions["socketio"].server
    registry = app.extensions.setdefault(REGISTRY_KEY, {})
    valid: dict[str, bool] = {}
    closed = 0
    for (sid, namespace), digest in list(registry.items()):
        if not server.manager.is_connected(sid, namespace):
            registry.pop((sid, namespace), None)
            continue
        if digest not in valid:
            valid[digest] = load_principal(ctx, digest) is not None
        if not valid[digest]:
            registry.pop((sid, namespace), None)
            server.emit(SESSION_REVOKED, {"reason": "revoked"}, to=sid, namespace=namespace)
            server.disconnect(sid, namespace=namespace)
            closed += 1
    return closed
