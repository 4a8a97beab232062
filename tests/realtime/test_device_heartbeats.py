"""Paired screens, LED agents and evaluator tablets tell the server they are alive: on connect and
with ``heartbeat`` events, which the supervisor's device_silent check reads (last_seen_at)."""

import pytest
from sqlalchemy import select

from queue_server.realtime import protocol
from queue_server.storage.models import devices
from tests.conftest import bearer


def last_seen(ctx, token: str):
    from queue_server.services.accounts import token_digest

    with ctx.db.read() as conn:
        return conn.execute(select(devices.c.last_seen_at)
                            .where(devices.c.token_hash == token_digest(token))).scalar_one()


def forget_heartbeats(ctx):
    """The per-process throttle (one write a minute per device) as if a minute had passed."""
    ctx.caches.pop("device_heartbeat", None)


@pytest.mark.parametrize("kind", ["display", "led"])
def test_a_paired_screen_is_seen_when_it_connects(app, ctx, socketio, accts, kind):
    token = bearer(accts.device(kind))
    client = socketio.test_client(app, namespace="/display", auth={"hall": "h1", "token": token})
    assert client.is_connected("/display")
    assert last_seen(ctx, token) is not None


def test_a_heartbeat_moves_last_seen_on(app, ctx, socketio, accts, clock):
    token = bearer(accts.device("display"))
    client = socketio.test_client(app, namespace="/display", auth={"hall": "h1", "token": token})
    first = last_seen(ctx, token)
    clock.advance(seconds=120)
    forget_heartbeats(ctx)
    client.emit(protocol.HEARTBEAT, {}, namespace="/display")
    assert (last_seen(ctx, token) - first).total_seconds() == 120


def test_an_unpaired_screen_still_connects_and_tracks_nothing(app, ctx, socketio, accts):
    token = bearer(accts.device("display"))
    client = socketio.test_client(app, namespace="/display", auth={"hall": "h1"})
    client.emit(protocol.HEARTBEAT, {}, namespace="/display")
    assert client.is_connected("/display")
    assert last_seen(ctx, token) is None


@pytest.mark.parametrize("kind,hall", [("kiosk", "h1"), ("evaluator", "h1"), ("display", "h2")])
def test_a_screen_token_of_another_kind_or_hall_is_refused(app, socketio, accts, kind, hall):
    token = bearer(accts.device(kind, hall=hall, window=1 if kind == "evaluator" else None))
    client = socketio.test_client(app, namespace="/display", auth={"hall": "h1", "token": token})
    assert not client.is_connected("/display")


@pytest.mark.parametrize("token", ["not-a-token", 42])
def test_a_bad_screen_token_is_refused(app, socketio, token):
    client = socketio.test_client(app, namespace="/display", auth={"hall": "h1", "token": token})
    assert not client.is_connected("/display")


def test_an_evaluator_tablet_is_seen_on_connect_and_heartbeat(app, ctx, socketio, accts, clock):
    token = bearer(accts.device("evaluator", window=1))
    client = socketio.test_client(app, namespace="/evaluator", auth={"token": token})
    assert client.is_connected("/evaluator")
    first = last_seen(ctx, token)
    clock.advance(seconds=90)
    forget_heartbeats(ctx)
    client.emit(protocol.HEARTBEAT, {}, namespace="/evaluator")
    assert (last_seen(ctx, token) - first).total_seconds() == 90
