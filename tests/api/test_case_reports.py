"""限时办结 reports against a hand-built set of cases: 办结率, 按时办结率, working days taken
versus promised and statutory (压缩率), by matter, department, window and staff."""

import pytest

from tests.api.counter_helpers import serve_one
from tests.api.test_cases_api import accept, catalogued  # noqa: F401 (fixture)


@pytest.fixture
def built(ctx, client, clock, kiosk, staff1, accts, catalogued):  # noqa: F811
    """Mon 2026-03-02: CN-001 (5 promised / 20 statutory) ×3, one 即办, one 补正, one refused.
    One CN-001 is done on Wed 4 (2 working days, on time), one on Tue 10 (7 days: late; Sat 7
    is a make-up working day, so the promised day was Sat 7), one stays open (overdue)."""
    ticket = serve_one(client, kiosk, staff1)
    ids = [accept(client, staff1, {"ticket": ticket["id"], "matter": "CN-001"}).get_json()["id"]
           for _ in range(3)]
    accept(client, staff1, {"ticket": ticket["id"], "matter": "JY-001"})
    accept(client, staff1, {"ticket": ticket["id"], "matter": "CN-001", "outcome": "correction"})
    accept(client, staff1, {"ticket": ticket["id"], "matter": "CN-001", "outcome": "refused",
                            "reason": "不符合条件"})
    system = accts.device("department")
    for case_id, day in ((ids[0], 4), (ids[1], 10)):
        clock.now = clock.now.replace(day=day)
        assert client.post(f"/api/v1/halls/h1/cases/{case_id}/state", json={"state": "done"},
                           headers=system).status_code == 200
    clock.now = clock.now.replace(day=12)
    return accts.user("supervisor")


def test_figures_by_matter(client, built):
    answer = client.get("/api/v1/halls/h1/cases/report?from=2026-03-01&to=2026-03-31",
                        headers=built).get_json()
    rows = {r["key"]: r for r in answer["rows"]}
    cn, jy = rows["CN-001"], rows["JY-001"]
    assert {k: cn[k] for k in ("cases", "accepted", "corrections", "refused", "done", "on_time",
                               "open", "overdue")} == {
        "cases": 5, "accepted": 3, "corrections": 1, "refused": 1, "done": 2, "on_time": 1,
        "open": 1, "overdue": 1}
    assert (cn["done_rate"], cn["on_time_rate"], cn["avg_working_days"],
            cn["avg_promised_days"], cn["avg_statutory_days"], cn["compression"]) == (
        0.6667, 0.5, 4.5, 5.0, 20.0, 0.75)
    assert (jy["done"], jy["on_time"], jy["avg_working_days"], cn["label"]) == (
        1, 1, 0.0, "社会保障卡申领")
    total = answer["total"]
    assert (total["cases"], total["accepted"], total["done"], total["on_time"],
            total["done_rate"], total["avg_working_days"]) == (6, 4, 3, 2, 0.75, 3.0)


@pytest.mark.parametrize("by, key, label", [("department", "人社局", "人社局"),
                                            ("window", None, "1号窗口"),
                                            ("staff", None, None)])
def test_other_groupings(client, built, by, key, label):
    rows = client.get(f"/api/v1/halls/h1/cases/report?from=2026-03-01&to=2026-03-31&by={by}",
                      headers=built).get_json()["rows"]
    assert len(rows) == 1 and rows[0]["cases"] == 6
    assert key is None or rows[0]["key"] == key
    assert label is None or rows[0]["label"] == label


@pytest.mark.parametrize("query", ["by=ticket", "from=2026-13-01", "from=2026-03-10&to=2026-03-01",
                                   "from=2025-01-01&to=2026-03-01", "by=1"])
def test_bad_report_queries_are_400(client, built, query):
    response = client.get(f"/api/v1/halls/h1/cases/report?{query}", headers=built)
    assert (response.status_code, response.get_json()["error"]["code"]) == (400,
                                                                              "invalid_request")


def test_staff_may_not_read_the_report(client, staff1, catalogued):  # noqa: F811
    assert client.get("/api/v1/halls/h1/cases/report", headers=staff1).status_code == 403
