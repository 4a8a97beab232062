"""Whether a Socket.IO room has anyone in it, so that a push nobody would receive is not even
read from the database (in a city, most windows' counter pages and many halls' screens are
closed at any moment).

Only a one-process server knows: with a message queue (Redis) the room's members may be on
another process, so there every room counts as watched (as it does for a stand-in without a
Socket.IO server, which cannot tell).
"""

from socketio import PubSubManager


def watched(socketio, namespace: str, room: str) -> bool:
    manager = getattr(getattr(socketio, "server", None), "manager", None)
    if manager is None or isinstance(manager, PubSubManager):
        return True
    return bool(manager.rooms.get(namespace, {}).get(room))
