"""A ticket issued while a forecast is being read and played forward (under eventlet the
play-forward runs in a native thread, so tickets are issued meanwhile) is counted in the
new forecast's "issued since": the next ticket of its class is told one step more, not the
wait of a queue without it. And of two overlapping forecasts the one read later stands."""

from queue_server.services import estimates


def _issue(client, kiosk) -> dict:
    response = client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _wait_told_now(ctx) -> int:
    hall = ctx.halls.get("h1")
    with ctx.db.read() as conn:
        return estimates.new_ticket_wait_s(ctx, conn, hall, hall.services[0], False)


def test_a_ticket_issued_during_a_forecast_still_counts(ctx, client, kiosk, monkeypatch):
    hall = ctx.halls.get("h1")
    monkeypatch.setattr(ctx, "publish", lambda events: None)  # no forecast from its pushes
    assert hall.services[0].code == "A"
    for _ in range(3):
        _issue(client, kiosk)
    estimates.refresh(ctx, hall)
    real_forecast, during = estimates.forecast, []

    def forecast_while_a_ticket_is_issued(state):
        if not during:  # (the issue's own pushes may forecast again, inside this one)
            during.append(None)
            during[0] = _issue(client, kiosk)  # counted in the forecast about to be replaced
        return real_forecast(state)

    monkeypatch.setattr(estimates, "forecast", forecast_while_a_ticket_is_issued)
    snap = estimates.refresh(ctx, hall)
    monkeypatch.setattr(estimates, "forecast", real_forecast)
    assert len(during) == 1 and during[0]["id"] not in snap.result.call_at
    service, now = hall.services[0], ctx.clock()
    one_since, none_since = (snap.result.new_ticket_wait_s(service.id, False, now, n)
                             for n in (1, 0))
    assert one_since != none_since  # the step is visible here
    assert _wait_told_now(ctx) == one_since  # the ticket issued meanwhile is counted


def test_a_forecast_read_earlier_never_replaces_one_read_later(ctx, client, kiosk,
                                                               monkeypatch):
    """Two forecasts overlap (the coalesced one and a request's): the one that read the hall
    later stands, whichever finishes last."""
    hall = ctx.halls.get("h1")
    for _ in range(3):
        _issue(client, kiosk)
    estimates.refresh(ctx, hall)
    real_forecast, inner = estimates.forecast, []

    def forecast_overtaken(state):
        if not inner:
            inner.append(_issue(client, kiosk))
            inner.append(estimates.refresh(ctx, hall))  # read later, finishes first
        return real_forecast(state)

    monkeypatch.setattr(estimates, "forecast", forecast_overtaken)
    monkeypatch.setattr(ctx, "publish", lambda events: None)
    outer = estimates.refresh(ctx, hall)
    assert outer is inner[1] and ctx.caches["forecasts"][hall.id] is inner[1]
    assert inner[0]["id"] in inner[1].result.call_at
