"""Matters (事项): parsing with errors that name the line, inheritance with add and drop,
the level filter."""

import pytest

from queue_server.domain.catalogue import (
    Matter,
    OwnCatalogue,
    effective_catalogue,
    handled_here,
    parse_catalogue,
    parse_matter,
)
from queue_server.domain.errors import DomainError

ROW = {"code": "BDC-002", "name": "二手房转移登记", "department": "市不动产登记中心",
       "levels": "city;county", "kind": "联办件", "statutory_days": "30", "promised_days": "3",
       "requires_id": "是", "materials": "申请表;买卖双方身份证件；不动产权证书"}


def _matter(code, levels=(), name="事项"):
    return Matter(code, name, "某局", tuple(levels))


def test_a_csv_row_becomes_a_matter():
    matter = parse_matter(ROW, "c.csv, line 2")
    assert matter == Matter("BDC-002", "二手房转移登记", "市不动产登记中心", ("city", "county"),
                            "joint", 30, 3, ("申请表", "买卖双方身份证件", "不动产权证书"), True)


def test_kinds_are_accepted_in_english_too():
    assert parse_matter({**ROW, "kind": "promised"}, "x").kind == "promised"


@pytest.mark.parametrize("change, fragment", [
    ({"name": ""}, "'name' must be a non-empty text"),
    ({"kind": "快办件"}, "kind must be one of"),
    ({"promised_days": "40"}, "promised_days (40) is longer than statutory_days (30)"),
    ({"statutory_days": "-1"}, "'statutory_days' must be working days"),
    ({"levels": "city;province"}, "level 'province'"),
    ({"requires_id": "maybe"}, "'requires_id' must be true or false"),
    ({"code": "BDC 002"}, "no spaces"),
])
def test_a_bad_row_is_refused_naming_its_line(change, fragment):
    with pytest.raises(DomainError) as error:
        parse_matter({**ROW, **change}, "c.csv, line 7")
    assert error.value.message.startswith("c.csv, line 7") and fragment in error.value.message


def test_a_code_defined_twice_names_both_lines():
    with pytest.raises(DomainError) as error:
        parse_catalogue([(ROW, "c.csv, line 2"), (ROW, "c.csv, line 9")])
    assert error.value.message == ("c.csv, line 9: matter BDC-002 is already defined at "
                                   "c.csv, line 2")


CITY = OwnCatalogue(matters=(_matter("A"), _matter("B"), _matter("C")))


def test_a_hall_that_inherits_adds_and_drops():
    county = OwnCatalogue(True, frozenset({"B"}), (_matter("D"),))
    assert list(effective_catalogue([CITY, county])) == ["A", "C", "D"]


def test_a_hall_may_redefine_an_inherited_matter():
    county = OwnCatalogue(True, frozenset(), (_matter("A", name="县版本"),))
    assert effective_catalogue([CITY, county])["A"].name == "县版本"


def test_a_hall_that_does_not_inherit_has_its_own_matters_only():
    assert list(effective_catalogue([CITY, OwnCatalogue(False, frozenset(), (_matter("D"),))])) \
        == ["D"]


def test_inheritance_runs_down_several_levels():
    town = OwnCatalogue(True, frozenset({"C"}))
    county = OwnCatalogue(True, frozenset(), (_matter("D"),))
    assert list(effective_catalogue([CITY, county, town])) == ["A", "B", "D"]


def test_a_hall_handles_the_matters_of_its_level():
    catalogue = {m.code: m for m in (_matter("A", ["city"]), _matter("B", ["county", "town"]),
                                     _matter("C"))}
    assert [m.code for m in handled_here(catalogue, "town")] == ["B", "C"]
