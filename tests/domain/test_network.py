"""The hall tree: levels go down, parents exist, no cycles; who sees which hall."""

import pytest

from queue_server.domain.errors import DomainError
from queue_server.domain.network import HallNode, check_tree, in_scope, subtree, tree_order

PARENTS = {"city": None, "county1": "city", "town1": "county1", "village1": "town1",
           "county2": "city"}


def _refusal(nodes) -> str:
    with pytest.raises(DomainError) as error:
        check_tree(nodes)
    return error.value.message


def test_a_city_county_town_village_tree_is_accepted():
    check_tree([HallNode("city", "city"), HallNode("county1", "county", "city"),
                HallNode("town1", "town", "county1"), HallNode("v1", "village", "town1")])


def test_halls_without_level_or_parent_are_accepted():
    check_tree([HallNode("h1"), HallNode("h2")])


def test_an_unknown_parent_is_refused_naming_the_line():
    message = _refusal([HallNode("county1", "county", "ctiy", "hall.yaml, line 7")])
    assert message.startswith("hall.yaml, line 7: hall county1: parent 'ctiy'")


def test_a_level_going_up_is_refused_naming_the_line():
    message = _refusal([HallNode("town1", "town"),
                        HallNode("county1", "county", "town1", "hall.yaml, line 12")])
    assert message.startswith("hall.yaml, line 12: hall county1: a county hall cannot be under")


def test_a_county_under_a_branch_centre_is_refused():
    assert "cannot be under" in _refusal([HallNode("b", "branch"),
                                          HallNode("c", "county", "b")])


def test_a_cycle_is_refused_naming_the_halls_and_the_line():
    message = _refusal([HallNode("a", parent="b", where="hall.yaml, line 3"),
                        HallNode("b", parent="a", where="hall.yaml, line 9")])
    assert message == "hall.yaml, line 3: hall a: the parents form a cycle (a → b → a)"


def test_a_hall_that_is_its_own_parent_is_a_cycle():
    assert "cycle" in _refusal([HallNode("a", parent="a")])


def test_an_unknown_level_is_refused():
    assert "'province' is not one of" in _refusal([HallNode("a", "province")])


def test_a_subtree_holds_the_hall_and_everything_below():
    assert sorted(subtree("county1", PARENTS)) == ["county1", "town1", "village1"]


@pytest.mark.parametrize("role, own, hall, allowed", [
    ("manager", "city", "village1", True),
    ("manager", "county1", "village1", True),
    ("manager", "county1", "county1", True),
    ("manager", "county1", "county2", False),   # a neighbour county
    ("manager", "county1", "city", False),      # above
    ("staff", "county1", "town1", False),       # staff see their own hall only
    ("staff", "town1", "town1", True),
    ("admin", None, "county2", True),
    ("manager", None, "city", False),
])
def test_in_scope(role, own, hall, allowed):
    assert in_scope(role, own, hall, PARENTS) is allowed


def test_tree_order_puts_parents_before_their_children():
    assert tree_order(PARENTS) == ["city", "county1", "town1", "village1", "county2"]
