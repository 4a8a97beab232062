"""Wait estimates through the API: the forecast made again after each change (the test app's
coalescing interval is 0, so at once) and read by new tickets and the tracking page."""

import pytest

from queue_server.realtime.estimates import EstimatesRefresh


def issue(client, headers, service="A", **body):
    response = client.post("/api/v1/halls/h1/tickets", json=dict(body, service=service),
                           headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def track(client, ticket):
    return client.get(f"/api/v1/track/{ticket['track_token']}").get_json()["estimated_wait_s"]


@pytest.fixture
def manager(accts):
    return accts.user("manager")


def test_two_windows_share_a_service_by_preference(client, kiosk):
    # A (600 s: half of max_service_min 20) at windows 1 (A first) and 2 (B first).
    waits = [issue(client, kiosk)["estimated_wait_s"] for _ in range(4)]
    assert waits == [0, 0, 600, 600]


def test_a_paused_window_no_longer_counts(client, kiosk, manager):
    tickets = [issue(client, kiosk) for _ in range(3)]
    assert track(client, tickets[2]) == 600
    response = client.post("/api/v1/halls/h1/windows/2/pause", json={"reason": "午休"},
                           headers=manager)
    assert response.status_code == 200
    assert track(client, tickets[2]) == 1200


def test_the_current_ticket_holds_its_window(client, kiosk, manager, clock):
    first, second = issue(client, kiosk, "D"), issue(client, kiosk, "D")
    assert client.post("/api/v1/halls/h1/windows/3/call-next", headers=manager).status_code \
        == 200
    clock.advance(minutes=2)
    issue(client, kiosk, "B")  # a change: the forecast is made again, two minutes on
    assert track(client, second) == 300 - 120  # HALLQ_DEFAULT_HANDLING_S less time spent
    assert first["estimated_wait_s"] == 0


def _pause(client, manager, window, paused=True):
    action = "pause" if paused else "resume"
    response = client.post(f"/api/v1/halls/h1/windows/{window}/{action}", json={},
                           headers=manager)
    assert response.status_code == 200, response.get_json()


def test_a_paused_window_is_expected_back_after_its_typical_pause(client, kiosk, manager, clock):
    _pause(client, manager, 3)
    issue(client, kiosk, "D")
    assert issue(client, kiosk, "D")["estimated_wait_s"] == 1800 + 300  # no history: 30 min
    clock.advance(minutes=10)
    _pause(client, manager, 3, paused=False)  # one pause of 10 minutes in the hall's history
    _pause(client, manager, 3)
    third = issue(client, kiosk, "D")
    assert third["estimated_wait_s"] == 600 + 2 * 300


def test_priority_tickets_are_estimated_ahead(client, kiosk):
    for _ in range(3):
        issue(client, kiosk)
    assert issue(client, kiosk, priority="priority")["estimated_wait_s"] == 0


def test_the_refresh_marks_halls_only_for_changes(ctx):
    from queue_server.services.context import Event

    seen = []

    class Inline:
        def start_background_task(self, task):
            task()

        def sleep(self, seconds):
            pass

    refresh = EstimatesRefresh(Inline(), ctx, 0.0)
    refresh._refresh = seen.append  # noqa: SLF001 - what would be forecast
    refresh._halls._push = seen.append  # noqa: SLF001
    publish = refresh.observing(lambda events: None)
    publish([Event("print_ticket", "h1", {})])
    publish([Event("queue_changed", "h1", {}), Event("window_changed", "h2", {}, 1)])
    assert seen == [{"h1", "h2"}]
