"""What a window is doing, in the one vocabulary every screen uses (pure; no I/O).

Four states (``closed``, ``paused``, ``idle``, ``serving``), the same words on the hall screen,
the window screen, the LED sign, the phone page and the dashboard. The words and their labels
are in ``hallq_shared.windows`` (the LED agent shows them without the server); the rules that
choose one are here.

A call is *true* (a screen may tell a citizen to go there) only while its window is serving that
very ticket: a ticket transferred, marked no-show, finished, put on hold — any status other than
``called`` — or whose window paused or whose clerk signed out after the call no longer is.
"""

from dataclasses import dataclass
from datetime import datetime

from hallq_shared.windows import CLOSED, IDLE, LABELS, PAUSED, SERVING, STATES, label  # noqa: F401


@dataclass(frozen=True)
class WindowFacts:
    """What is stored about a window at one moment.

    ``stored_state``: the window row's state (``open``, ``paused`` or ``closed``).
    ``ticket_status`` / ``called_at``: the status and latest call time of the window's current
    ticket, None without one. ``signed_in``: someone holds an open session there.
    ``last_sign_out``: when the latest session there ended (None: never). ``in_hours``: one of
    the window's services is open now.
    """

    stored_state: str
    signed_in: bool
    in_hours: bool
    ticket_status: str | None = None
    called_at: datetime | None = None
    last_sign_out: datetime | None = None


def call_is_live(facts: WindowFacts) -> bool:
    """The window's current ticket is still called here and nobody signed out since the call.

    A manager may call at a window nobody signed in to: that call stands until a sign-out
    after it (which ends whoever was there) or the ticket moves on.
    """
    if facts.ticket_status != "called" or facts.called_at is None:
        return False
    return facts.last_sign_out is None or facts.last_sign_out < facts.called_at


def window_state(facts: WindowFacts) -> str:
    """closed, paused, idle or serving (see the module docstring for the order of the rules)."""
    if facts.stored_state == "closed":
        return CLOSED
    if facts.stored_state == "paused":
        return PAUSED
    if call_is_live(facts):
        return SERVING
    if not facts.signed_in or not facts.in_hours:
        return CLOSED
    return IDLE
