"""The ticket state machine, the recall cap and the priority flag."""

import pytest

from queue_server.domain.errors import DomainError
from queue_server.domain.tickets import (
    ACTIONS, ACTIVE_STATUSES, CALLED, CANCELLED, DONE, FINAL_STATUSES, HELD, NO_SHOW, PRIORITIES,
    STATUSES, WAITING, check_recall, next_status, parse_priority,
)

ALLOWED = {
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
REFUSED = [(status, action) for status in STATUSES for action in ACTIONS
           if (status, action) not in ALLOWED]


@pytest.mark.parametrize("status, action, expected",
                         [(s, a, new) for (s, a), new in ALLOWED.items()])
def test_allowed_transitions(status, action, expected):
    assert next_status(status, action) == expected


@pytest.mark.parametrize("status, action", REFUSED)
def test_every_other_transition_is_an_invalid_state(status, action):
    with pytest.raises(DomainError) as caught:
        next_status(status, action)
    assert caught.value.code == "invalid_state"


def test_an_unknown_status_is_an_invalid_state():
    with pytest.raises(DomainError) as caught:
        next_status("suspended", "call")
    assert caught.value.code == "invalid_state"


def test_an_unknown_action_is_a_value_error():
    with pytest.raises(ValueError):
        next_status(WAITING, "teleport")


@pytest.mark.parametrize("status", FINAL_STATUSES)
def test_no_action_leads_out_of_a_final_status_but_undoing_a_no_show(status):
    expected = ["undo_no_show"] if status == NO_SHOW else []
    assert [a for a in ACTIONS if (status, a) in ALLOWED] == expected


def test_active_and_final_statuses_cover_all_statuses_once():
    assert sorted(ACTIVE_STATUSES + FINAL_STATUSES) == sorted(STATUSES)


def test_status_values_are_the_stored_strings():
    assert (WAITING, CALLED, DONE, NO_SHOW, CANCELLED) == (
        "waiting", "called", "done", "no_show", "cancelled")


@pytest.mark.parametrize("recall_count", [0, 1, 4])
def test_recall_is_allowed_under_the_limit(recall_count):
    assert check_recall(recall_count, 5) is None


@pytest.mark.parametrize("recall_count", [5, 6])
def test_recall_is_refused_at_the_limit(recall_count):
    with pytest.raises(DomainError) as caught:
        check_recall(recall_count, 5)
    assert caught.value.code == "recall_limit"


def test_a_limit_of_zero_refuses_every_recall():
    with pytest.raises(DomainError):
        check_recall(0, 0)


@pytest.mark.parametrize("value, expected", [(None, False), ("normal", False), ("priority", True)])
def test_parse_priority(value, expected):
    assert parse_priority(value) is expected


@pytest.mark.parametrize("value", ["", "Priority", "high", "green", True, False, 1, 0, [], {}])
def test_parse_priority_refuses_anything_else(value):
    with pytest.raises(DomainError) as caught:
        parse_priority(value)
    assert caught.value.code == "invalid_request"


def test_priorities_map_names_to_flags():
    assert PRIORITIES == {"normal": False, "priority": True}
