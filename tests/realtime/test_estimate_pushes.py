"""Live estimates: after a re-forecast, ``estimates_changed`` to the hall's screens and counter
pages and ``wait_changed`` to the one phone tracking a ticket whose call moved by a minute."""

from queue_server.realtime import protocol
from tests.realtime.test_display_namespace import connect, issue, received


def _pause_window_2(client, manager):
    response = client.post("/api/v1/halls/h1/windows/2/pause", json={"reason": "休息"},
                           headers=manager)
    assert response.status_code == 200, response.get_json()


def test_a_moved_call_reaches_only_the_phone_tracking_that_ticket(app, socketio, client, kiosk,
                                                                   manager):
    tickets = [issue(client, kiosk) for _ in range(4)]
    phone = connect(app, socketio, hall="h1", track=tickets[3]["track_token"])
    other_phone = connect(app, socketio, hall="h1", track=tickets[0]["track_token"])
    screen = connect(app, socketio, hall="h1")
    for c in (phone, other_phone, screen):
        received(c)
    _pause_window_2(client, manager)  # one window fewer for A: the last ticket waits longer
    pushed = received(phone, protocol.WAIT_CHANGED)
    assert len(pushed) == 1
    assert pushed[0]["args"][0]["estimated_wait_s"] > tickets[3]["estimated_wait_s"] + 60
    assert received(other_phone, protocol.WAIT_CHANGED) == []  # the first is called next anyway
    assert received(screen, protocol.WAIT_CHANGED) == []


def test_a_service_estimate_that_moves_reaches_screens_and_counters(app, socketio, client, kiosk,
                                                                     manager, staff1):
    for _ in range(4):
        issue(client, kiosk)
    screen = connect(app, socketio, hall="h1")
    counter = socketio.test_client(app, namespace=protocol.STAFF_NAMESPACE,
                                   auth={"token": staff1["Authorization"][7:], "hall": "h1",
                                         "window": 1})
    assert counter.is_connected(protocol.STAFF_NAMESPACE)
    received(screen)
    counter.get_received(protocol.STAFF_NAMESPACE)
    _pause_window_2(client, manager)
    pushed = received(screen, protocol.ESTIMATES_CHANGED)
    assert len(pushed) == 1 and pushed[0]["args"][0]["hall"] == "h1"
    assert set(pushed[0]["args"][0]["services"]) == {"A", "B", "C", "D"}
    names = [e["name"] for e in counter.get_received(protocol.STAFF_NAMESPACE)]
    assert protocol.ESTIMATES_CHANGED in names


def test_a_forecast_that_moved_less_than_a_minute_pushes_nothing(ctx, client, kiosk, clock):
    from queue_server.realtime.estimates import EstimatesRefresh

    class Recorder:
        emitted: list = []

        def emit(self, name, payload, namespace, to):
            self.emitted.append((name, to))

    for _ in range(3):
        issue(client, kiosk)
    refresh = EstimatesRefresh(Recorder(), ctx, 0.0)
    refresh._refresh({"h1"})  # noqa: SLF001 - the first forecast: the services' waits
    assert [name for name, _ in Recorder.emitted] == [protocol.ESTIMATES_CHANGED] * 2
    Recorder.emitted.clear()
    clock.advance(seconds=50)  # the calls are 50 s nearer: the waits moved less than a minute
    refresh._refresh({"h1"})  # noqa: SLF001
    assert Recorder.emitted == []


def test_a_phone_told_a_wait_before_a_forecast_held_its_ticket_hears_the_first_that_moves_it(
        ctx, client, kiosk, manager, monkeypatch):
    """The phone read its wait (a tail estimate, say) and windows paused before the coalesced
    forecast came round: that forecast is the first to hold the ticket, and still it must tell
    the phone its call moved, measured from what the phone was told."""
    from queue_server.realtime.estimates import EstimatesRefresh

    class Recorder:
        emitted: list = []

        def emit(self, name, payload, namespace, to):
            self.emitted.append((name, to, payload))

    tickets = [issue(client, kiosk) for _ in range(4)]
    monkeypatch.setattr(EstimatesRefresh, "mark", lambda self, halls: None)  # no forecast yet
    refresh = EstimatesRefresh(Recorder(), ctx, 0.0)  # has pushed nothing for this hall
    told = client.get(f"/api/v1/track/{tickets[3]['track_token']}").get_json()
    _pause_window_2(client, manager)
    refresh._refresh({"h1"})  # noqa: SLF001 - the forecast the burst was waiting for
    moved = [(to, payload) for name, to, payload in Recorder.emitted
             if name == protocol.WAIT_CHANGED]
    assert [to for to, _ in moved] == [protocol.ticket_room("h1", tickets[3]["id"])]
    assert moved[0][1]["estimated_wait_s"] > told["estimated_wait_s"] + 60


def test_a_bad_track_token_is_refused_and_an_unknown_one_joins_no_ticket_room(app, socketio):
    refused = socketio.test_client(app, namespace="/display", auth={"hall": "h1", "track": 5})
    assert not refused.is_connected("/display")
    assert connect(app, socketio, hall="h1", track="no-such-token")


def test_a_city_of_halls_is_forecast_within_a_budget_least_recently_forecast_first(ctx,
                                                                                   monkeypatch):
    """Hundreds of halls changing at once: one run forecasts ``MAX_HALLS_PER_RUN`` of them and
    leaves the rest marked for the next run, which takes them before the halls just done."""
    from queue_server.realtime import estimates as realtime_estimates

    class Socketio:
        tasks: list = []

        def start_background_task(self, task):
            self.tasks.append(task)

        def sleep(self, seconds):
            pass

    done = []

    def no_such_hall(code):  # records the order; there is nothing to forecast in made-up halls
        done.append(code)
        raise KeyError(code)

    monkeypatch.setattr(realtime_estimates, "MAX_HALLS_PER_RUN", 3)
    monkeypatch.setattr(ctx.halls, "get", no_such_hall)
    refresh = realtime_estimates.EstimatesRefresh(Socketio(), ctx, 1.0)
    refresh.mark({f"x{n}" for n in range(7)})
    runs = []
    while Socketio.tasks:
        Socketio.tasks.pop(0)()  # the coalesced run, as the server's background task
        runs.append(done[sum(map(len, runs)):])
        if len(runs) == 1:
            refresh.mark({"x0"})  # changed again: it waits behind the halls not forecast yet
    assert runs == [["x0", "x1", "x2"], ["x3", "x4", "x5"], ["x6", "x0"]]
