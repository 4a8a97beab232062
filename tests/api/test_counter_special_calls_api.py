"""选呼 (call-number), 挂起 (hold / unhold) and what the counter shows (the next numbers in
line, held tickets, who staffs the other windows), over HTTP."""

import pytest

from tests.api.test_counter_desk_api import BASE, act, code, counter, issue, status


# ---- 选呼 / 特呼 -------------------------------------------------------------------------------

def test_call_number_calls_that_ticket(client, kiosk, staff1):
    issue(client, kiosk)
    third = [issue(client, kiosk) for _ in range(2)][-1]
    response = act(client, staff1, "call-number", body={"number": "a003"})
    assert (response.get_json()["ticket"]["number"], status(client, third)) == ("A003", "called")


def test_call_number_keeps_the_others_in_line(client, kiosk, staff1):
    issue(client, kiosk)
    issue(client, kiosk)
    act(client, staff1, "call-number", body={"number": "A002"})
    act(client, staff1, "finish")
    assert act(client, staff1, "call-next").get_json()["ticket"]["number"] == "A001"


@pytest.mark.parametrize("body, expected", [
    ({"number": "A999"}, (404, "unknown_ticket")),
    ({"number": "C001"}, (409, "not_served_here")),
    ({"number": "A1"}, (400, "invalid_request")),
    ({"number": 12}, (400, "invalid_request")),
    ({}, (400, "invalid_request")),
])
def test_call_number_refusals(client, kiosk, staff1, body, expected):
    issue(client, kiosk, "C", id_number="11010519491231002X")
    assert code(act(client, staff1, "call-number", body=body)) == expected


def test_call_number_of_a_called_ticket_is_refused(client, kiosk, staff1, accts):
    staff2 = accts.user("staff", windows=(2,))
    issue(client, kiosk)
    act(client, staff2, "call-next", window=2)
    response = act(client, staff1, "call-number", body={"number": "A001"})
    assert (code(response), response.get_json()["error"]["details"]["ticket_status"]) == (
        (409, "ticket_not_waiting"), "called")


def test_call_number_while_serving_must_name_the_current(client, kiosk, staff1):
    first = issue(client, kiosk)
    issue(client, kiosk)
    current = act(client, staff1, "call-next").get_json()["ticket"]
    refused = act(client, staff1, "call-number", body={"number": "A002"})
    done = act(client, staff1, "call-number", body={"number": "A002", "finish": current["id"]})
    assert (code(refused), done.status_code, status(client, first)) == (
        (409, "current_ticket_changed"), 200, "done")


def test_call_number_on_a_paused_window_is_refused(client, kiosk, staff1):
    issue(client, kiosk)
    act(client, staff1, "pause")
    assert code(act(client, staff1, "call-number", body={"number": "A001"})) == (
        409, "window_paused")


# ---- 挂起 ---------------------------------------------------------------------------------------

def test_hold_takes_the_ticket_off_the_window_and_lists_it(client, kiosk, staff1):
    ticket = issue(client, kiosk)
    act(client, staff1, "call-next")
    response = act(client, staff1, "hold")
    state = counter(client, staff1)
    assert (response.get_json()["ticket"]["status"], status(client, ticket), state["current"],
            [t["number"] for t in state["held"]]) == ("held", "held", None, ["A001"])


def test_held_ticket_is_not_called_by_call_next(client, kiosk, staff1):
    issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "hold")
    assert code(act(client, staff1, "call-next")) == (404, "queue_empty")


def test_unhold_brings_it_back_as_the_current_ticket(client, kiosk, staff1):
    ticket = issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "hold")
    response = act(client, staff1, "unhold", body={"ticket": ticket["id"]})
    state = counter(client, staff1)
    assert (response.get_json()["ticket"]["status"], state["current"]["number"],
            state["held"]) == ("called", "A001", [])


def test_unhold_while_serving_is_window_busy(client, kiosk, staff1):
    ticket = issue(client, kiosk)
    issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "hold")
    act(client, staff1, "call-next")
    assert code(act(client, staff1, "unhold", body={"ticket": ticket["id"]})) == (
        409, "window_busy")


def test_unhold_at_another_window_is_refused(client, kiosk, staff1, accts):
    staff2 = accts.user("staff", windows=(2,))
    ticket = issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "hold")
    response = act(client, staff2, "unhold", window=2, body={"ticket": ticket["id"]})
    assert (code(response), response.get_json()["error"]["details"]["window"]) == (
        (409, "held_elsewhere"), 1)


@pytest.mark.parametrize("body, expected", [
    ({"ticket": 9999}, (404, "unknown_ticket")), ({"ticket": "1"}, (400, "invalid_request")),
    ({}, (400, "invalid_request")), (None, (400, "invalid_request")),
])
def test_unhold_refusals(client, kiosk, staff1, body, expected):
    assert code(act(client, staff1, "unhold", body=body)) == expected


def test_unhold_of_a_waiting_ticket_is_refused(client, kiosk, staff1):
    ticket = issue(client, kiosk)
    assert code(act(client, staff1, "unhold", body={"ticket": ticket["id"]})) == (
        409, "ticket_not_held")


def test_hold_with_nothing_current_is_refused(client, staff1):
    assert code(act(client, staff1, "hold")) == (409, "no_current_ticket")


def test_hold_naming_a_stale_ticket_is_refused(client, kiosk, staff1):
    issue(client, kiosk)
    act(client, staff1, "call-next")
    assert code(act(client, staff1, "hold", body={"ticket": 4242})) == (
        409, "current_ticket_changed")


def test_unhold_refused_when_the_person_took_another_ticket(client, kiosk, accts):
    staff3 = accts.user("staff", windows=(3,))
    person = "11010519491231002X"
    ticket = issue(client, kiosk, "C", id_number=person)
    act(client, staff3, "call-next", window=3)
    act(client, staff3, "hold", window=3)
    issue(client, kiosk, "C", id_number=person)  # held is not waiting: a new ticket is allowed
    assert code(act(client, staff3, "unhold", window=3, body={"ticket": ticket["id"]})) == (
        409, "already_waiting")


# ---- the counter's view --------------------------------------------------------------------

def test_counter_lists_the_next_five_in_call_order(client, kiosk, staff1):
    for service in ["B", "A", "A", "B", "A", "A", "A"]:
        issue(client, kiosk, service)
    listed = [t["number"] for t in counter(client, staff1)["upcoming"]]
    called = [act(client, staff1, "call-next").get_json()["ticket"]["number"]
              for _ in range(5)]
    assert listed == called == ["A001", "A002", "A003", "A004", "A005"]


def test_counter_upcoming_puts_priority_first(client, kiosk, staff1):
    issue(client, kiosk)
    issue(client, kiosk, priority="priority")
    upcoming = counter(client, staff1)["upcoming"]
    assert [(t["number"], t["priority"]) for t in upcoming] == [
        ("A002", "priority"), ("A001", "normal")]


def test_counter_windows_say_who_staffs_them_and_what_they_serve(client, staff1, accts):
    staff2 = accts.user("staff", windows=(2,))
    client.post(f"{BASE}/2/sign-in", headers=staff2)
    windows = {w["number"]: w for w in counter(client, staff1)["windows"]}
    assert (windows[2]["staff"], windows[2]["services"], windows[3]["staff"],
            windows[3]["services"], 1 in windows) == ("staff2", ["B", "A"], None, ["C", "D"],
                                                       False)
