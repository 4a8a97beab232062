"""Window actions over HTTP: call next, recall, finish, no-show, transfer, pause, resume."""

import pytest


def issue(client, kiosk, service="A", **body):
    response = client.post("/api/v1/halls/h1/tickets", json=dict(body, service=service),
                           headers=kiosk)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def act(client, headers, action, window=1, **body):
    return client.post(f"/api/v1/halls/h1/windows/{window}/{action}", json=body or None,
                       headers=headers)


def test_call_next_calls_the_oldest_ticket(client, kiosk, staff1):
    issue(client, kiosk)
    issue(client, kiosk)
    assert act(client, staff1, "call-next").get_json()["ticket"]["number"] == "A001"


def test_called_ticket_shows_its_window(client, kiosk, staff1):
    issue(client, kiosk)
    ticket = act(client, staff1, "call-next").get_json()["ticket"]
    assert (ticket["status"], ticket["window"]) == ("called", 1)


def test_empty_queue_is_404_queue_empty(client, staff1):
    response = act(client, staff1, "call-next")
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "queue_empty")


def test_call_next_finishes_the_current_ticket_first(client, kiosk, staff1):
    first = issue(client, kiosk)
    issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "call-next")
    assert client.get(f"/api/v1/track/{first['track_token']}").get_json()["status"] == "done"


def test_call_next_on_empty_queue_still_finishes_the_current(client, kiosk, staff1):
    first = issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "call-next")
    assert client.get(f"/api/v1/track/{first['track_token']}").get_json()["status"] == "done"


def test_window_follows_its_preference_order(client, kiosk, accts):
    staff2 = accts.user("staff", windows=(2,))
    issue(client, kiosk, "A")
    issue(client, kiosk, "B")
    assert act(client, staff2, "call-next", window=2).get_json()["ticket"]["number"] == "B001"


def test_priority_ticket_is_called_first(client, kiosk, staff1):
    issue(client, kiosk)
    issue(client, kiosk, priority="priority")
    assert act(client, staff1, "call-next").get_json()["ticket"]["number"] == "A002"


def test_overdue_ticket_of_a_later_service_goes_first(client, kiosk, accts, clock):
    staff2 = accts.user("staff", windows=(2,))  # prefers B, then A (A's limit: 30 min)
    issue(client, kiosk, "A")
    clock.advance(minutes=31)
    issue(client, kiosk, "B")
    assert act(client, staff2, "call-next", window=2).get_json()["ticket"]["number"] == "A001"


def test_ticket_of_yesterday_is_not_called_today(client, kiosk, accts, clock):
    issue(client, kiosk)
    clock.advance(days=1)
    staff1 = accts.user("staff", windows=(1,))
    assert act(client, staff1, "call-next").status_code == 404


def test_recall_counts_up(client, kiosk, staff1):
    issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "recall")
    assert act(client, staff1, "recall").get_json()["ticket"]["recall_count"] == 2


def test_recall_is_capped_at_the_limit(client, kiosk, staff1):
    issue(client, kiosk)
    act(client, staff1, "call-next")
    for _ in range(5):
        assert act(client, staff1, "recall").status_code == 200
    response = act(client, staff1, "recall")
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "recall_limit")


@pytest.mark.parametrize("action", ["recall", "finish", "no-show"])
def test_actions_without_a_current_ticket_are_refused(client, staff1, action):
    response = act(client, staff1, action)
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "no_current_ticket")


def test_transfer_without_a_current_ticket_is_refused(client, staff1):
    response = act(client, staff1, "transfer", service="B")
    assert response.get_json()["error"]["code"] == "no_current_ticket"


def test_finish_marks_the_ticket_done(client, kiosk, staff1):
    issue(client, kiosk)
    act(client, staff1, "call-next")
    assert act(client, staff1, "finish").get_json()["ticket"]["status"] == "done"


def test_no_show_marks_the_ticket_no_show(client, kiosk, staff1):
    issue(client, kiosk)
    act(client, staff1, "call-next")
    assert act(client, staff1, "no-show").get_json()["ticket"]["status"] == "no_show"


def test_transfer_to_a_service_keeps_the_number_and_waits_again(client, kiosk, staff1):
    issue(client, kiosk)
    act(client, staff1, "call-next")
    ticket = act(client, staff1, "transfer", service="B").get_json()["ticket"]
    assert (ticket["number"], ticket["service"], ticket["status"]) == ("A001", "B", "waiting")


def test_transferred_ticket_keeps_its_place_in_time(client, kiosk, accts, clock):
    staff1, staff2 = accts.user("staff", windows=(1,)), accts.user("staff", windows=(2,))
    issue(client, kiosk, "A")
    clock.advance(minutes=1)
    issue(client, kiosk, "B")
    act(client, staff1, "call-next")
    act(client, staff1, "transfer", service="B")
    assert act(client, staff2, "call-next", window=2).get_json()["ticket"]["number"] == "A001"


def test_transfer_to_a_window_is_called_only_there(client, kiosk, accts):
    staff1, staff2 = accts.user("staff", windows=(1,)), accts.user("staff", windows=(2,))
    issue(client, kiosk, "A")
    act(client, staff1, "call-next")
    client.post("/api/v1/halls/h1/windows/1/transfer", json={"window": 2}, headers=staff1)
    assert act(client, staff1, "call-next").status_code == 404
    assert act(client, staff2, "call-next", window=2).get_json()["ticket"]["number"] == "A001"


@pytest.mark.parametrize("body, code", [
    ({}, "invalid_request"),
    ({"service": "B", "window": 2}, "invalid_request"),
    ({"window": 1}, "invalid_request"),
    ({"window": "2"}, "invalid_request"),
    ({"service": "Z"}, "unknown_service"),
    ({"window": 9}, "unknown_window"),
])
def test_bad_transfer_targets_are_refused(client, kiosk, staff1, body, code):
    issue(client, kiosk)
    act(client, staff1, "call-next")
    response = client.post("/api/v1/halls/h1/windows/1/transfer", json=body, headers=staff1)
    assert response.get_json()["error"]["code"] == code


def test_paused_window_cannot_call(client, kiosk, staff1):
    issue(client, kiosk)
    act(client, staff1, "pause", reason="午休")
    response = act(client, staff1, "call-next")
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "window_paused")


def test_pause_reports_the_state_and_reason(client, staff1):
    body = act(client, staff1, "pause", reason="午休").get_json()
    assert (body["state"], body["reason"]) == ("paused", "午休")


def test_pause_needs_no_body(client, staff1):
    response = client.post("/api/v1/halls/h1/windows/1/pause", headers=staff1)
    assert response.get_json()["state"] == "paused"


def test_pause_twice_changes_nothing_the_second_time(client, staff1):
    act(client, staff1, "pause")
    assert act(client, staff1, "pause").get_json()["changed"] is False


def test_resume_lets_the_window_call_again(client, kiosk, staff1):
    issue(client, kiosk)
    act(client, staff1, "pause")
    act(client, staff1, "resume")
    assert act(client, staff1, "call-next").status_code == 200


def test_pause_reason_must_be_text(client, staff1):
    response = act(client, staff1, "pause", reason=42)
    assert response.get_json()["error"]["code"] == "invalid_request"


def test_unknown_window_is_404(client, manager):
    response = act(client, manager, "call-next", window=99)
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "unknown_window")


def test_every_change_is_in_the_event_log(client, kiosk, staff1, ctx):
    issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "recall")
    act(client, staff1, "transfer", service="B")
    act(client, staff1, "call-next")
    act(client, staff1, "no-show")
    with ctx.db.read() as conn:
        kinds = [r[0] for r in conn.exec_driver_sql("SELECT kind FROM ticket_events ORDER BY id")]
    assert kinds == ["issued", "called", "recalled", "transferred", "called", "no_show"]


def test_transfer_to_a_service_the_person_already_waits_for_is_refused(client, kiosk, accts):
    from queue_server.domain.idnumber import make_id_number

    staff3 = accts.user("staff", windows=(3,))
    person = make_id_number("11010519800101123")
    issue(client, kiosk, "C", id_number=person)
    issue(client, kiosk, "D", id_number=person)
    act(client, staff3, "call-next", window=3)
    response = client.post("/api/v1/halls/h1/windows/3/transfer", json={"service": "D"},
                           headers=staff3)
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "already_waiting")


def test_call_gives_up_with_busy_when_every_candidate_is_taken(client, kiosk, staff1, monkeypatch):
    from datetime import datetime, timezone

    from queue_server.services import calling

    issue(client, kiosk)
    queued_at = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
    # Every candidate found is already held by another window (as SKIP LOCKED would say).
    monkeypatch.setattr(calling, "_take", lambda conn, ticket_id: False)
    monkeypatch.setattr(calling, "_candidates", lambda conn, window, day, skipped: [
        calling.Candidate(len(skipped) + 1, window.service_ids[0], False, queued_at)])
    response = act(client, staff1, "call-next")
    assert (response.status_code, response.get_json()["error"]["code"]) == (503, "busy")
