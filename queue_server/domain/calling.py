"""Who is called next at a window.

A window serves an ordered list of services (``service_order``). When the staff member presses
"call", the next ticket is chosen among the waiting candidates by these rules, in order:

1. **Overdue first.** A ticket whose wait (``now - queued_at``) has reached its service's
   ``max_wait_s`` (exactly at the limit counts; a service without a limit never makes tickets
   overdue) goes ahead of every ticket that is not overdue. Among overdue tickets the oldest
   ``queued_at`` goes first, ties broken by the lower ticket id. This keeps a service low in
   every window's order from starving.
2. **Transferred to this window.** Tickets transferred to this very window (``targeted``) come
   next, oldest ``queued_at`` first, then lower ticket id.
3. **The window's policy.**
   - ``"preference"`` (default): the first service in ``service_order`` that has any candidate;
     inside it priority tickets (绿色通道) first, then the oldest ``queued_at``, then the lowest
     ticket id.
   - ``"oldest_first"``: across all the window's services, priority tickets first, then the
     oldest ``queued_at``, then the lowest ticket id.

   Under both policies a booked ticket (预约, checked in at the kiosk) whose slot has begun
   (``booked_from <= now``) goes ahead of the other non-priority tickets it is compared with:
   the walk-ins of its service (all the window's services under ``oldest_first``); among
   begun bookings the earliest slot goes first, then the oldest ``queued_at``. Rules 1 and 2
   still come first, so walk-ins never wait past their service's limit because of bookings.

A transferred ticket keeps its original ``queued_at``, so it keeps its place in time. Candidates
whose service is not in ``service_order`` are ignored unless they were transferred to this
window. An unknown policy is a ValueError.

``upcoming`` lists the next few tickets in the same order (the rule applied again and again);
``requeue_time`` is where a requeued no-show (过号顺延) goes back to in its queue.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from queue_server.domain.numbering import require_aware

POLICIES = ("preference", "oldest_first")


@dataclass(frozen=True)
class Candidate:
    ticket_id: int
    service_id: int
    priority: bool          # 绿色通道
    queued_at: datetime     # aware UTC; a transferred ticket keeps its original time
    targeted: bool = False  # transferred to this very window
    booked_from: datetime | None = None  # a booked ticket's slot start (aware UTC)


def arrival_key(candidate: Candidate) -> tuple:
    """Oldest ``queued_at`` first, then the lower ticket id."""
    return (candidate.queued_at, candidate.ticket_id)


def candidate_sort_key(candidate: Candidate) -> tuple:
    """Priority tickets first, then oldest ``queued_at``, then the lower ticket id."""
    return (not candidate.priority, candidate.queued_at, candidate.ticket_id)


def is_overdue(candidate: Candidate, max_wait_s: Mapping[int, int | None], now: datetime) -> bool:
    """True when the ticket has waited at least its service's limit (None = no limit)."""
    limit = max_wait_s.get(candidate.service_id)
    if limit is None:
        return False
    return (now - candidate.queued_at).total_seconds() >= limit


def choose_next(candidates: Iterable[Candidate], service_order: Sequence[int],
                max_wait_s: Mapping[int, int | None], now: datetime,
                policy: str = "preference") -> Candidate | None:
    """The candidate to call next under the rules in the module docstring, or None."""
    if policy not in POLICIES:
        raise ValueError(f"unknown call policy {policy!r}; expected one of {POLICIES}")
    require_aware(now)
    served = set(service_order)
    eligible = [c for c in candidates if c.targeted or c.service_id in served]
    if not eligible:
        return None
    overdue = [c for c in eligible if is_overdue(c, max_wait_s, now)]
    if overdue:
        return min(overdue, key=arrival_key)
    targeted = [c for c in eligible if c.targeted]
    if targeted:
        return min(targeted, key=arrival_key)
    key = _policy_key(now)
    if policy == "oldest_first":
        return min(eligible, key=key)
    return _first_preferred(eligible, service_order, key)


def _policy_key(now: datetime):
    """``candidate_sort_key`` with booked tickets whose slot has begun ahead of walk-ins,
    earliest slot first (the order ``storage.bookings.booked_heads`` gives call-next)."""
    def key(c: Candidate) -> tuple:
        due = c.booked_from is not None and c.booked_from <= now
        return (not c.priority, not due, c.booked_from if due else now, c.queued_at,
                c.ticket_id)
    return key


def _first_preferred(eligible: list[Candidate], service_order: Sequence[int], key) -> Candidate:
    for service_id in service_order:
        in_service = [c for c in eligible if c.service_id == service_id]
        if in_service:
            return min(in_service, key=key)
    raise AssertionError("an eligible candidate always belongs to a service in the order")


def upcoming(candidates: Iterable[Candidate], service_order: Sequence[int],
             max_wait_s: Mapping[int, int | None], now: datetime, policy: str = "preference",
             count: int = 5) -> list[Candidate]:
    """The next ``count`` tickets in call order (``choose_next`` applied ``count`` times).

    Exact when ``candidates`` holds at least the first ``count`` tickets of every service and
    priority class and of the transferred-here queue: the rule only ever takes a queue's head.
    """
    left = list(candidates)
    result = []
    while len(result) < count:
        choice = choose_next(left, service_order, max_wait_s, now, policy)
        if choice is None:
            break
        result.append(choice)
        left.remove(choice)
    return result


def requeue_time(waiting: Sequence[datetime], places: int, now: datetime) -> datetime:
    """The place in time that puts a requeued no-show ``places`` places back in its queue.

    ``waiting`` are the ``queued_at`` of the tickets waiting in its queue (service and priority
    class), oldest first. With ``places`` or fewer waiting it goes behind all of them (``now``);
    otherwise between the ``places``-th and the next one.
    """
    require_aware(now)
    if places < 1:
        raise ValueError("places must be at least 1")
    if len(waiting) <= places:
        return max([now, *waiting])
    before, after = waiting[places - 1], waiting[places]
    return before + (after - before) / 2
