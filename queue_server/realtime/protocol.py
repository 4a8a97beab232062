"""Every Socket.IO namespace, event name and room of HallQ, in one place.

Outside programs (hall screens, LED agents, acceptance tests) rely on these names: they are part
of the public contract (``../shared/CONTRACT.md``), documented in docs/API.md.
"""

DISPLAY_NAMESPACE = "/display"

# Server → client
HALL_SNAPSHOT = "hall_snapshot"
TICKET_CALLED = "ticket_called"
QUEUE_CHANGED = "queue_changed"
WINDOW_CHANGED = "window_changed"

PUSHED_EVENTS = (TICKET_CALLED, QUEUE_CHANGED, WINDOW_CHANGED)
# Events that go to the window's own room besides the hall room.
WINDOW_EVENTS = (TICKET_CALLED, WINDOW_CHANGED)

RECENT_CALLS = 10


def hall_room(hall_code: str) -> str:
    return f"hall:{hall_code}"


def window_room(hall_code: str, window_number: int) -> str:
    return f"window:{hall_code}:{window_number}"


def rooms_for(event_name: str, hall_code: str, window_number: int | None) -> list[str]:
    """The rooms one event goes to: the hall's, and the window's own for window events.

    A hall screen joins the hall room; a window screen or LED agent joins only its window room.
    """
    rooms = [hall_room(hall_code)]
    if event_name in WINDOW_EVENTS and window_number is not None:
        rooms.append(window_room(hall_code, window_number))
    return rooms
