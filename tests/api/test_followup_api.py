"""The bad-review follow-up workflow through the API: a case opens on a bad review, is due in
working days, raises an overdue alert, and closes after the call-back with an outcome."""

import pytest

from tests.api.counter_helpers import rate, serve_one, set_hall_options

CASES = "/api/v1/halls/h1/followups"


@pytest.fixture
def evaluator(accts):
    return accts.device("evaluator", window=1)


@pytest.fixture
def bad_case(client, kiosk, staff1, evaluator, manager):
    """A very dissatisfied review on Monday 2026-03-02; its follow-up case."""
    ticket = serve_one(client, kiosk, staff1)
    rate(client, evaluator, ticket["id"], "very_dissatisfied", "等了很久")
    return client.get(CASES, headers=manager).get_json()[0]


def test_bad_review_opens_a_case(bad_case):
    assert (bad_case["ticket"], bad_case["grade"], bad_case["status"]) == (
        "A001", "very_dissatisfied", "open")


def test_good_review_opens_no_case(client, kiosk, staff1, evaluator, manager):
    ticket = serve_one(client, kiosk, staff1)
    rate(client, evaluator, ticket["id"], "basic")
    assert client.get(CASES, headers=manager).get_json() == []


def test_deadline_is_five_working_days_skipping_the_weekend(bad_case):
    assert bad_case["deadline"] == "2026-03-09"  # Monday → the next Monday


def test_deadline_skips_hall_holidays_and_follows_the_hall_limit(client, ctx, kiosk, staff1,
                                                                  evaluator, manager):
    set_hall_options(ctx, "h1", followup_days=3, followup_holidays=["2026-03-04"])
    ticket = serve_one(client, kiosk, staff1)
    rate(client, evaluator, ticket["id"], "dissatisfied")
    assert client.get(CASES, headers=manager).get_json()[0]["deadline"] == "2026-03-06"


def test_case_names_the_staff_member_and_window(client, bad_case, staff1):
    name = client.get("/api/v1/halls/h1/me", headers=staff1).get_json()["name"]
    assert (bad_case["staff"], bad_case["window"], bad_case["comment"]) == (
        name, 1, "等了很久")


def test_staff_cannot_list_cases(client, bad_case, staff1):
    assert client.get(CASES, headers=staff1).status_code == 403


def _alerts(client, manager):
    return [a for a in client.get("/api/v1/halls/h1/alerts?active=1", headers=manager).get_json()
            if a["kind"] == "followup_overdue"]


def test_no_overdue_alert_on_the_deadline_day(client, accts, clock, bad_case):
    clock.advance(days=7)
    manager = accts.user("manager")  # tokens expire: sign in again after the days passed  # Monday 2026-03-09, the deadline itself
    client.get(CASES, headers=manager)
    assert _alerts(client, manager) == []


def test_open_case_past_its_deadline_raises_one_alert(client, accts, clock, bad_case):
    clock.advance(days=8)
    manager = accts.user("manager")
    client.get(CASES, headers=manager)
    client.get(CASES, headers=manager)
    assert len(_alerts(client, manager)) == 1


def test_overdue_filter_lists_the_late_case(client, accts, clock, bad_case):
    clock.advance(days=8)
    manager = accts.user("manager")
    overdue = client.get(CASES + "?status=overdue", headers=manager).get_json()
    assert [c["id"] for c in overdue] == [bad_case["id"]]


def _callback(client, manager, case_id):
    return client.post(f"{CASES}/{case_id}/callback", headers=manager,
                       json={"note": "已电话回访，群众反映等候时间长"})


def test_closing_before_the_callback_is_refused(client, bad_case, manager):
    response = client.post(f"{CASES}/{bad_case['id']}/close", headers=manager,
                           json={"outcome": "explained", "note": "已解释"})
    assert response.get_json()["error"]["code"] == "callback_required"


def test_case_closes_after_callback_and_outcome(client, bad_case, manager):
    _callback(client, manager, bad_case["id"])
    closed = client.post(f"{CASES}/{bad_case['id']}/close", headers=manager,
                         json={"outcome": "fixed", "note": "已当场整改"}).get_json()
    assert (closed["status"], closed["outcome"]) == ("closed", "fixed")


def test_fix_by_date_writes_a_ledger_entry(client, bad_case, manager):
    _callback(client, manager, bad_case["id"])
    client.post(f"{CASES}/{bad_case['id']}/close", headers=manager, json={
        "outcome": "fix_by_date", "note": "限期整改", "fix_by": "2026-03-20",
        "measure": "高峰期增开窗口", "responsible": "王主任"})
    row = client.get(CASES + "/ledger?from=2026-03-01&to=2026-03-31",
                     headers=manager).get_json()[0]
    assert (row["measure"], row["due_date"], row["responsible"]) == (
        "高峰期增开窗口", "2026-03-20", "王主任")


def test_fix_by_date_needs_a_date(client, bad_case, manager):
    _callback(client, manager, bad_case["id"])
    response = client.post(f"{CASES}/{bad_case['id']}/close", headers=manager,
                           json={"outcome": "fix_by_date", "note": "x", "measure": "y"})
    assert response.status_code == 400


def test_closing_clears_the_overdue_alert(client, accts, clock, bad_case):
    clock.advance(days=8)
    manager = accts.user("manager")
    client.get(CASES, headers=manager)
    _callback(client, manager, bad_case["id"])
    client.post(f"{CASES}/{bad_case['id']}/close", headers=manager,
                json={"outcome": "explained", "note": "已向群众解释政策"})
    assert _alerts(client, manager) == []


def test_a_closed_case_cannot_be_closed_again(client, bad_case, manager):
    _callback(client, manager, bad_case["id"])
    body = {"outcome": "fixed", "note": "已整改"}
    client.post(f"{CASES}/{bad_case['id']}/close", headers=manager, json=body)
    response = client.post(f"{CASES}/{bad_case['id']}/close", headers=manager, json=body)
    assert response.get_json()["error"]["code"] == "case_closed"


def test_ledger_csv_has_chinese_headers_and_the_case(client, bad_case, manager):
    response = client.get(CASES + "/ledger?format=csv&from=2026-03-01&to=2026-03-31",
                          headers=manager)
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert (lines[0].split(",")[:4], bad_case["case_number"] in lines[1]) == (
        ["案件编号", "状态", "差评时间", "票号"], True)


def test_closing_the_case_clears_the_supervisors_bad_review_alert(client, ctx, bad_case,
                                                                   manager):
    from queue_server.services import supervisor

    supervisor.run_once(ctx)
    _callback(client, manager, bad_case["id"])
    client.post(f"{CASES}/{bad_case['id']}/close", headers=manager,
                json={"outcome": "explained", "note": "已向群众解释政策"})
    alerts = client.get("/api/v1/halls/h1/alerts?active=1", headers=manager).get_json()
    assert [a for a in alerts if a["kind"] == "bad_review"] == []
