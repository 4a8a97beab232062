"""Against ticket touts and a leaked kiosk token (issue 16, items 4, 12 and 14): real-name
tickets limited per kiosk and per hall (429 + an issue_burst alert), every issuer token
rate-limited, and an evaluator rates only its window's latest finished ticket, shortly after."""

from dataclasses import replace

import pytest
from sqlalchemy import select

from queue_server.domain.idnumber import make_id_number
from queue_server.storage.models import alerts


def person(n: int) -> str:
    return make_id_number(f"110105198001{n:02d}00{n % 10}")[:18]


def real_name(client, headers, n):
    return client.post("/api/v1/halls/h1/tickets", json={"service": "C", "id_number": person(n)},
                       headers=headers)


@pytest.fixture
def limits(ctx):
    ctx.settings = replace(ctx.settings, realname_kiosk_limit=3, realname_hall_limit=5)
    return ctx.settings


def open_alerts(ctx):
    with ctx.db.read() as conn:
        return conn.execute(select(alerts.c.kind, alerts.c.subject)
                            .where(alerts.c.cleared_at.is_(None))).all()


def test_a_kiosk_past_its_real_name_limit_is_refused_and_raises_an_alert(ctx, client, kiosk,
                                                                         limits):
    assert [real_name(client, kiosk, n).status_code for n in range(1, 4)] == [201] * 3
    refused = real_name(client, kiosk, 4)
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 0
    assert [kind for kind, _ in open_alerts(ctx)] == ["issue_burst"]
    # tickets without an ID number are not real-name: still issued
    assert client.post("/api/v1/halls/h1/tickets", json={"service": "A"},
                       headers=kiosk).status_code == 201


def test_the_hall_limit_counts_every_kiosk(ctx, client, accts, limits):
    kiosks = [accts.device("kiosk") for _ in range(3)]
    answers = [real_name(client, kiosks[n % 3], n).status_code for n in range(1, 7)]
    assert answers == [201] * 5 + [429]
    assert ("issue_burst", "burst:hall") in open_alerts(ctx)


def test_the_window_slides(ctx, client, kiosk, clock, limits):
    for n in range(1, 4):
        real_name(client, kiosk, n)
    clock.advance(seconds=ctx.settings.realname_window_s + 1)
    assert real_name(client, kiosk, 4).status_code == 201


def test_an_issuer_token_is_rate_limited(db_url, clock):
    from queue_server.app import create_app
    from queue_server.services import accounts
    from queue_server.services.config_loader import load_config
    from tests.conftest import TEST_HALL

    app = create_app({"database_url": db_url, "async_mode": "threading", "secret_key": "s",
                      "issue_rate_limit": "3 per minute"}, clock=clock)
    ctx = app.extensions["hallq"]
    load_config(ctx, TEST_HALL)
    token = accounts.add_device(ctx, "k", "kiosk", ctx.halls.get("h1").id)
    other = accounts.add_device(ctx, "k2", "kiosk", ctx.halls.get("h1").id)
    client = app.test_client()

    def issue(tok):
        return client.post("/api/v1/halls/h1/tickets", json={"service": "A"},
                           headers={"Authorization": "Bearer " + tok}).status_code

    assert [issue(token) for _ in range(4)] == [201, 201, 201, 429]
    assert issue(other) == 201
    ctx.close()


def _serve(client, staff, window=1):
    client.post("/api/v1/halls/h1/tickets", json={"service": "A"},
                headers=staff)
    ticket = client.post(f"/api/v1/halls/h1/windows/{window}/call-next",
                         headers=staff).get_json()["ticket"]
    client.post(f"/api/v1/halls/h1/windows/{window}/finish", headers=staff)
    return ticket["id"]


def rate(client, evaluator, ticket_id):
    return client.post(f"/api/v1/tickets/{ticket_id}/evaluation", json={"grade": "satisfied"},
                       headers=evaluator)


def test_an_evaluator_cannot_rate_an_older_ticket_of_its_window(client, staff1, evaluator1):
    old = _serve(client, staff1)
    latest = _serve(client, staff1)
    refused = rate(client, evaluator1, old)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "evaluation_closed"
    assert rate(client, evaluator1, latest).status_code == 201


def test_an_evaluator_cannot_rate_long_after_the_finish(ctx, client, clock, staff1, evaluator1):
    ticket = _serve(client, staff1)
    clock.advance(seconds=ctx.settings.evaluation_window_s + 1)
    assert rate(client, evaluator1, ticket).get_json()["error"]["code"] == "evaluation_closed"


def test_socket_messages_are_capped_like_http_bodies(app):
    assert app.extensions["socketio"].server.eio.max_http_buffer_size == 64 * 1024


def test_the_process_memory_limiter_counts_expires_and_starts_no_thread_per_hit(monkeypatch):
    import threading

    from limits import parse
    from limits.strategies import FixedWindowRateLimiter

    from queue_server.api import limits as api_limits

    clock = [1000.0]
    monkeypatch.setattr("limits.storage.memory.time.time", lambda: clock[0])
    monkeypatch.setattr(api_limits.time, "monotonic", lambda: clock[0])
    storage = api_limits.ProcessMemoryStorage("hallq-memory://")
    started = []
    monkeypatch.setattr(threading.Timer, "start", lambda self: started.append(self))
    limiter, per_minute = FixedWindowRateLimiter(storage), parse("3 per minute")
    assert [limiter.hit(per_minute, "kiosk1") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit(per_minute, "kiosk2")  # each key its own count
    clock[0] += 61  # the window has passed: counted afresh, and the old keys are dropped
    assert limiter.hit(per_minute, "kiosk1")
    assert len(storage.storage) == 1 and all("kiosk1" in key for key in storage.storage)
    assert started == []
