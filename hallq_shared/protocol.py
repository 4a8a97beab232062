"""Every Socket.IO namespace, event name, room and device kind of HallQ, in one place.

Outside programs (hall screens, LED agents, acceptance tests) rely on these names: they are part
of the public contract (``../shared/CONTRACT.md``), documented in docs/API.md. The server and
the agents (``kiosk-agent``, ``led-agent``, the keypad bridge) both import this module, so it
imports nothing at all: an agent's machine has no server installed
(``tests/test_import_rules.py``).
"""

# Kinds of device a hall registers (``queue-server device add NAME --kind KIND``); each
# connects with its device token. Evaluators and callers belong to one window; a
# "department" device is a department system using the case API (issue 11).
DEVICE_KINDS = ("kiosk", "display", "led", "evaluator", "caller", "department")
WINDOW_DEVICE_KINDS = ("evaluator", "caller")

DISPLAY_NAMESPACE = "/display"

# Server → client
HALL_SNAPSHOT = "hall_snapshot"
TICKET_CALLED = "ticket_called"
QUEUE_CHANGED = "queue_changed"
WINDOW_CHANGED = "window_changed"

PUSHED_EVENTS = (TICKET_CALLED, QUEUE_CHANGED, WINDOW_CHANGED)
# After a re-forecast (issue 12), only when a figure moved by more than ESTIMATE_STEP_S:
# ``estimates_changed`` {hall, services: {code: estimated_wait_s}} to the hall room (kiosk
# tiles, screens) and to counter pages; ``wait_changed`` {estimated_wait_s} to one ticket's
# room only (the phone tracking that ticket: auth {"hall", "track": token} on /display).
ESTIMATES_CHANGED = "estimates_changed"
WAIT_CHANGED = "wait_changed"
ESTIMATE_STEP_S = 60
# Events that go to the window's own room besides the hall room.
WINDOW_EVENTS = (TICKET_CALLED, WINDOW_CHANGED)

RECENT_CALLS = 10

# Client → server on /display and /evaluator, from a device connected with its token (a paired
# hall screen, an LED agent, a window's evaluator): "still here", every DEVICE_HEARTBEAT_S. The
# supervisor raises device_silent when a device's heartbeats stop (services.supervisor).
HEARTBEAT = "heartbeat"
DEVICE_HEARTBEAT_S = 60


def hall_room(hall_code: str) -> str:
    return f"hall:{hall_code}"


def ticket_room(hall_code: str, ticket_id: int) -> str:
    """The phones tracking one ticket (``wait_changed``)."""
    return f"ticket:{hall_code}:{ticket_id}"


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


# ---- /kiosk: a kiosk device's agent (printer, card reader) and its touch page ----------------
# Both connect with auth={"token": KIOSK_TOKEN, "role": "agent" | "page"}.
KIOSK_NAMESPACE = "/kiosk"
KIOSK_ROLES = ("agent", "page")

# Server → agent
PRINT_TICKET = "print_ticket"
# Agent → server
PRINT_RESULT = "print_result"
# Agent → server, relayed server → page
PRINTER_STATUS = "printer_status"
CARD_READ = "card_read"
# Server → page
KIOSK_STATUS = "kiosk_status"
TICKET_PRINTED = "ticket_printed"


def kiosk_room(device_id: int, role: str) -> str:
    """The agent(s) or the page(s) of one kiosk device."""
    return f"kiosk:{device_id}:{role}"


# ---- /supervision: managers' dashboards (electronic supervision) --------------------------
# Connect with auth={"token": BEARER, "hall": CODE}; an admin may leave out "hall" for all halls.
SUPERVISION_NAMESPACE = "/supervision"

# Server → manager
ALERTS_SNAPSHOT = "alerts_snapshot"  # {hall, alerts: [open alerts]} on connect
ALERT_RAISED = "alert_raised"  # {hall, alert}
ALERT_CHANGED = "alert_changed"  # {hall, alert}: level changed or acknowledged
ALERT_CLEARED = "alert_cleared"  # {hall, alert}
ALERT_EVENTS = (ALERT_RAISED, ALERT_CHANGED, ALERT_CLEARED)


def supervision_room(hall_code: str | None) -> str:
    """The managers of one hall; ``None`` = the admins watching every hall."""
    return f"supervision:{hall_code}" if hall_code else "supervision:*"


# ---- /staff: a window's counter page; /evaluator: the evaluator tablet at a window ----------
# The counter page connects with auth={"token": USER_TOKEN, "hall": code, "window": n} (staff
# of that window, or a manager of the hall); the evaluator with auth={"token": EVALUATOR_TOKEN}
# (its hall and window are the device's; "hall"/"window" given must match them).
STAFF_NAMESPACE = "/staff"
EVALUATOR_NAMESPACE = "/evaluator"

# Server → counter page: the window's state (current ticket, queues, who is signed in), on
# connect and after every change at the window; its queues again after queue changes.
COUNTER_STATE = "counter_state"
# Server → evaluator: the window and who is signed in there, on connect and on sign-in/out.
EVALUATOR_STATE = "evaluator_state"
# Server → evaluator: after 办结, {ticket, number, service, service_name, window, window_name,
# staff_name, finished_at}; the citizen may rate it (or not).
EVALUATION_REQUEST = "evaluation_request"

# Use-case events carried only to the counter and evaluator namespaces, never to /display.
TICKET_FINISHED = "ticket_finished"
SESSION_CHANGED = "session_changed"
COUNTER_ONLY_EVENTS = (TICKET_FINISHED, SESSION_CHANGED)
# Use-case events after which a window's counter page gets a fresh counter_state.
COUNTER_WINDOW_EVENTS = (TICKET_CALLED, WINDOW_CHANGED, TICKET_FINISHED, SESSION_CHANGED)


def staff_room(hall_code: str, window_number: int) -> str:
    return f"staff:{hall_code}:{window_number}"


def staff_hall_room(hall_code: str) -> str:
    """Every counter page of a hall: queue pushes go here once, not once per window."""
    return f"staff:{hall_code}"


def evaluator_room(hall_code: str, window_number: int) -> str:
    return f"evaluator:{hall_code}:{window_number}"


# ---- /network: the city network view (managers' and admins' dashboards) --------------------
# Connect with auth={"token": BEARER}: a manager gets the halls of their subtree, an admin all.
NETWORK_NAMESPACE = "/network"
# Server → dashboard: {halls: [rows of GET /network/summary]} for the halls that changed, at
# most once every NETWORK_PUSH_INTERVAL_S (coalesced: never one push per ticket).
NETWORK_CHANGED = "network_changed"
NETWORK_PUSH_INTERVAL_S = 1.0


def network_room(hall_code: str | None) -> str:
    """The watchers of ``hall_code``'s subtree; ``None`` = the admins watching every hall."""
    return f"network:{hall_code}" if hall_code else "network:*"
