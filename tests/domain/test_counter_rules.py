"""The counter's newer rules: the next tickets in call order, where a requeued no-show (过号顺延)
goes back to, and the hold / requeue / undo transitions of the ticket state machine."""

from datetime import datetime, timedelta, timezone

import pytest

from queue_server.domain.calling import Candidate, choose_next, requeue_time, upcoming
from queue_server.domain.errors import DomainError
from queue_server.domain.tickets import next_status, requeues_no_show

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)
A, B = 1, 2


def ticket(ticket_id, service_id, waited_s, *, priority=False, targeted=False) -> Candidate:
    return Candidate(ticket_id, service_id, priority, NOW - timedelta(seconds=waited_s), targeted)


def test_upcoming_follows_the_preference_order_then_the_next_service():
    candidates = [ticket(1, A, 60), ticket(2, A, 30), ticket(3, B, 600)]
    assert [c.ticket_id for c in upcoming(candidates, [A, B], {}, NOW)] == [1, 2, 3]


def test_upcoming_puts_overdue_and_transferred_tickets_first():
    candidates = [ticket(1, A, 60), ticket(2, B, 1900), ticket(3, A, 10, targeted=True)]
    order = upcoming(candidates, [A, B], {A: None, B: 1800}, NOW)
    assert [c.ticket_id for c in order] == [2, 3, 1]


def test_upcoming_stops_at_count():
    candidates = [ticket(i, A, 100 - i) for i in range(1, 9)]
    assert [c.ticket_id for c in upcoming(candidates, [A], {}, NOW, count=5)] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("policy", ["preference", "oldest_first"])
def test_upcoming_first_is_what_choose_next_calls(policy):
    candidates = [ticket(1, B, 60), ticket(2, A, 30, priority=True), ticket(3, A, 90)]
    first = upcoming(candidates, [A, B], {}, NOW, policy)[0]
    assert first == choose_next(candidates, [A, B], {}, NOW, policy)


def test_requeue_goes_between_the_nth_and_the_next_waiting_ticket():
    waiting = [NOW - timedelta(seconds=s) for s in (300, 200, 100)]
    assert requeue_time(waiting, 2, NOW) == NOW - timedelta(seconds=150)


def test_requeue_with_fewer_waiting_than_places_goes_behind_everyone():
    waiting = [NOW - timedelta(seconds=300)]
    assert requeue_time(waiting, 3, NOW) == NOW


def test_requeue_with_nobody_waiting_goes_to_now():
    assert requeue_time([], 1, NOW) == NOW


def test_requeue_needs_at_least_one_place():
    with pytest.raises(ValueError):
        requeue_time([], 0, NOW)


@pytest.mark.parametrize("count, places, max_times, expected", [
    (0, 0, 1, False),   # policy off (the default)
    (0, 3, 1, True),
    (1, 3, 1, False),   # requeued once already: a real no-show now
    (1, 3, 2, True),
])
def test_requeues_no_show(count, places, max_times, expected):
    assert requeues_no_show(count, places, max_times) is expected


@pytest.mark.parametrize("status, action, after", [
    ("called", "hold", "held"), ("held", "unhold", "called"), ("called", "requeue", "waiting"),
    ("no_show", "undo_no_show", "called"), ("waiting", "undo_no_show", "called"),
])
def test_new_transitions(status, action, after):
    assert next_status(status, action) == after


@pytest.mark.parametrize("status, action", [
    ("waiting", "hold"), ("held", "hold"), ("called", "unhold"), ("done", "undo_no_show"),
    ("held", "finish"), ("held", "call"),
])
def test_refused_transitions(status, action):
    with pytest.raises(DomainError) as error:
        next_status(status, action)
    assert error.value.code == "invalid_state"
