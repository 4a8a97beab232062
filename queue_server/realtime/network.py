"""The ``/network`` namespace: live, coalesced updates of the city network view.

A manager connects with ``auth={"token": …}`` and joins the room of their own hall, which
receives the rows of every hall of that subtree; an admin joins the room of all halls. No
snapshot on connect: the page reads ``GET /network/summary`` once connected.

``NetworkPush`` watches the use-case events (tickets, calls, windows, sign-ins) and the
supervisor's alert changes. A hall that changes is marked; the first mark schedules one flush
``NETWORK_PUSH_INTERVAL_S`` later, which reads the figures of all the marked halls at once
(the summary's grouped queries) and sends each room one ``network_changed`` with the rows of
its halls. A burst of a thousand tickets in a hundred halls thus costs each dashboard one push
a second at most, carrying the state as it is then.
"""

from queue_server.domain.network import ancestors
from queue_server.realtime import protocol
from queue_server.realtime.base import AuthenticatedNamespace, Seat
from queue_server.realtime.coalesce import Coalescer
from queue_server.services import supervisor
from queue_server.services.accounts import SUPERVISING, forbidden
from queue_server.services.network_summary import hall_rows
from queue_server.storage import network as store


class NetworkNamespace(AuthenticatedNamespace):
    def admit(self, ctx, principal, auth, request):
        if not principal.is_user("admin", *SUPERVISING):
            raise forbidden("only managers, supervisors and admins watch the network")
        if not principal.is_user("admin") and principal.hall_id is None:
            raise forbidden("this manager supervises no hall")
        own = None if principal.is_user("admin") else ctx.halls.by_id(principal.hall_id).code
        return Seat((protocol.network_room(own),))


class NetworkPush:
    """Marks changed halls and pushes their rows, coalesced (see the module docstring)."""

    def __init__(self, socketio, ctx, interval: float = protocol.NETWORK_PUSH_INTERVAL_S):
        self._socketio, self._ctx = socketio, ctx
        self._halls = Coalescer(socketio, self._push, interval, "network_changed")
        ctx.on_close(self._halls.close)

    @property
    def interval(self) -> float:
        return self._halls.interval

    @interval.setter
    def interval(self, seconds: float) -> None:
        self._halls.interval = seconds

    def observing(self, publish):
        """``publish`` (the use cases' publisher) that also marks the events' halls."""
        def both(events) -> None:
            publish(events)
            self.mark({e.hall for e in events if getattr(e, "hall", None)})
        return both

    def mark(self, halls: set[str]) -> None:
        self._halls.mark(halls)

    def flush(self) -> None:
        self._halls.flush()

    def _push(self, halls: set[str]) -> None:
        for room, rows in self.rows_by_room(halls).items():
            self._socketio.emit(protocol.NETWORK_CHANGED, {"halls": rows},
                                namespace=protocol.NETWORK_NAMESPACE, to=room)

    def rows_by_room(self, halls: set[str]) -> dict:
        """{room: rows}: each hall's row goes to its own room, its ancestors' and the admins'."""
        ctx = self._ctx
        with ctx.db.read() as conn:
            nodes = {node.code: node for node in store.hall_nodes(conn)}
            places = [{"code": code, "name": ctx.halls.get(code).name, "level": nodes[code].level,
                       "parent": nodes[code].parent} for code in sorted(halls) if code in nodes]
            rows = hall_rows(ctx, conn, places, ctx.clock())
        parents = {code: node.parent for code, node in nodes.items()}
        result: dict = {}
        for row in rows:
            for code in [row["code"], *ancestors(row["code"], parents), None]:
                result.setdefault(protocol.network_room(code), []).append(row)
        return result


def init_app(app, socketio) -> NetworkPush:
    """The namespace, and the pusher watching the supervisor's alert changes; wrap the use
    cases' publisher with the returned pusher's ``observing``."""
    ctx = app.extensions["hallq"]
    socketio.on_namespace(NetworkNamespace(protocol.NETWORK_NAMESPACE))
    push = NetworkPush(socketio, ctx)
    alerts_out = ctx.caches.get(supervisor.PUSH_KEY)

    def alerts_and_network(changes: list[dict]) -> None:
        if alerts_out is not None:
            alerts_out(changes)
        push.mark({change["hall"] for change in changes})

    supervisor.set_pusher(ctx, alerts_and_network)
    app.extensions["hallq_network_push"] = push
    return push
