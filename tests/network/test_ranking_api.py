"""效能排名: halls and departments of the subtree over a period, and its Excel export."""

import io

import pytest
from openpyxl import load_workbook


@pytest.fixture
def app(app_on_each_database):
    return app_on_each_database


def _ranking(client, headers, **query):
    return client.get("/api/v1/network/ranking", query_string=query, headers=headers)


def test_halls_are_ranked_by_satisfaction_then_wait(client, accts, day):
    """town1 and county1 both 100 % satisfied: town1's wait (1 min) beats county1's (7.5)."""
    rows = _ranking(client, accts.user("manager", "city")).get_json()["rows"]
    assert [(r["rank"], r["key"]) for r in rows] == [
        (1, "town1"), (2, "county1"), (3, "city"), (4, "county2")]
    city = rows[2]
    assert (city["tickets"], city["evaluations"], city["bad_reviews"],
            city["satisfaction_rate"]) == (5, 2, 1, 0.5)


def test_overdue_counts_waits_past_the_service_limit(client, accts, day):
    rows = {r["key"]: r for r in _ranking(client, accts.user("manager", "city"))
            .get_json()["rows"]}
    # county1: one served after 12 min (limit 10), one waiting 15 min; city: one of 2 A waiting
    assert (rows["county1"]["overdue"], rows["city"]["overdue"]) == (2, 1)


def test_departments_across_halls(client, accts, day):
    rows = _ranking(client, accts.user("manager", "city"), by="department").get_json()["rows"]
    assert {r["key"]: r["tickets"] for r in rows} == {"行政审批局": 8, "人社局": 1}


def test_a_period_without_tickets_ranks_every_hall_empty(client, accts, day):
    rows = _ranking(client, accts.user("manager", "county1"), **{
        "from": "2026-01-05", "to": "2026-01-09"}).get_json()["rows"]
    assert [(r["key"], r["tickets"]) for r in rows] == [("county1", 0), ("town1", 0)]


def test_bad_queries_are_400(client, accts, network):
    manager = accts.user("manager", "city")
    assert _ranking(client, manager, by="window").status_code == 400
    assert _ranking(client, manager, **{"from": "2026-03-05", "to": "2026-03-01"}
                    ).status_code == 400


def test_a_neighbour_county_is_refused(client, accts, network):
    assert _ranking(client, accts.user("manager", "county2"), hall="county1"
                    ).status_code == 403


def test_the_excel_export_has_the_ranked_rows(client, accts, day):
    response = client.get("/api/v1/network/ranking.xlsx",
                          headers=accts.user("manager", "city"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert "效能排名" in sheet["A1"].value
    assert [c.value for c in sheet[2]][:4] == ["名次", "编码", "大厅", "层级"]
    assert [(r[0], r[1]) for r in sheet.iter_rows(min_row=3, max_col=2, values_only=True)] == [
        (1, "town1"), (2, "county1"), (3, "city"), (4, "county2")]
