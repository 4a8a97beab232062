"""Kiosk agent presence and printer status live in the database (services.kiosk_presence): a
page served by another process sees its agent and printer; a dead process's agents expire."""

import pytest

from queue_server.app import create_app
from queue_server.realtime import protocol
from queue_server.realtime.kiosk import sweep_presence
from queue_server.services import kiosk_presence
from queue_server.storage import presence as store
from tests.conftest import bearer

NS = protocol.KIOSK_NAMESPACE


@pytest.fixture
def other_app(db_url, clock):
    """A second server over the same database: another process, as far as /kiosk can tell."""
    other = create_app({"database_url": db_url, "async_mode": "threading",
                        "secret_key": "test-secret", "queue_event_interval": 0.0,
                        "auth_cache_s": 0.0}, clock=clock)
    yield other
    other.extensions["hallq"].close()


def _connect(app, headers, role):
    client = app.extensions["socketio"].test_client(
        app, namespace=NS, auth={"token": bearer(headers), "role": role})
    assert client.is_connected(NS)
    return client


def _statuses(client):
    return [e["args"][0] for e in client.get_received(NS) if e["name"] == protocol.KIOSK_STATUS]


def _device(ctx, headers) -> int:
    from queue_server.services.accounts import authenticate
    return authenticate(ctx, bearer(headers)).device_id


def test_a_page_on_another_process_sees_the_agent_and_its_printer(app, other_app, kiosk):
    agent = _connect(app, kiosk, "agent")
    agent.emit(protocol.PRINTER_STATUS, {"status": "paper_low", "detail": "纸将尽"},
               namespace=NS, callback=True)
    page = _connect(other_app, kiosk, "page")
    assert _statuses(page) == [{"agent": True,
                                "printer": {"status": "paper_low", "detail": "纸将尽"}}]


def test_after_the_agent_disconnects_a_new_page_sees_it_offline(app, other_app, kiosk):
    _connect(app, kiosk, "agent").disconnect(NS)
    page = _connect(other_app, kiosk, "page")
    assert _statuses(page) == [{"agent": False, "printer": {"status": "unknown"}}]


def test_a_repeated_printer_status_writes_nothing(app, ctx, clock, kiosk):
    agent = _connect(app, kiosk, "agent")
    agent.emit(protocol.PRINTER_STATUS, {"status": "ok"}, namespace=NS, callback=True)
    first = clock.now
    clock.advance(minutes=1)
    agent.emit(protocol.PRINTER_STATUS, {"status": "ok"}, namespace=NS, callback=True)
    with ctx.db.read() as conn:
        changed = conn.execute(store.kiosk_printers.select()).one().changed_at
    assert changed == first


def _dead_process_agent(ctx, device: int) -> None:
    with ctx.db.write() as conn:
        store.add_agent(conn, "sid-of-a-dead-process", device, "dead-host:1:x", ctx.clock())


def test_a_dead_process_agent_reads_offline_after_the_expiry(ctx, clock, kiosk):
    device = _device(ctx, kiosk)
    _dead_process_agent(ctx, device)
    assert kiosk_presence.kiosk_status(ctx, device)["agent"] is True
    clock.advance(seconds=kiosk_presence.EXPIRY_S + 1)
    assert kiosk_presence.kiosk_status(ctx, device)["agent"] is False


def test_the_sweep_tells_the_pages_of_a_dead_process_agent(app, ctx, clock, kiosk):
    device = _device(ctx, kiosk)
    _dead_process_agent(ctx, device)
    page = _connect(app, kiosk, "page")
    page.get_received(NS)
    clock.advance(seconds=kiosk_presence.EXPIRY_S + 1)
    assert sweep_presence(app) == {device}
    assert _statuses(page) == [{"agent": False, "printer": {"status": "unknown"}}]


def test_a_live_process_keeps_its_agents_online(app, ctx, clock, kiosk):
    _connect(app, kiosk, "agent")
    for _ in range(3):
        clock.advance(seconds=kiosk_presence.REFRESH_S)
        assert sweep_presence(app) == set()
    assert kiosk_presence.kiosk_status(ctx, _device(ctx, kiosk))["agent"] is True


def test_keep_alive_refreshes_every_agent_of_the_process(app, ctx, clock, accts):
    devices = [accts.device("kiosk") for _ in range(2)]
    for headers in devices:
        _connect(app, headers, "agent")
    clock.advance(seconds=kiosk_presence.REFRESH_S)
    kiosk_presence.keep_alive(ctx)
    with ctx.db.read() as conn:
        seen = {row.seen_at for row in conn.execute(store.kiosk_agents.select())}
    assert seen == {clock.now}
