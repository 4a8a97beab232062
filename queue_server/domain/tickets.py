"""The ticket state machine and the ticket's priority flag.

::

    waiting  --call-->      called
    called   --recall-->    called     (capped by the recall limit)
    called   --finish-->    done
    called   --no_show-->   no_show
    called   --transfer-->  waiting    (keeps queued_at)
    waiting  --cancel-->    cancelled

A transfer is recorded as an event, not as a status: the ticket simply waits again, in its
original place in time, for the target service or window. A no-show must take a new ticket
(过号请重新取号), so final statuses have no way out.
"""

from queue_server.domain.errors import DomainError, invalid_request

WAITING = "waiting"
CALLED = "called"
DONE = "done"
NO_SHOW = "no_show"
CANCELLED = "cancelled"

STATUSES = (WAITING, CALLED, DONE, NO_SHOW, CANCELLED)
ACTIVE_STATUSES = (WAITING, CALLED)
FINAL_STATUSES = (DONE, NO_SHOW, CANCELLED)

ACTIONS = ("call", "recall", "finish", "no_show", "transfer", "cancel")

TRANSITIONS = {
    (WAITING, "call"): CALLED,
    (CALLED, "recall"): CALLED,
    (CALLED, "finish"): DONE,
    (CALLED, "no_show"): NO_SHOW,
    (CALLED, "transfer"): WAITING,
    (WAITING, "cancel"): CANCELLED,
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
        raise DomainError("invalid_state", f"Cannot {action} a ticket that is {status}",
                          409) from None


def check_recall(recall_count: int, limit: int) -> None:
    """Raise ``recall_limit`` (409) once the ticket has been recalled ``limit`` times."""
    if recall_count >= limit:
        raise DomainError("recall_limit", f"This ticket has already been recalled {limit} times",
                          409)


def parse_priority(value) -> bool:
    """``"priority"`` -> True, ``"normal"`` or None -> False; anything else is invalid_request."""
    if value is None:
        return False
    if not isinstance(value, str) or value not in PRIORITIES:
        raise invalid_request("priority must be 'normal' or 'priority'")
    return PRIORITIES[value]
