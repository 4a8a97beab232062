"""Scoped managers on Socket.IO (issue 10, item 3): a manager bound to a hall may watch the
``/supervision`` and ``/staff`` rooms of their hall and every hall below it, never a sibling or
a parent; the refusal is the documented ``forbidden`` shape."""

import pytest

from queue_server.realtime import protocol
from queue_server.services.config_loader import load_config
from tests.conftest import bearer
from tests.realtime.refusals import connect


def _hall(code: str, name: str, level: str, parent: str | None = None) -> dict:
    hall = {"code": code, "name": name, "level": level,
            "services": [{"code": "A", "name": "综合"}],
            "windows": [{"number": 1, "services": ["A"]}]}
    if parent:
        hall["parent"] = parent
    return hall


TREE = {"halls": [
    _hall("city", "市中心", "city"),
    _hall("county1", "一县", "county", "city"),
    _hall("town", "一镇", "town", "county1"),
    _hall("county2", "二县", "county", "city"),
]}
HALLS = ("city", "county1", "town", "county2")


@pytest.fixture
def token(ctx, accts):
    load_config(ctx, TREE)
    return lambda role, hall: bearer(accts.user(role, hall))


def _supervision(app, socketio, token, hall):
    return connect(app, socketio, protocol.SUPERVISION_NAMESPACE, {"token": token, "hall": hall})


def _staff(app, socketio, token, hall):
    return connect(app, socketio, protocol.STAFF_NAMESPACE,
                   {"token": token, "hall": hall, "window": 1})


@pytest.mark.parametrize("join", [_supervision, _staff], ids=["supervision", "staff"])
@pytest.mark.parametrize("hall, allowed", [
    ("county1", True), ("town", True), ("county2", False), ("city", False)])
def test_county_manager_watches_only_its_subtree(app, socketio, token, join, hall, allowed):
    refusal = join(app, socketio, token("manager", "county1"), hall)
    if allowed:
        assert refusal is None
    else:
        assert (set(refusal), refusal["code"]) == ({"code", "message"}, "forbidden")
        assert hall in refusal["message"]


@pytest.mark.parametrize("join", [_supervision, _staff], ids=["supervision", "staff"])
def test_city_manager_watches_every_hall(app, socketio, token, join):
    city = token("manager", "city")
    assert [join(app, socketio, city, hall) for hall in HALLS] == [None] * len(HALLS)


def test_a_town_manager_may_not_watch_its_county(app, socketio, token):
    refusal = _supervision(app, socketio, token("manager", "town"), "county1")
    assert refusal["code"] == "forbidden"


def test_staff_stay_in_their_own_hall(app, socketio, token):
    refusal = _supervision(app, socketio, token("staff", "county1"), "town")
    assert refusal["code"] == "forbidden"


def test_the_county_manager_gets_the_towns_alerts_snapshot(app, socketio, token):
    client = socketio.test_client(app, namespace=protocol.SUPERVISION_NAMESPACE,
                                  auth={"token": token("manager", "county1"), "hall": "town"})
    snapshots = [m["args"][0] for m in client.get_received(protocol.SUPERVISION_NAMESPACE)
                 if m["name"] == protocol.ALERTS_SNAPSHOT]
    client.disconnect(protocol.SUPERVISION_NAMESPACE)
    assert snapshots == [{"hall": "town", "alerts": []}]


@pytest.mark.parametrize("hall, allowed", [
    ("county1", True), ("town", True), ("county2", False), ("city", False)])
def test_a_county_supervisor_watches_the_alerts_of_its_subtree(app, socketio, token, hall,
                                                                 allowed):
    refusal = _supervision(app, socketio, token("supervisor", "county1"), hall)
    assert (refusal is None) == allowed, refusal


def test_a_supervisor_does_not_sit_at_a_counter(app, socketio, token):
    """Watching only: a window's counter room is for its staff and the managers above it."""
    assert _staff(app, socketio, token("supervisor", "county1"), "county1")["code"] == "forbidden"
