"""The hot path's SQL statements, counted (issue #15 item 4; bench/bench_statements.py prints
them). A count is not a timing: it does not wander with the machine's load, and a publisher that
reads again what the use case or another consumer already read shows up here at once.

The coalesced pushes (``queue_changed``, counter pages' state, the network view) are left
pending by a long interval: they cost once per interval, not once per request.
"""

import pytest

from queue_server.app import create_app
from queue_server.realtime import protocol
from queue_server.realtime.counter import CounterPublisher
from queue_server.services.config_loader import load_config
from tests.conftest import TEST_HALL, Accounts, bearer
from tests.sqlcount import counting

ISSUE = "/api/v1/halls/h1/tickets"
CALL_NEXT = "/api/v1/halls/h1/windows/1/call-next"
# BEGIN IMMEDIATE, the day's counter, the ticket, its print job, its log line, the queue's
# length (``queue_lengths``, kept by triggers).
ISSUE_MAX = 6
# The write (14 when it finishes the current ticket and picks among 4 queue heads and the
# window's own), then one read of the window for the screens, the evaluator and its rating
# request (BEGIN and 4).
CALL_NEXT_MAX = 19


@pytest.fixture
def quiet_app(db_url, clock, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = create_app(
        {"database_url": db_url, "async_mode": "threading", "secret_key": "test-secret",
         "queue_event_interval": 3600.0, "auth_cache_s": 60.0,
         "password_hash_method": "pbkdf2:sha256:1000"}, clock=clock)
    load_config(app.extensions["hallq"], TEST_HALL)
    yield app
    app.extensions["hallq"].close()


@pytest.fixture
def hall(quiet_app, clock):
    """(client, ctx, kiosk headers, staff headers), the clerk signed in at window 1, and two
    requests of each kind made (the caches warm)."""
    ctx, client = quiet_app.extensions["hallq"], quiet_app.test_client()
    accts = Accounts(ctx, client)
    kiosk, staff = accts.device("kiosk"), accts.user("staff", windows=(1,))
    assert client.post("/api/v1/halls/h1/windows/1/sign-in", headers=staff).status_code == 200
    for _ in range(4):
        assert client.post(ISSUE, json={"service": "A"}, headers=kiosk).status_code == 201
    for _ in range(2):
        clock.advance(seconds=30)
        assert client.post(CALL_NEXT, headers=staff).status_code == 200
    return client, ctx, kiosk, staff


def test_issuing_a_ticket_sends_at_most_its_writes_and_one_count(hall):
    client, ctx, kiosk, _ = hall
    with counting(ctx.db.engine) as sent:
        assert client.post(ISSUE, json={"service": "A"}, headers=kiosk).status_code == 201
    assert len(sent) <= ISSUE_MAX, sent.summary()


def test_without_a_forecast_answer_the_queue_is_counted_once(quiet_app, monkeypatch):
    """The forecast has no answer for a new ticket (its queue is longer than the windows'
    day, or no window opens): the naive estimate uses the count of those ahead that the
    ticket shows, not a count of its own (a long queue's count is its cost)."""
    from queue_server.domain.forecast import Forecast

    monkeypatch.setattr(Forecast, "new_ticket_wait_s", lambda *args, **kwargs: None)
    ctx, client = quiet_app.extensions["hallq"], quiet_app.test_client()
    kiosk = Accounts(ctx, client).device("kiosk")
    for _ in range(4):
        assert client.post(ISSUE, json={"service": "A"}, headers=kiosk).status_code == 201
    with counting(ctx.db.engine) as sent:
        response = client.post(ISSUE, json={"service": "A"}, headers=kiosk)
    assert response.status_code == 201 and response.get_json()["waiting_ahead"] == 4
    assert sum("count(" in s.lower() or "from queue_lengths" in s.lower()
               for s in sent) == 1, sent.summary()


def test_call_next_reads_its_window_once_for_every_screen(hall, clock):
    client, ctx, _, staff = hall
    clock.advance(seconds=30)
    with counting(ctx.db.engine) as sent:
        assert client.post(CALL_NEXT, headers=staff).status_code == 200
    assert len(sent) <= CALL_NEXT_MAX, sent.summary()
    # one write transaction, then one read transaction: not one per consumer
    assert sum(s.startswith("BEGIN") for s in sent) == 2, sent.summary()


def test_the_rate_limit_is_checked_once_per_request(quiet_app):
    limiter = quiet_app.extensions["hallq_limiter"]
    assert limiter._check_request_limit not in quiet_app.before_request_funcs.get(None, [])


def _queue_statements(quiet_app, ctx):
    """The statements of one coalesced queue push (the publisher's, called at once)."""
    publisher = CounterPublisher(quiet_app.extensions["socketio"], ctx, 0)
    with counting(ctx.db.engine) as sent:
        publisher._push_queue("h1")
    return sent


def test_a_queue_push_reads_the_queues_once_for_screens_and_counters(quiet_app, hall):
    client, ctx, kiosk, staff = hall
    socketio = quiet_app.extensions["socketio"]
    screen = socketio.test_client(quiet_app, namespace=protocol.DISPLAY_NAMESPACE,
                                  auth={"hall": "h1"})
    counter = socketio.test_client(quiet_app, namespace=protocol.STAFF_NAMESPACE,
                                   auth={"token": bearer(staff), "hall": "h1", "window": 1})
    screen.get_received(protocol.DISPLAY_NAMESPACE)
    counter.get_received(protocol.STAFF_NAMESPACE)
    sent = _queue_statements(quiet_app, ctx)
    waiting_reads = [s for s in sent if "count(" in s.lower() and "'waiting'" in s
                     or "status = ?" in s and "GROUP BY" in s]
    assert len(waiting_reads) == 1, sent.summary()
    pushed = [e for e in screen.get_received(protocol.DISPLAY_NAMESPACE)
              if e["name"] == protocol.QUEUE_CHANGED]
    assert pushed[-1]["args"][0]["services"][0]["waiting"] == 2  # A: 4 issued, 2 called
    pushed = [e for e in counter.get_received(protocol.STAFF_NAMESPACE)
              if e["name"] == protocol.QUEUE_CHANGED]
    assert pushed[-1]["args"][0]["services"]["A"]["waiting"] == 2


def test_nobody_watching_the_hall_costs_its_queue_push_no_read(quiet_app, hall):
    _, ctx, _, _ = hall
    assert len(_queue_statements(quiet_app, ctx)) == 0
