"""The /supervision namespace: managers get open alerts on connect and changes live."""

from queue_server.realtime import protocol
from queue_server.services import supervisor
from tests.supervision.conftest import act, issue
from tests.conftest import bearer

NS = protocol.SUPERVISION_NAMESPACE


def _connect(app, **auth):
    return app.extensions["socketio"].test_client(app, namespace=NS, auth=auth)


def _names(client):
    return [e["name"] for e in client.get_received(NS)]


def test_manager_gets_a_snapshot_on_connect(app, manager):
    client = _connect(app, token=bearer(manager), hall="h1")
    assert _names(client) == [protocol.ALERTS_SNAPSHOT]


def test_staff_is_refused(app, accts):
    client = _connect(app, token=bearer(accts.user("staff", windows=(1,))), hall="h1")
    assert not client.is_connected(NS)


def test_manager_of_another_hall_is_refused(app, accts):
    client = _connect(app, token=bearer(accts.user("manager", hall="h2")), hall="h1")
    assert not client.is_connected(NS)


def test_manager_without_a_hall_is_refused(app, manager):
    assert not _connect(app, token=bearer(manager)).is_connected(NS)


def test_raised_alert_is_pushed_to_the_halls_managers(app, ctx, client, kiosk, manager, clock):
    watcher = _connect(app, token=bearer(manager), hall="h1")
    watcher.get_received(NS)
    issue(client, kiosk)
    clock.advance(minutes=30)
    supervisor.run_once(ctx)
    pushed = [e["args"][0]["alert"] for e in watcher.get_received(NS)
              if e["name"] == protocol.ALERT_RAISED]
    assert [(a["kind"], a["level"], a["ticket"]) for a in pushed
            if a["kind"] == "wait_over_limit"] == [("wait_over_limit", "red", "A001")]


def test_admin_watching_every_hall_gets_the_push(app, ctx, client, kiosk, accts, clock):
    watcher = _connect(app, token=bearer(accts.user("admin")))
    watcher.get_received(NS)
    issue(client, kiosk)
    clock.advance(minutes=30)
    supervisor.run_once(ctx)
    assert protocol.ALERT_RAISED in _names(watcher)


def test_cleared_alert_is_pushed(app, ctx, client, kiosk, manager, accts, clock):
    staff = accts.user("staff", windows=(1,))
    issue(client, kiosk)
    clock.advance(minutes=30)
    supervisor.run_once(ctx)
    watcher = _connect(app, token=bearer(manager), hall="h1")
    watcher.get_received(NS)
    act(client, staff, "call-next")
    supervisor.run_once(ctx)
    assert _names(watcher) == [protocol.ALERT_CLEARED]
