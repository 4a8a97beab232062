"""load-config with levels, parents and catalogues; load-catalogue from CSV and YAML. Errors
name the file and line, and change nothing."""

import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select

from queue_server.domain.errors import DomainError
from queue_server.services.catalogue import hall_matters, load_catalogue
from queue_server.services.config_loader import load_config, read_config_file
from queue_server.storage import network as store
from queue_server.storage.models import hall_places, halls

EXAMPLES = Path(__file__).parents[2] / "examples"

CITY_CSV = """\
code,name,department,levels,kind,statutory_days,promised_days,requires_id,materials
M1,社会保障卡申领,人社局,city;county;town,承诺件,20,10,是,身份证;照片
M2,失业保险金申领,人社局,city;county,承诺件,10,5,是,身份证;解除劳动关系证明
M3,企业投资项目核准,发改委,city,承诺件,20,10,否,申请报告
"""

NETWORK = """\
halls:
  - code: city
    name: 市政务服务中心
    level: city
    catalogue: city.csv
    services:
      - {code: A, name: 社保, matters: [M1, M2]}
      - {code: B, name: 发改, matters: [M3]}
    windows: [{number: 1, services: [A, B]}]
  - code: county1
    name: 县政务服务中心
    level: county
    parent: city
    catalogue:
      inherit: true
      drop: [M2]
      matters:
        - {code: X1, name: 高龄津贴申领, department: 县民政局, levels: [county], kind: 承诺件,
           statutory_days: 20, promised_days: 10}
    services:
      - {code: A, name: 综合, matters: [M1, X1]}
    windows: [{number: 1, services: [A]}]
"""


@pytest.fixture
def files(tmp_path):
    (tmp_path / "city.csv").write_text(CITY_CSV, encoding="utf-8")

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


def _load(ctx, path):
    return load_config(ctx, read_config_file(path))


def _refusal(ctx, path) -> str:
    with pytest.raises(DomainError) as error:
        _load(ctx, path)
    return error.value.message


def _codes(answer) -> dict:
    return {s["code"]: [m["code"] for m in s["matters"]] for s in answer["services"]}


def test_a_network_file_loads_levels_and_parents(ctx, files):
    _load(ctx, files("net.yaml", NETWORK))
    with ctx.db.read() as conn:
        nodes = {n.code: (n.level, n.parent) for n in store.hall_nodes(conn)}
    assert (nodes["city"], nodes["county1"], nodes["h1"]) == (
        ("city", None), ("county", "city"), (None, None))


def test_a_county_inherits_drops_and_adds(ctx, files):
    _load(ctx, files("net.yaml", NETWORK))
    answer = hall_matters(ctx, "county1")
    assert (_codes(answer), [m["code"] for m in answer["other_matters"]]) == (
        {"A": ["M1", "X1"]}, [])


def test_the_city_lists_its_matters_by_service(ctx, files):
    _load(ctx, files("net.yaml", NETWORK))
    assert _codes(hall_matters(ctx, "city")) == {"A": ["M1", "M2"], "B": ["M3"]}


def test_loading_the_network_twice_changes_nothing(ctx, files):
    path = files("net.yaml", NETWORK)
    _load(ctx, path)
    first = hall_matters(ctx, "county1")
    _load(ctx, path)
    assert hall_matters(ctx, "county1") == first


def test_an_old_configuration_keeps_working_without_a_place(ctx):
    with ctx.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(hall_places)).scalar_one() == 0
    assert hall_matters(ctx, "h1")["level"] is None


def test_an_unknown_parent_names_the_line(ctx, files):
    path = files("net.yaml", NETWORK.replace("parent: city", "parent: ctiy"))
    assert _refusal(ctx, path).startswith(f"{path}, line 13: hall county1: parent 'ctiy'")


def test_a_level_going_up_names_the_line(ctx, files):
    path = files("net.yaml", NETWORK.replace("level: city", "level: town"))
    assert _refusal(ctx, path).startswith(f"{path}, line 13: hall county1: a county hall "
                                          "cannot be under city (town)")


def test_a_cycle_through_a_stored_hall_is_refused(ctx, files):
    _load(ctx, files("net.yaml", NETWORK))
    path = files("cycle.yaml", """\
        halls:
          - code: city
            name: 市政务服务中心
            parent: county1
    """)
    assert _refusal(ctx, path) == (f"{path}, line 4: hall city: the parents form a cycle "
                                   "(city → county1 → city)")


def test_a_refused_tree_changes_nothing(ctx, files):
    path = files("net.yaml", NETWORK.replace("parent: city", "parent: ctiy"))
    with pytest.raises(DomainError):
        _load(ctx, path)
    with ctx.db.read() as conn:
        assert conn.execute(select(halls.c.code).where(halls.c.code == "city")).first() is None


def test_an_unknown_level_names_its_line(ctx, files):
    path = files("net.yaml", NETWORK.replace("level: county", "level: province"))
    assert _refusal(ctx, path).startswith(f"{path}, line 12: hall county1: level 'province'")


def test_a_service_matter_outside_the_catalogue_names_the_line(ctx, files):
    path = files("net.yaml", NETWORK.replace("[M1, X1]", "[M1, M2]"))
    assert _refusal(ctx, path) == (f"{path}, line 21, service A: matter 'M2' is not in hall "
                                   "county1's catalogue")


def test_a_service_matter_of_another_level_is_refused(ctx, files):
    path = files("net.yaml", NETWORK.replace("[M1, X1]", "[M3]"))
    assert "matter M3 is handled at city, not at county level" in _refusal(ctx, path)


def test_a_bad_catalogue_row_names_the_csv_line(ctx, files, tmp_path):
    (tmp_path / "city.csv").write_text(CITY_CSV.replace("10,5,是", "10,15,是"), encoding="utf-8")
    message = _refusal(ctx, files("net.yaml", NETWORK))
    assert message.startswith(f"{tmp_path / 'city.csv'}, line 3: matter M2: promised_days (15)")


def test_a_bad_inline_matter_names_the_yaml_line(ctx, files):
    path = files("net.yaml", NETWORK.replace("kind: 承诺件", "kind: 快件"))
    assert _refusal(ctx, path).startswith(f"{path}, line 18: matter X1: kind must be one of")


def test_an_existing_hall_error_now_names_its_line(ctx, files):
    path = files("net.yaml", NETWORK.replace("{code: B, name: 发改", "{code: b1, name: 发改"))
    assert _refusal(ctx, path).startswith(f"{path}, line 2: ")


def test_load_catalogue_from_yaml_replaces_the_hall_own_matters(ctx, files):
    _load(ctx, files("net.yaml", NETWORK))
    path = files("county.yaml", """\
        inherit: true
        drop: []
        matters:
          - {code: X2, name: 农机购置补贴, department: 县农业农村局, levels: [county]}
    """)
    load_catalogue(ctx, "county1", path)
    answer = hall_matters(ctx, "county1")
    assert (_codes(answer), [m["code"] for m in answer["other_matters"]]) == (
        {"A": ["M1"]}, ["M2", "X2"])  # X1 is gone, M2 no longer dropped


def test_load_catalogue_from_csv_keeps_the_inheritance_flags(ctx, files, tmp_path):
    _load(ctx, files("net.yaml", NETWORK))
    (tmp_path / "own.csv").write_text(
        "code,name,department,levels\nX3,残疾人证新办,县残联,county\n", encoding="utf-8")
    assert load_catalogue(ctx, "county1", tmp_path / "own.csv").startswith(
        "county1: 1 own matters, 1 dropped, 3 in its catalogue (inherits its parent's "
        "catalogue)\n")


def test_load_catalogue_warns_of_service_matters_it_removes(ctx, files, tmp_path):
    _load(ctx, files("net.yaml", NETWORK))
    (tmp_path / "own.csv").write_text("code,name,department\nX3,残疾人证新办,县残联\n",
                                      encoding="utf-8")
    assert load_catalogue(ctx, "county1", tmp_path / "own.csv").endswith(
        "warning: county1's services list matters no longer in its catalogue: X1")


def test_load_catalogue_refuses_a_bad_line(ctx, files, tmp_path):
    (tmp_path / "bad.csv").write_text("code,name,department\nX1,,县民政局\n", encoding="utf-8")
    with pytest.raises(DomainError) as error:
        load_catalogue(ctx, "h1", tmp_path / "bad.csv")
    assert error.value.message.startswith(f"{tmp_path / 'bad.csv'}, line 2: matter X1: 'name'")


def test_the_sample_catalogue_has_159_matters_of_32_departments(ctx):
    load_catalogue(ctx, "h1", EXAMPLES / "catalogue-city.csv")
    hall_id = ctx.halls.get("h1").id
    with ctx.db.read() as conn:
        own = store.own_catalogue(conn, hall_id)
    assert (len(own.matters), len({m.department for m in own.matters})) == (159, 32)


def test_the_example_network_loads(ctx):
    lines = _load(ctx, EXAMPLES / "network.yaml")
    assert "village1: village under town1; 159 matters in its catalogue, 22 handled at its " \
           "level" in lines


def test_the_demo_hall_is_a_city_centre_with_matters_on_its_services(ctx):
    from queue_server.demo import CONFIG

    _load(ctx, CONFIG)
    answer = hall_matters(ctx, "demo")
    assert (answer["level"], _codes(answer)["G"]) == ("city", ["CRJ-001", "CRJ-002", "CRJ-003"])


def test_cases_find_a_matter_and_its_promised_deadline(ctx, files):
    from datetime import date

    from queue_server.services.catalogue import matter, promised_deadline

    _load(ctx, files("net.yaml", NETWORK.replace(
        "level: county\n", "level: county\n    calendar: {2026: {holidays: [2026-03-03]}}\n")))
    found = matter(ctx, "county1", "X1")
    # Accepted Mon 2026-03-02, 10 working days with Tue 3-3 off: Tue 3-17.
    assert promised_deadline(ctx.halls.get("county1").options, found, date(2026, 3, 2)) == \
        date(2026, 3, 17)


def test_a_matter_the_hall_does_not_handle_is_unknown(ctx, files):
    from queue_server.services.catalogue import matter

    _load(ctx, files("net.yaml", NETWORK))
    with pytest.raises(DomainError) as error:
        matter(ctx, "county1", "M3")  # a city-level matter
    assert error.value.code == "unknown_matter"
