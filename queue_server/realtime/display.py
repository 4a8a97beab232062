"""The public, read-only ``/display`` namespace for hall screens, window screens and LED agents.

Connect with ``auth={"hall": "<code>"}`` for a hall screen, plus ``"window": n`` for one window.
The server answers with ``hall_snapshot`` and then pushes changes to the client's room.

A screen or LED agent paired to a device adds ``"token": DEVICE_TOKEN`` (a ``display`` or ``led``
device of that hall) and sends ``heartbeat`` every minute: the supervisor then notices when it
goes quiet. Without a token the namespace stays public and nothing is tracked.

A phone tracking its ticket adds ``"track": TRACK_TOKEN``: it joins that ticket's room too and
gets ``wait_changed`` when the ticket's expected call moves by more than a minute.
"""

from flask_socketio import emit

from queue_server.caching import single_flight
from queue_server.domain.errors import invalid_request
from queue_server.realtime import protocol
from queue_server.realtime.base import Seat
from queue_server.realtime.heartbeats import HeartbeatNamespace
from queue_server.services.accounts import forbidden
from queue_server.services.floor import hall_snapshot


class DisplayNamespace(HeartbeatNamespace):
    accepts = ("device:display", "device:led")
    unauthenticated_message = "auth.token must be a display or LED device token"
    token_optional = True
    revocable = False

    def check_request(self, ctx, auth):
        """The hall (and window) first: a screen with a wrong hall learns that before its
        token is looked at."""
        hall, window = auth.get("hall"), auth.get("window")
        if not isinstance(hall, str):
            raise invalid_request("auth.hall needed")
        if window is not None and (isinstance(window, bool) or not isinstance(window, int)):
            raise invalid_request("auth.window must be a window number")
        track = auth.get("track")
        if track is not None and not isinstance(track, str):
            raise invalid_request("auth.track must be a ticket's tracking token")
        info = ctx.halls.get(hall)
        if window is not None:
            info.window(window)
        return info, window, _tracked(ctx, info, track)

    def admit(self, ctx, principal, auth, request):
        hall, window, ticket_id = request
        if principal is not None and principal.hall_id != hall.id:
            raise forbidden("this device belongs to another hall")
        room = protocol.hall_room(hall.code) if window is None \
            else protocol.window_room(hall.code, window)
        rooms = (room,) if ticket_id is None else (room, protocol.ticket_room(hall.code,
                                                                              ticket_id))
        return Seat(rooms, detail=(hall.code, window),
                    device_id=principal.device_id if principal is not None else None)

    def welcome(self, ctx, principal, seat):
        # Screens reconnecting together (a server process gone) share one read of their hall.
        snapshot = single_flight(ctx, "hall_snapshot").get(
            seat.detail, lambda: hall_snapshot(ctx, *seat.detail))
        emit(protocol.HALL_SNAPSHOT, snapshot)


def _tracked(ctx, hall, token: str | None) -> int | None:
    """The id of the hall's ticket with tracking token ``token`` (None: none such)."""
    if not token or len(token) > 64:
        return None
    from queue_server.storage import tickets as stored

    with ctx.db.read() as conn:
        row = stored.by_track_token(conn, token)
    return row["id"] if row is not None and row["hall_id"] == hall.id else None
