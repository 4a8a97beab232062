"""One way in for every Socket.IO namespace: ``AuthenticatedNamespace``.

``/display``, ``/kiosk``, ``/staff``, ``/evaluator`` and ``/supervision`` all connect the same
way: read the token from ``auth``, resolve the principal, check its kind, role and hall, refuse
in the documented shape (refusal.py), join the rooms, register the socket for revocation
(revocation.py) and send the first state. The base does these steps once, in that order; a
namespace declares whom it accepts and fills in hooks:

- ``check_request(ctx, auth)``: the request's own fields, checked before the token is looked at
  (``/kiosk``'s role, ``/display``'s hall and window); returns what ``admit`` needs.
- ``admit(ctx, principal, auth, request)`` -> ``Seat``: may this principal sit here, and in
  which rooms.
- ``welcome(ctx, principal, seat)``: the first state, emitted after the rooms were joined, so
  that a change made in between arrives after it and is never lost.
- ``seated(seat)``: bookkeeping once the connection is in (heartbeats.py).

Any hook refuses by raising ``DomainError`` (directly or from a service): its code and message
become the refusal's ``data``, here and nowhere else.
"""

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_socketio import Namespace, join_room

from queue_server.domain.errors import DomainError
from queue_server.realtime import revocation
from queue_server.realtime.refusal import refuse
from queue_server.services.accounts import authenticate, forbidden
from queue_server.services.network import in_scope


@dataclass(frozen=True)
class Seat:
    """Where an accepted connection sits: the rooms it joins and what its welcome needs."""

    rooms: tuple[str, ...]
    detail: Any = None  # the namespace's own: a hall, a window, a kiosk role …
    device_id: int | None = None  # the device whose heartbeats this socket carries, if any


class AuthenticatedNamespace(Namespace):
    # Who may connect, as "user" (any user), "user:<role>" or "device:<kind>"; None = anyone
    # with a valid token (the namespace's admit decides, e.g. forbidden for a staff member).
    accepts: tuple[str, ...] | None = None
    unauthenticated_message = "a valid token is required"
    # /display is public: without a token a screen is a read-only viewer, nothing is tracked.
    token_optional = False
    # Revoking a token closes the sockets it opened (revocation.AUTH_NAMESPACES). /display is
    # not among them: its data is public, and a screen refused later only goes blank.
    revocable = True

    def on_connect(self, auth=None):
        auth = auth if isinstance(auth, dict) else {}
        ctx = current_app.extensions["hallq"]
        token = auth.get("token")
        try:
            request = self.check_request(ctx, auth)
            principal = self._principal(ctx, token)
            seat = self.admit(ctx, principal, auth, request)
        except DomainError as error:
            refuse(error.code, error.message)
        if principal is not None and self.revocable:
            revocation.authorised(token, principal)
        for room in seat.rooms:
            join_room(room)
        self.welcome(ctx, principal, seat)
        self.seated(seat)

    def _principal(self, ctx, token):
        if token is None and self.token_optional:
            return None
        principal = authenticate(ctx, token) if isinstance(token, str) else None
        if principal is None or not self.accepted(principal):
            raise DomainError("unauthenticated", self.unauthenticated_message)
        return principal

    def accepted(self, principal) -> bool:
        return self.accepts is None or principal.kind in self.accepts \
            or f"{principal.kind}:{principal.role}" in self.accepts

    # ---- hooks ---------------------------------------------------------------------------

    def check_request(self, ctx, auth: dict):
        return None

    def admit(self, ctx, principal, auth: dict, request) -> Seat:
        raise NotImplementedError

    def welcome(self, ctx, principal, seat: Seat) -> None:
        pass

    def seated(self, seat: Seat) -> None:
        pass


def require_watcher(ctx, principal, hall, roles=("manager", "admin")) -> None:
    """A manager (and, where ``roles`` says so, a supervisor) may watch the halls of their
    subtree (their hall and every hall below it), an admin every hall; nobody else, and never
    a sibling or a parent (issue 10, item 3)."""
    if not principal.is_user(*roles):
        raise forbidden("only the hall's managers may do this")
    if not in_scope(ctx, principal, hall.code):
        raise forbidden(f"hall {hall.code} is outside this manager's network")
