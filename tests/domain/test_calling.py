"""Who is called next: overdue first, then transfers to this window, then the window's policy."""

from datetime import datetime, timedelta, timezone

import pytest

from queue_server.domain.calling import (
    POLICIES, Candidate, arrival_key, candidate_sort_key, choose_next, is_overdue,
)

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)
A, B, C = 1, 2, 3  # service ids
NO_LIMITS = {A: None, B: None, C: None}


def ticket(ticket_id, service_id, waited_s, *, priority=False, targeted=False) -> Candidate:
    return Candidate(ticket_id, service_id, priority, NOW - timedelta(seconds=waited_s), targeted)


def chosen_id(candidates, order=(A, B), max_wait=None, policy="preference"):
    choice = choose_next(candidates, list(order), NO_LIMITS if max_wait is None else max_wait,
                         NOW, policy)
    return None if choice is None else choice.ticket_id


@pytest.mark.parametrize("policy", POLICIES)
def test_nobody_waiting_calls_nobody(policy):
    assert chosen_id([], policy=policy) is None


@pytest.mark.parametrize("order, expected", [((A, B), 1), ((B, A), 2)])
def test_preference_takes_the_first_service_in_the_window_order(order, expected):
    candidates = [ticket(1, A, 60), ticket(2, B, 600)]
    assert chosen_id(candidates, order) == expected


def test_preference_falls_through_to_the_next_service_with_tickets():
    candidates = [ticket(3, C, 60), ticket(2, B, 60)]
    assert chosen_id(candidates, (A, C, B)) == 3


def test_preference_ignores_a_priority_ticket_of_a_later_service():
    candidates = [ticket(1, A, 60), ticket(2, B, 600, priority=True)]
    assert chosen_id(candidates, (A, B)) == 1


@pytest.mark.parametrize("policy", POLICIES)
def test_priority_tickets_go_first_within_a_service(policy):
    candidates = [ticket(1, A, 600), ticket(2, A, 60, priority=True)]
    assert chosen_id(candidates, policy=policy) == 2


@pytest.mark.parametrize("policy", POLICIES)
def test_the_oldest_ticket_goes_first_within_a_service(policy):
    candidates = [ticket(1, A, 60), ticket(2, A, 600), ticket(3, A, 300)]
    assert chosen_id(candidates, policy=policy) == 2


@pytest.mark.parametrize("policy", POLICIES)
def test_the_oldest_priority_ticket_goes_first_among_priority_tickets(policy):
    candidates = [ticket(1, A, 60, priority=True), ticket(2, A, 600, priority=True)]
    assert chosen_id(candidates, policy=policy) == 2


@pytest.mark.parametrize("policy", POLICIES)
def test_equal_queue_times_go_to_the_lower_ticket_id(policy):
    candidates = [ticket(8, A, 60), ticket(5, A, 60), ticket(7, A, 60)]
    assert chosen_id(candidates, policy=policy) == 5


def test_full_call_order_with_two_services_and_preference():
    waiting = [ticket(1, B, 900), ticket(2, A, 800), ticket(3, A, 700, priority=True),
               ticket(4, B, 600, priority=True), ticket(5, A, 500)]
    order = []
    while waiting:
        choice = choose_next(waiting, [A, B], NO_LIMITS, NOW)
        order.append(choice.ticket_id)
        waiting.remove(choice)
    assert order == [3, 2, 5, 4, 1]


def test_full_call_order_with_two_services_and_oldest_first():
    waiting = [ticket(1, B, 900), ticket(2, A, 800), ticket(3, A, 700, priority=True),
               ticket(4, B, 600, priority=True), ticket(5, A, 500)]
    order = []
    while waiting:
        choice = choose_next(waiting, [A, B], NO_LIMITS, NOW, "oldest_first")
        order.append(choice.ticket_id)
        waiting.remove(choice)
    assert order == [3, 4, 1, 2, 5]


def test_oldest_first_takes_the_oldest_across_services():
    candidates = [ticket(1, A, 60), ticket(2, B, 600)]
    assert chosen_id(candidates, (A, B), policy="oldest_first") == 2


def test_oldest_first_puts_a_priority_ticket_of_any_service_first():
    candidates = [ticket(1, A, 600), ticket(2, B, 60, priority=True)]
    assert chosen_id(candidates, (A, B), policy="oldest_first") == 2


@pytest.mark.parametrize("policy", POLICIES)
def test_a_service_not_served_by_the_window_is_ignored(policy):
    candidates = [ticket(1, C, 6000, priority=True), ticket(2, B, 60)]
    assert chosen_id(candidates, (A, B), policy=policy) == 2


@pytest.mark.parametrize("policy", POLICIES)
def test_only_foreign_services_waiting_calls_nobody(policy):
    assert chosen_id([ticket(1, C, 600)], (A, B), policy=policy) is None


@pytest.mark.parametrize("policy", POLICIES)
def test_a_transferred_ticket_keeps_its_place_in_time(policy):
    # ticket 1 came to service B by transfer and kept its original queued_at
    candidates = [ticket(2, B, 60), ticket(3, B, 120), ticket(1, B, 1800)]
    assert chosen_id(candidates, (B,), policy=policy) == 1


@pytest.mark.parametrize("policy", POLICIES)
def test_a_ticket_transferred_to_this_window_goes_before_the_queue(policy):
    candidates = [ticket(1, A, 600, priority=True), ticket(2, B, 60, targeted=True)]
    assert chosen_id(candidates, (A, B), policy=policy) == 2


@pytest.mark.parametrize("policy", POLICIES)
def test_a_ticket_transferred_to_this_window_is_called_even_for_a_foreign_service(policy):
    candidates = [ticket(1, A, 600), ticket(2, C, 60, targeted=True)]
    assert chosen_id(candidates, (A, B), policy=policy) == 2


@pytest.mark.parametrize("policy", POLICIES)
def test_tickets_transferred_to_this_window_go_oldest_first(policy):
    candidates = [ticket(1, A, 60, targeted=True, priority=True), ticket(2, B, 600, targeted=True)]
    assert chosen_id(candidates, (A, B), policy=policy) == 2


@pytest.mark.parametrize("policy", POLICIES)
def test_a_ticket_waiting_exactly_the_limit_is_overdue_and_goes_first(policy):
    candidates = [ticket(1, A, 60, priority=True), ticket(2, B, 1800)]
    assert chosen_id(candidates, (A, B), {A: None, B: 1800}, policy) == 2


@pytest.mark.parametrize("policy", POLICIES)
def test_a_ticket_one_second_under_the_limit_is_not_overdue(policy):
    candidates = [ticket(1, A, 60, priority=True), ticket(2, B, 1799)]
    assert chosen_id(candidates, (A, B), {A: None, B: 1800}, policy) == 1


@pytest.mark.parametrize("policy", POLICIES)
def test_an_overdue_ticket_goes_before_a_ticket_transferred_to_this_window(policy):
    candidates = [ticket(1, A, 60, targeted=True), ticket(2, B, 1800)]
    assert chosen_id(candidates, (A, B), {A: None, B: 1800}, policy) == 2


@pytest.mark.parametrize("policy", POLICIES)
def test_overdue_tickets_go_oldest_first_regardless_of_priority_and_order(policy):
    candidates = [ticket(1, A, 700, priority=True), ticket(2, B, 900), ticket(3, A, 800)]
    assert chosen_id(candidates, (A, B), {A: 600, B: 600}, policy) == 2


def test_equally_old_overdue_tickets_go_to_the_lower_id():
    candidates = [ticket(9, A, 900), ticket(4, B, 900)]
    assert chosen_id(candidates, (A, B), {A: 600, B: 600}) == 4


@pytest.mark.parametrize("max_wait", [{A: None, B: None}, {}])
def test_a_service_without_a_limit_never_makes_tickets_overdue(max_wait):
    candidates = [ticket(1, A, 60), ticket(2, B, 86_400)]
    assert chosen_id(candidates, (A, B), max_wait) == 1


def test_an_overdue_ticket_of_a_foreign_service_is_still_ignored():
    candidates = [ticket(1, A, 60), ticket(2, C, 7200)]
    assert chosen_id(candidates, (A, B), {C: 600}) == 1


def test_the_window_order_decides_once_the_overdue_ticket_is_gone():
    candidates = [ticket(1, A, 60), ticket(2, B, 100)]
    assert chosen_id(candidates, (A, B), {A: 1800, B: 1800}) == 1


def test_candidates_may_be_any_iterable():
    candidates = (c for c in [ticket(1, A, 60), ticket(2, A, 600)])
    assert chosen_id(candidates) == 2


@pytest.mark.parametrize("policy", ["", "fifo", "Preference"])
def test_an_unknown_policy_is_a_value_error(policy):
    with pytest.raises(ValueError):
        choose_next([], [A], NO_LIMITS, NOW, policy)


def test_a_naive_now_is_a_value_error():
    with pytest.raises(ValueError):
        choose_next([ticket(1, A, 60)], [A], NO_LIMITS, NOW.replace(tzinfo=None))


@pytest.mark.parametrize("waited_s, expected", [(599, False), (600, True), (601, True)])
def test_is_overdue_at_the_threshold(waited_s, expected):
    assert is_overdue(ticket(1, A, waited_s), {A: 600}, NOW) is expected


def test_candidate_sort_key_puts_priority_before_age():
    keys = sorted([ticket(1, A, 900), ticket(2, A, 60, priority=True)], key=candidate_sort_key)
    assert [c.ticket_id for c in keys] == [2, 1]


def test_arrival_key_ignores_priority():
    keys = sorted([ticket(1, A, 900), ticket(2, A, 60, priority=True)], key=arrival_key)
    assert [c.ticket_id for c in keys] == [1, 2]
