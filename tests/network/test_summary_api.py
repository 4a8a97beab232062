"""GET /network/summary: every hall of the subtree with its live figures; the roll-up equals
the sum of the halls' own day reports; a manager outside the subtree is refused."""

import pytest

REPORTED = ("issued", "served", "evaluations", "bad_reviews", "avg_wait_s",
            "satisfaction_rate")


@pytest.fixture
def app(app_on_each_database):
    """On SQLite and on PostgreSQL: the figures are SQL."""
    return app_on_each_database


def _summary(client, headers, **query):
    return client.get("/api/v1/network/summary", query_string=query, headers=headers)


def _day_report(client, headers, hall):
    response = client.get(f"/api/v1/halls/{hall}/reports", query_string={"by": "hall"},
                          headers=headers)
    assert response.status_code == 200
    return response.get_json()["total"]


def test_each_hall_row_equals_its_own_day_report(client, accts, day):
    admin = accts.user("admin", "city")
    rows = {r["code"]: r for r in _summary(client, admin).get_json()["halls"]}
    for code in ("city", "county1", "town1", "county2"):
        report = _day_report(client, admin, code)
        assert {k: rows[code][k] for k in REPORTED} == {k: report[k] for k in REPORTED}, code


def test_the_roll_up_is_the_sum_of_the_halls_reports(client, accts, day):
    admin = accts.user("admin", "city")
    total = _summary(client, accts.user("manager", "city")).get_json()["total"]
    reports = [_day_report(client, admin, c) for c in ("city", "county1", "town1", "county2")]
    for key in ("issued", "served", "evaluations", "bad_reviews"):
        assert total[key] == sum(r[key] for r in reports), key
    assert total["satisfaction_rate"] == round(3 / 4, 4)
    assert (total["waiting"], total["halls"]) == (3, 4)


def test_live_figures_of_a_hall(client, accts, day):
    rows = {r["code"]: r for r in _summary(client, accts.user("manager", "city"))
            .get_json()["halls"]}
    county = rows["county1"]
    assert (county["waiting"], county["longest_wait_s"], county["windows"],
            county["windows_staffed"], county["windows_open"]) == (1, 15 * 60, 2, 1, 1)
    # people waiting and no window open: red; the staffed county is not
    assert (rows["city"]["status"], county["status"], rows["county2"]["status"]) == (
        "red", "green", "green")


def test_a_county_manager_sees_the_county_and_below_only(client, accts, day):
    answer = _summary(client, accts.user("manager", "county1")).get_json()
    assert [r["code"] for r in answer["halls"]] == ["county1", "town1"]
    assert answer["total"]["issued"] == 4


def test_narrowing_to_a_hall_below(client, accts, day):
    answer = _summary(client, accts.user("manager", "city"), hall="county1").get_json()
    assert [(r["code"], r["parent"]) for r in answer["halls"]] == [
        ("county1", None), ("town1", "county1")]


@pytest.mark.parametrize("own, hall", [("county2", "county1"), ("county1", "city"),
                                       ("town1", "county1")])
def test_a_manager_outside_the_subtree_is_refused(client, accts, network, own, hall):
    response = _summary(client, accts.user("manager", own), hall=hall)
    assert (response.status_code, response.get_json()["error"]["code"]) == (403, "forbidden")


def test_staff_and_devices_are_refused(client, accts, network):
    assert _summary(client, accts.user("staff", "city")).status_code == 403
    assert _summary(client, accts.device("kiosk", "city")).status_code == 403
    assert _summary(client, {}).status_code == 401
