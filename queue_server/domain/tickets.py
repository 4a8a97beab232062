"""The ticket state machine and the ticket's priority flag.

::

    waiting  --call-->      called
    called   --recall-->    called     (capped by the recall limit)
    called   --finish-->    done
    called   --no_show-->   no_show
    called   --transfer-->  waiting    (keeps queued_at)
    waiting  --cancel-->    cancelled
    called   --hold-->      held       (挂起: kept by its window, off every screen)
    held     --unhold-->    called     (back as its window's current ticket)
    called   --requeue-->   waiting    (过号顺延: a no-show sent back a few places)
    no_show  --undo_no_show-->  called (within the hall's undo time, at the same window)
    waiting  --undo_no_show-->  called (the same, for a no-show that was requeued)
    waiting/called/held at the end of its day  -->  expired   (services/day_end.py)

A transfer is recorded as an event, not as a status: the ticket simply waits again, in its
original place in time, for the target service or window. A no-show must take a new ticket
(过号请重新取号) unless its service requeues no-shows (``requeues_no_show``) or its window undoes
the no-show within the hall's undo time; otherwise final statuses have no way out.
"""

from queue_server.domain.errors import DomainError, invalid_request

WAITING = "waiting"
CALLED = "called"
DONE = "done"
NO_SHOW = "no_show"
CANCELLED = "cancelled"
HELD = "held"
EXPIRED = "expired"  # still waiting, called or held when its day ended

STATUSES = (WAITING, CALLED, DONE, NO_SHOW, CANCELLED, HELD, EXPIRED)
ACTIVE_STATUSES = (WAITING, CALLED, HELD)
FINAL_STATUSES = (DONE, NO_SHOW, CANCELLED, EXPIRED)

ACTIONS = ("call", "recall", "finish", "no_show", "transfer", "cancel", "hold", "unhold",
           "requeue", "undo_no_show")

TRANSITIONS = {
    (WAITING, "call"): CALLED,
    (CALLED, "recall"): CALLED,
    (CALLED, "finish"): DONE,
    (CALLED, "no_show"): NO_SHOW,
    (CALLED, "transfer"): WAITING,
    (WAITING, "cancel"): CANCELLED,
    (CALLED, "hold"): HELD,
    (HELD, "unhold"): CALLED,
    (CALLED, "requeue"): WAITING,
    (NO_SHOW, "undo_no_show"): CALLED,
    (WAITING, "undo_no_show"): CALLED,
}

PRIORITIES = {"normal": False, "priority": True}


def next_status(status: str, action: str) -> str:
    """The status after ``action``; ``invalid_state`` (409) when the action is not allowed.

    An action outside ``ACTIONS`` is a programming error and raises ValueError.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown ticket action {action!r}")
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise DomainError("invalid_state", f"Cannot {action} a ticket that is {status}") from None


def check_recall(recall_count: int, limit: int) -> None:
    """Raise ``recall_limit`` (409) once the ticket has been recalled ``limit`` times."""
    if recall_count >= limit:
        raise DomainError("recall_limit", f"This ticket has already been recalled {limit} times")


def requeues_no_show(requeued_count: int, places: int, max_times: int) -> bool:
    """过号顺延: True when a no-show goes back ``places`` places in its queue instead of ending.

    ``places`` 0 turns the policy off; a ticket is requeued at most ``max_times`` times, after
    which a no-show is final.
    """
    return places > 0 and requeued_count < max_times


def parse_priority(value) -> bool:
    """``"priority"`` -> True, ``"normal"`` or None -> False; anything else is invalid_request."""
    if value is None:
        return False
    if not isinstance(value, str) or value not in PRIORITIES:
        raise invalid_request("priority must be 'normal' or 'priority'")
    return PRIORITIES[value]
