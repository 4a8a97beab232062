"""五件 cases over HTTP: recorded at the window after a ticket is served (one or several per
ticket), listed and moved on by staff, managers and a department system; validation errors
answer in the documented shape, never 500."""

import copy

import pytest

from queue_server.services.config_loader import load_config
from tests.api.counter_helpers import serve_one
from tests.conftest import TEST_HALL

MATTERS = [
    {"code": "JY-001", "name": "社保卡挂失", "department": "人社局", "kind": "即办件",
     "statutory_days": 0, "promised_days": 0},
    {"code": "CN-001", "name": "社会保障卡申领", "department": "人社局", "kind": "承诺件",
     "statutory_days": 20, "promised_days": 5, "materials": ["身份证", "一寸照片"]},
    {"code": "LB-001", "name": "二手房转移登记", "department": "不动产登记中心",
     "kind": "联办件", "statutory_days": 30, "promised_days": 10},
    {"code": "DB-001", "name": "低保申请", "department": "民政局", "kind": "代办件",
     "statutory_days": 30, "promised_days": 15},
    {"code": "SB-001", "name": "采矿许可", "department": "自然资源局", "kind": "上报件",
     "statutory_days": 40, "promised_days": 20},
]
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def catalogued(ctx):
    config = copy.deepcopy(TEST_HALL)
    hall = config["halls"][0]
    hall.update(level="city", catalogue={"matters": MATTERS},
                calendar={2026: {"holidays": ["2026-04-04..2026-04-06"],
                                 "workdays": ["2026-03-07"]}})
    load_config(ctx, config)
    return ctx


@pytest.fixture
def served(client, kiosk, staff1, catalogued):
    return serve_one(client, kiosk, staff1)


def accept(client, headers, body, window=1):
    return client.post(f"/api/v1/halls/h1/windows/{window}/cases", json=body, headers=headers)


def test_an_immediate_case_is_done_at_once(client, staff1, served):
    response = accept(client, staff1, {"ticket": served["id"], "matter": "JY-001"})
    case = response.get_json()
    assert response.status_code == 201
    assert (case["number"], case["kind"], case["state"], case["promised_on"],
            case["finished_at"] is not None) == ("2026-000001", "immediate", "done", None, True)


def test_a_promised_case_is_due_in_working_days_with_the_make_up_saturday(client, staff1,
                                                                         served):
    # Accepted Mon 2026-03-02; Tue 3, Wed 4, Thu 5, Fri 6, Sat 7 (调休, worked) = 5 days;
    # 20 statutory days end Fri 2026-03-27 (one day earlier than without the Saturday).
    case = accept(client, staff1, {"ticket": served["id"], "matter": "CN-001",
                                   "name": "张三", "phone": "13812341234"}).get_json()
    assert (case["state"], case["promised_on"], case["statutory_on"], case["name"],
            case["phone"]) == ("accepted", "2026-03-07", "2026-03-27", "张*", "138****1234")


def test_the_promised_day_is_editable_within_the_statutory_limit(client, staff1, served):
    ok = accept(client, staff1, {"ticket": served["id"], "matter": "CN-001",
                                 "promised_on": "2026-03-20"})
    late = accept(client, staff1, {"ticket": served["id"], "matter": "CN-001",
                                   "promised_on": "2026-03-31"})
    assert ok.get_json()["promised_on"] == "2026-03-20"
    assert (late.status_code, late.get_json()["error"]["code"]) == (400, "invalid_request")


def test_one_ticket_opens_several_cases_of_each_kind(client, staff1, served):
    bodies = [{"matter": "LB-001", "lead_department": "不动产登记中心",
               "co_departments": ["税务局", "住建局"]},
              {"matter": "DB-001"}, {"matter": "SB-001"},
              {"matter": "CN-001", "kind": "proxy"}]
    cases = [accept(client, staff1, {"ticket": served["id"], **b}).get_json() for b in bodies]
    assert [(c["number"], c["kind"], c["state"]) for c in cases] == [
        ("2026-000001", "joint", "accepted"), ("2026-000002", "proxy", "accepted"),
        ("2026-000003", "reported", "accepted"), ("2026-000004", "proxy", "accepted")]
    assert cases[0]["co_departments"] == ["税务局", "住建局"]
    listed = client.get("/api/v1/halls/h1/cases?mine=true", headers=staff1).get_json()
    assert [c["number"] for c in listed] == ["2026-000004", "2026-000003", "2026-000002",
                                             "2026-000001"]


def test_correction_lists_the_materials_and_refusal_needs_a_reason(client, staff1, served):
    fix = accept(client, staff1, {"ticket": served["id"], "matter": "CN-001",
                                  "outcome": "correction"}).get_json()
    assert (fix["state"], fix["note"], fix["promised_on"]) == ("correction", "身份证；一寸照片",
                                                               None)
    no_reason = accept(client, staff1, {"ticket": served["id"], "matter": "CN-001",
                                        "outcome": "refused"})
    refused = accept(client, staff1, {"ticket": served["id"], "matter": "CN-001",
                                      "outcome": "refused", "reason": "不属于本中心受理范围"})
    assert no_reason.status_code == 400
    assert (refused.get_json()["state"], refused.get_json()["note"]) == (
        "refused", "不属于本中心受理范围")


def test_the_tickets_real_name_carries_over_and_no_number_is_shown(client, kiosk, staff1,
                                                                 catalogued):
    ticket = serve_one(client, kiosk, staff1, window=1, service="A")
    case = accept(client, staff1, {"ticket": ticket["id"], "matter": "CN-001",
                                   "id_number": ID_NUMBER}).get_json()
    assert case["real_name"] is True
    assert ID_NUMBER not in str(case) and ID_NUMBER[-4:] not in str(case)


def test_transitions_keep_a_history_and_refuse_wrong_moves(client, staff1, served):
    case = accept(client, staff1, {"ticket": served["id"], "matter": "CN-001"}).get_json()
    url = f"/api/v1/halls/h1/cases/{case['id']}"
    assert client.post(url + "/state", json={"state": "in_progress"},
                       headers=staff1).status_code == 200
    done = client.post(url + "/state", json={"state": "done", "note": "已送达"}, headers=staff1)
    again = client.post(url + "/state", json={"state": "in_progress"}, headers=staff1)
    assert done.get_json()["state"] == "done" and done.get_json()["finished_at"]
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "invalid_state")
    history = client.get(url, headers=staff1).get_json()["history"]
    assert [(h["state"], h["note"]) for h in history] == [
        ("accepted", None), ("in_progress", None), ("done", "已送达")]


def test_returning_or_forwarding_needs_a_note(client, staff1, served):
    case = accept(client, staff1, {"ticket": served["id"], "matter": "SB-001"}).get_json()
    url = f"/api/v1/halls/h1/cases/{case['id']}/state"
    assert client.post(url, json={"state": "forwarded"}, headers=staff1).status_code == 400
    assert client.post(url, json={"state": "forwarded", "note": "报省厅审批"},
                       headers=staff1).get_json()["state"] == "forwarded"


def test_a_department_system_lists_and_moves_its_departments_cases(client, accts, staff1,
                                                                  served):
    accept(client, staff1, {"ticket": served["id"], "matter": "CN-001"})
    other = accept(client, staff1, {"ticket": served["id"], "matter": "SB-001"}).get_json()
    system = accts.device("department")
    mine = client.get("/api/v1/halls/h1/cases?department=自然资源局&open=1",
                      headers=system).get_json()
    assert [c["number"] for c in mine] == [other["number"]]
    moved = client.post(f"/api/v1/halls/h1/cases/{other['id']}/state",
                        json={"state": "in_progress"}, headers=system).get_json()
    history = client.get(f"/api/v1/halls/h1/cases/{other['id']}", headers=system).get_json()
    assert moved["state"] == "in_progress" and history["history"][-1]["device_id"] is not None


def test_other_halls_people_and_kiosks_are_refused(client, accts, staff1, served):
    case = accept(client, staff1, {"ticket": served["id"], "matter": "CN-001"}).get_json()
    for headers in (accts.user("staff", "h2", windows=(1,)), accts.device("kiosk"),
                    accts.device("department", "h2"), accts.user("supervisor")):
        response = client.get(f"/api/v1/halls/h1/cases/{case['id']}", headers=headers)
        assert response.status_code == 403
    staff2 = accts.user("staff", windows=(2,))
    assert accept(client, staff2, {"matter": "CN-001"}, window=1).status_code == 403


@pytest.mark.parametrize("body, status, code", [
    ({}, 404, "unknown_matter"),
    ({"matter": ["CN-001"]}, 404, "unknown_matter"),
    ({"matter": "CN-001", "kind": "other"}, 400, "invalid_request"),
    ({"matter": "CN-001", "kind": ["joint"]}, 400, "invalid_request"),
    ({"matter": "CN-001", "outcome": "maybe"}, 400, "invalid_request"),
    ({"matter": "CN-001", "outcome": ["accept"]}, 400, "invalid_request"),
    ({"matter": "CN-001", "promised_on": "tomorrow"}, 400, "invalid_request"),
    ({"matter": "CN-001", "promised_on": 20260310}, 400, "invalid_request"),
    ({"matter": "CN-001", "promised_on": "2026-03-01"}, 400, "invalid_request"),
    ({"matter": "LB-001"}, 400, "invalid_request"),
    ({"matter": "LB-001", "co_departments": "税务局"}, 400, "invalid_request"),
    ({"matter": "CN-001", "ticket": "1"}, 400, "invalid_request"),
    ({"matter": "CN-001", "ticket": True}, 400, "invalid_request"),
    ({"matter": "CN-001", "ticket": 99999}, 404, "unknown_ticket"),
    ({"matter": "CN-001", "ticket": 2 ** 70}, 404, "unknown_ticket"),
    ({"matter": "CN-001", "phone": "12345"}, 400, "invalid_phone"),
    ({"matter": "CN-001", "phone": 13812341234}, 400, "invalid_phone"),
    ({"matter": "CN-001", "name": {"a": 1}}, 400, "invalid_request"),
    ({"matter": "CN-001", "id_number": "110105194912310021"}, 400, "invalid_id_number"),
    ({"matter": "CN-001", "id_number": 5}, 400, "invalid_request"),
    ({"matter": "CN-001", "outcome": "correction", "materials": "身份证"}, 400,
     "invalid_request"),
    ({"matter": "CN-001", "note": "x" * 501}, 400, "invalid_request"),
])
def test_bad_acceptances_answer_documented_errors(client, staff1, catalogued, body, status,
                                                  code):
    response = accept(client, staff1, body)
    assert (response.status_code, response.get_json()["error"]["code"]) == (status, code)


@pytest.mark.parametrize("query", ["mine=yes", "open=2", "before=abc", "before=-1",
                                   "before=99999999999999999999", "department=" + "x" * 101])
def test_bad_list_queries_are_400(client, staff1, catalogued, query):
    assert client.get(f"/api/v1/halls/h1/cases?{query}", headers=staff1).status_code == 400


@pytest.mark.parametrize("body", [{}, {"state": None}, {"state": ["done"]}, {"state": 1},
                                  {"state": "done", "note": 5}])
def test_bad_transitions_are_400(client, staff1, served, body):
    case = accept(client, staff1, {"ticket": served["id"], "matter": "CN-001"}).get_json()
    response = client.post(f"/api/v1/halls/h1/cases/{case['id']}/state", json=body,
                           headers=staff1)
    assert response.status_code == 400


def test_a_non_json_body_and_an_unknown_case_are_documented_errors(client, staff1, catalogued):
    bad = client.post("/api/v1/halls/h1/windows/1/cases", data="x", headers=staff1,
                      content_type="text/plain")
    missing = client.get("/api/v1/halls/h1/cases/12345", headers=staff1)
    assert (bad.status_code, missing.status_code) == (400, 404)
    assert missing.get_json()["error"]["code"] == "unknown_case"


def test_a_waiting_ticket_opens_no_case(client, kiosk, staff1, catalogued):
    ticket = client.post("/api/v1/halls/h1/tickets", json={"service": "A"},
                         headers=kiosk).get_json()
    response = accept(client, staff1, {"ticket": ticket["id"], "matter": "CN-001"})
    assert (response.status_code, response.get_json()["error"]["code"]) == (
        409, "ticket_not_finished")
