"""The hall tree behind managers' and supervisors' scope: read once and cached, never for a
kiosk or staff member (the ticket-issue path), refreshed by load-config."""

from queue_server.services import accounts, hall_tree
from queue_server.services.config_loader import load_config
from tests.conftest import bearer

TREE = {"halls": [
    {"code": "city", "name": "市中心", "level": "city"},
    {"code": "county1", "name": "一县", "level": "county", "parent": "city"},
    {"code": "town1", "name": "一镇", "level": "town", "parent": "county1"},
]}


def _ids(ctx, *codes) -> frozenset:
    return frozenset(ctx.halls.get(code).id for code in codes)


def test_a_subtree_is_the_hall_and_every_hall_below(ctx):
    load_config(ctx, TREE)
    assert hall_tree.subtree_ids(ctx, ctx.halls.get("county1").id) == _ids(ctx, "county1",
                                                                            "town1")


def test_a_hall_outside_any_network_is_its_own_subtree(ctx):
    assert hall_tree.subtree_ids(ctx, ctx.halls.get("h1").id) == _ids(ctx, "h1")


def test_kiosks_and_staff_are_signed_in_without_the_tree(ctx, accts):
    load_config(ctx, TREE)
    for headers in (accts.device("kiosk", "town1"), accts.user("staff", "town1")):
        principal = accounts.authenticate(ctx, bearer(headers))
        assert principal.scope == frozenset() and "hall_tree" not in ctx.caches


def test_a_manager_carries_the_subtree_read_through_the_cache(ctx, accts):
    load_config(ctx, TREE)
    principal = accounts.authenticate(ctx, bearer(accts.user("manager", "county1")))
    assert principal.scope == _ids(ctx, "county1", "town1") and "hall_tree" in ctx.caches


def test_load_config_moves_a_hall_into_the_subtree_at_once(ctx, accts):
    load_config(ctx, TREE)
    headers = accts.user("supervisor", "county1")
    accounts.authenticate(ctx, bearer(headers))
    load_config(ctx, {"halls": [{"code": "h2", "name": "第二大厅", "level": "town",
                                 "parent": "county1"}]})
    assert ctx.halls.get("h2").id in accounts.authenticate(ctx, bearer(headers)).scope
