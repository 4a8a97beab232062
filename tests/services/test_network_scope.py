"""in_scope: a manager sees their hall's subtree, never a neighbour or the hall above."""

import pytest

from queue_server.services import accounts
from queue_server.services.config_loader import load_config
from queue_server.services.network import in_scope
from tests.conftest import bearer

TREE = {"halls": [
    {"code": "city", "name": "市中心", "level": "city"},
    {"code": "county1", "name": "一县", "level": "county", "parent": "city"},
    {"code": "town1", "name": "一镇", "level": "town", "parent": "county1"},
    {"code": "county2", "name": "二县", "level": "county", "parent": "city"},
]}


@pytest.fixture
def who(ctx, accts):
    load_config(ctx, TREE)

    def principal(role: str, hall: str):
        headers = accts.device("kiosk", hall) if role == "kiosk" else accts.user(role, hall)
        return accounts.authenticate(ctx, bearer(headers))

    return principal


@pytest.mark.parametrize("role, own, hall, allowed", [
    ("manager", "county1", "town1", True),
    ("manager", "county1", "county1", True),
    ("manager", "county1", "county2", False),
    ("manager", "county1", "city", False),
    ("manager", "city", "town1", True),
    ("staff", "county1", "town1", False),
    ("kiosk", "county1", "county1", True),
    ("kiosk", "county1", "town1", False),
    ("admin", "county2", "town1", True),
])
def test_in_scope(ctx, who, role, own, hall, allowed):
    assert in_scope(ctx, who(role, own), hall) is allowed


def test_an_unknown_hall_is_out_of_scope(ctx, who):
    assert in_scope(ctx, who("admin", "city"), "nowhere") is False


def _network(client, accts, role, hall):
    return client.get("/api/v1/network", headers=accts.user(role, hall))


def test_a_county_manager_sees_the_county_and_below(client, accts, who):
    answer = _network(client, accts, "manager", "county1").get_json()
    assert answer == [{"code": "county1", "name": "一县", "level": "county", "parent": None},
                      {"code": "town1", "name": "一镇", "level": "town", "parent": "county1"}]


def test_the_city_manager_sees_the_tree_parents_first(client, accts, who):
    codes = [h["code"] for h in _network(client, accts, "manager", "city").get_json()]
    assert codes == ["city", "county1", "town1", "county2"]


def test_an_admin_sees_every_hall(client, accts, who):
    codes = {h["code"] for h in _network(client, accts, "admin", "town1").get_json()}
    assert codes == {"h1", "h2", "city", "county1", "town1", "county2"}


def test_staff_may_not_see_the_network(client, accts, who):
    assert _network(client, accts, "staff", "county1").status_code == 403
