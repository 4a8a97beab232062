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

A transferred ticket keeps its original ``queued_at``, so it keeps its place in time. Candidates
whose service is not in ``service_order`` are ignored unless they were transferred to this
window. An unknown policy is a ValueError.
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
    if policy == "oldest_first":
        return min(eligible, key=candidate_sort_key)
    return _first_preferred(eligible, service_order)


def _first_preferred(eligible: list[Candidate], service_order: Sequence[int]) -> Candidate:
    for service_id in service_order:
        in_service = [c for c in eligible if c.service_id == service_id]
        if in_service:
            return min(in_service, key=candidate_sort_key)
    raise AssertionError("an eligible candidate always belongs to a service in the order")
