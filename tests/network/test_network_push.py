"""The /network namespace: coalesced per-hall deltas, only to the watchers of the subtree."""

from queue_server.realtime import protocol
from tests.conftest import bearer

NS = protocol.NETWORK_NAMESPACE


def _watch(app, headers):
    return app.extensions["socketio"].test_client(app, namespace=NS,
                                                  auth={"token": bearer(headers)})


def _pushes(client):
    return [e["args"][0] for e in client.get_received(NS) if e["name"] == protocol.NETWORK_CHANGED]


def _issue(client, kiosk, hall, n):
    for _ in range(n):
        assert client.post(f"/api/v1/halls/{hall}/tickets", json={"service": "A"},
                           headers=kiosk).status_code == 201


def test_a_burst_of_tickets_is_one_push_with_the_state_after_it(app, client, accts, network):
    city = _watch(app, accts.user("manager", "city"))
    push = app.extensions["hallq_network_push"]
    push.interval = 60.0  # the burst lands inside one interval; flushed by hand below
    _issue(client, accts.device("kiosk", "county1"), "county1", 6)
    assert _pushes(city) == []  # nothing per ticket
    push.flush()
    pushes = _pushes(city)
    assert len(pushes) == 1
    [row] = pushes[0]["halls"]
    assert (row["code"], row["waiting"], row["issued"], row["status"]) == (
        "county1", 6, 6, "red")


def test_halls_changed_together_share_one_push(app, client, accts, network):
    county = _watch(app, accts.user("manager", "county1"))
    push = app.extensions["hallq_network_push"]
    push.interval = 60.0  # flushed by hand below
    _issue(client, accts.device("kiosk", "town1"), "town1", 2)
    _issue(client, accts.device("kiosk", "county1"), "county1", 1)
    push.flush()
    assert [[r["code"] for r in p["halls"]] for p in _pushes(county)] == [["county1", "town1"]]


def test_a_neighbour_county_hears_nothing(app, client, accts, network):
    neighbour = _watch(app, accts.user("manager", "county2"))
    push = app.extensions["hallq_network_push"]
    push.interval = 60.0
    _issue(client, accts.device("kiosk", "town1"), "town1", 1)
    push.flush()
    assert _pushes(neighbour) == []


def test_an_admin_hears_every_hall(app, client, accts, network):
    admin = _watch(app, accts.user("admin", "county2"))
    push = app.extensions["hallq_network_push"]
    push.interval = 60.0
    _issue(client, accts.device("kiosk", "town1"), "town1", 1)
    push.flush()
    assert [[r["code"] for r in p["halls"]] for p in _pushes(admin)] == [["town1"]]


def test_staff_are_refused(app, accts, network):
    assert not _watch(app, accts.user("staff", "city")).is_connected(NS)


def test_a_supervisor_hears_the_halls_below_theirs(app, client, accts, network):
    supervisor = _watch(app, accts.user("supervisor", "county1"))
    push = app.extensions["hallq_network_push"]
    push.interval = 60.0
    _issue(client, accts.device("kiosk", "town1"), "town1", 1)
    push.flush()
    assert [[r["code"] for r in p["halls"]] for p in _pushes(supervisor)] == [["town1"]]
