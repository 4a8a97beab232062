"""What a citizen does on their own, through the API: the grade kept on the tap with reasons and
a call-back phone added afterwards, cancelling a waiting ticket from the phone, the windows
that serve them, English hall and department names, and the phone kept masked and purged."""

import pytest
from sqlalchemy import select

from queue_server.services import counter
from queue_server.storage.models import followup_cases
from tests.api.counter_helpers import rate, serve_one
from tests.conftest import TEST_HALL

CASES = "/api/v1/halls/h1/followups"
PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"


def evaluation(ticket_id: int) -> str:
    return f"/api/v1/tickets/{ticket_id}/evaluation"


# ---- the grade on the tap, the rest afterwards -------------------------------------------------

def test_a_tapped_grade_is_kept_without_anything_else(client, kiosk, staff1, evaluator1,
                                                      manager):
    ticket = serve_one(client, kiosk, staff1)
    assert rate(client, evaluator1, ticket["id"], "dissatisfied").status_code == 201
    cases = client.get(CASES, headers=manager).get_json()
    assert [(c["ticket"], c["grade"], c["comment"]) for c in cases] == [
        (ticket["number"], "dissatisfied", None)]


def test_reasons_added_later_land_on_the_same_evaluation(client, kiosk, staff1, evaluator1,
                                                         manager):
    ticket = serve_one(client, kiosk, staff1)
    rate(client, evaluator1, ticket["id"], "very_dissatisfied")
    response = client.patch(evaluation(ticket["id"]), json={"comment": "【服务态度】太慢"},
                            headers=evaluator1)
    assert response.status_code == 200, response.get_json()
    cases = client.get(CASES, headers=manager).get_json()
    assert [(c["grade"], c["comment"]) for c in cases] == [("very_dissatisfied", "【服务态度】太慢")]


def test_a_second_grade_is_still_refused(client, kiosk, staff1, evaluator1):
    ticket = serve_one(client, kiosk, staff1)
    rate(client, evaluator1, ticket["id"], "dissatisfied")
    response = rate(client, evaluator1, ticket["id"], "very_satisfied")
    assert (response.status_code, response.get_json()["error"]["code"]) == (
        409, "already_evaluated")


def test_only_the_same_evaluator_may_add_to_a_rating(client, accts, kiosk, staff1, evaluator1):
    ticket = serve_one(client, kiosk, staff1)
    rate(client, evaluator1, ticket["id"], "dissatisfied")
    other = accts.device("evaluator", window=1)
    assert client.patch(evaluation(ticket["id"]), json={"comment": "x"},
                        headers=other).status_code == 403


def test_adding_to_a_rating_closes_after_five_minutes(client, clock, kiosk, staff1, evaluator1):
    ticket = serve_one(client, kiosk, staff1)
    rate(client, evaluator1, ticket["id"], "dissatisfied")
    clock.advance(minutes=5, seconds=1)
    response = client.patch(evaluation(ticket["id"]), json={"comment": "late"},
                            headers=evaluator1)
    assert (response.status_code, response.get_json()["error"]["code"]) == (
        409, "amend_window_closed")


def test_adding_to_an_unrated_ticket_is_404(client, kiosk, staff1, evaluator1):
    ticket = serve_one(client, kiosk, staff1)
    response = client.patch(evaluation(ticket["id"]), json={"comment": "x"}, headers=evaluator1)
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "not_evaluated")


@pytest.mark.parametrize("body", [{}, {"comment": 5}, {"comment": "x" * 501}, {"phone": 138}])
def test_bad_additions_are_400(client, kiosk, staff1, evaluator1, body):
    ticket = serve_one(client, kiosk, staff1)
    rate(client, evaluator1, ticket["id"], "dissatisfied")
    response = client.patch(evaluation(ticket["id"]), json=body, headers=evaluator1)
    assert response.status_code == 400


# ---- the call-back phone ---------------------------------------------------------------------

@pytest.fixture
def phoned_case(client, kiosk, staff1, evaluator1, manager):
    ticket = serve_one(client, kiosk, staff1)
    rate(client, evaluator1, ticket["id"], "dissatisfied")
    response = client.patch(evaluation(ticket["id"]), json={"phone": "138 1234 5678"},
                            headers=evaluator1)
    assert response.status_code == 200, response.get_json()
    return client.get(CASES, headers=manager).get_json()[0]


@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "138123456789", "+8613812345678",
                                   "1381234567a", "010-12345678"])
def test_only_a_mainland_mobile_is_taken(client, kiosk, staff1, evaluator1, phone):
    ticket = serve_one(client, kiosk, staff1)
    rate(client, evaluator1, ticket["id"], "dissatisfied")
    response = client.patch(evaluation(ticket["id"]), json={"phone": phone}, headers=evaluator1)
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, "invalid_phone")


def test_a_good_review_takes_no_phone(client, kiosk, staff1, evaluator1):
    ticket = serve_one(client, kiosk, staff1)
    rate(client, evaluator1, ticket["id"], "satisfied")
    assert client.patch(evaluation(ticket["id"]), json={"phone": PHONE},
                        headers=evaluator1).status_code == 400


def test_the_phone_is_masked_in_every_list_and_export(client, phoned_case, manager):
    answers = [client.get(path, headers=manager) for path in (
        CASES, f"{CASES}/{phoned_case['id']}", f"{CASES}/ledger", f"{CASES}/ledger?format=csv",
        "/api/v1/halls/h1/evaluations/export", "/api/v1/halls/h1/evaluations/export?format=csv")]
    texts = [a.get_data(as_text=True) for a in answers]
    assert ([a.status_code for a in answers], phoned_case["phone"],
            [PHONE in t for t in texts], ["138****5678" in t for t in texts[:4]]) == (
        [200] * 6, "138****5678", [False] * 6, [True] * 4)


def test_a_manager_sees_the_whole_number_on_request(client, phoned_case, manager):
    response = client.get(f"{CASES}/{phoned_case['id']}/phone", headers=manager)
    assert (response.status_code, response.get_json()["phone"],
            response.headers["Cache-Control"]) == (200, PHONE, "no-store")


@pytest.mark.parametrize("who", ["staff1", "evaluator1", "kiosk"])
def test_nobody_else_sees_the_whole_number(client, phoned_case, who, request):
    response = client.get(f"{CASES}/{phoned_case['id']}/phone",
                          headers=request.getfixturevalue(who))
    assert response.status_code == 403


def test_the_phone_is_purged_when_the_case_closes(client, ctx, phoned_case, manager):
    path = f"{CASES}/{phoned_case['id']}"
    client.post(f"{path}/callback", json={"note": "已回访"}, headers=manager)
    closed = client.post(f"{path}/close", json={"outcome": "explained", "note": "已解释"},
                         headers=manager)
    with ctx.db.read() as conn:
        stored = conn.execute(select(followup_cases.c.citizen_phone)).scalars().all()
    shown = client.get(f"{path}/phone", headers=manager)
    assert (closed.status_code, closed.get_json()["phone"], stored, shown.status_code) == (
        200, None, [None], 404)


def test_no_phone_can_be_added_once_the_case_is_closed(client, kiosk, staff1, evaluator1,
                                                       manager):
    ticket = serve_one(client, kiosk, staff1)
    rate(client, evaluator1, ticket["id"], "dissatisfied")
    case = client.get(CASES, headers=manager).get_json()[0]
    client.post(f"{CASES}/{case['id']}/callback", json={"note": "已回访"}, headers=manager)
    client.post(f"{CASES}/{case['id']}/close", json={"outcome": "fixed", "note": "好"},
                headers=manager)
    response = client.patch(evaluation(ticket["id"]), json={"phone": PHONE}, headers=evaluator1)
    assert response.status_code == 409


# ---- cancelling from the phone ---------------------------------------------------------------

def issue(client, kiosk, service="A", **extra):
    response = client.post("/api/v1/halls/h1/tickets", json={"service": service, **extra},
                           headers=kiosk)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def waiting(client, code="A") -> int:
    services = client.get("/api/v1/halls/h1/services").get_json()
    return next(s["waiting"] for s in services if s["code"] == code)


def test_a_waiting_ticket_is_cancelled_and_leaves_the_count(client, kiosk):
    ticket = issue(client, kiosk)
    before = waiting(client)
    response = client.post(f"/api/v1/track/{ticket['track_token']}/cancel")
    tracked = client.get(f"/api/v1/track/{ticket['track_token']}").get_json()
    assert (response.status_code, response.get_json()["status"], tracked["status"],
            before, waiting(client)) == (200, "cancelled", "cancelled", 1, 0)


def test_cancelling_twice_is_the_same_answer(client, kiosk):
    ticket = issue(client, kiosk)
    first = client.post(f"/api/v1/track/{ticket['track_token']}/cancel")
    second = client.post(f"/api/v1/track/{ticket['track_token']}/cancel")
    assert (first.status_code, second.status_code, second.get_json()["status"]) == (
        200, 200, "cancelled")


def test_a_cancelled_ticket_is_never_called(client, kiosk, staff1):
    ticket = issue(client, kiosk)
    client.post(f"/api/v1/track/{ticket['track_token']}/cancel")
    response = client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "queue_empty")


def test_cancelling_frees_the_one_ticket_per_person_rule(client, kiosk):
    ticket = issue(client, kiosk, "C", id_number=ID_NUMBER)
    refused = client.post("/api/v1/halls/h1/tickets", json={"service": "C",
                                                             "id_number": ID_NUMBER},
                          headers=kiosk)
    client.post(f"/api/v1/track/{ticket['track_token']}/cancel")
    again = client.post("/api/v1/halls/h1/tickets", json={"service": "C", "id_number": ID_NUMBER},
                        headers=kiosk)
    assert (refused.status_code, again.status_code) == (409, 201)


def test_a_called_ticket_cannot_be_cancelled(client, kiosk, staff1):
    ticket = issue(client, kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    response = client.post(f"/api/v1/track/{ticket['track_token']}/cancel")
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "not_cancellable")


def test_cancelling_an_unknown_ticket_is_404(client):
    response = client.post("/api/v1/track/no-such-ticket-token/cancel")
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "unknown_ticket")


# ---- the phone page: windows, unknown tickets --------------------------------------------------

def test_tracking_names_the_windows_of_the_service_and_which_are_open(client, kiosk, staff1):
    ticket = issue(client, kiosk, "B")
    client.post("/api/v1/halls/h1/windows/1/sign-in", headers=staff1)
    windows = client.get(f"/api/v1/track/{ticket['track_token']}").get_json()["windows"]
    assert [(w["number"], w["name"], w["open"], w["state"]) for w in windows] == [
        (1, "1号窗口", True, "idle"), (2, "2号窗口", False, "closed")]


def test_tracking_gives_the_state_of_the_window_that_called_it(client, kiosk, staff1):
    """A call whose window paused is on no screen: the phone page is told, to say so too."""
    ticket = issue(client, kiosk, "B")
    track = f"/api/v1/track/{ticket['track_token']}"
    before = client.get(track).get_json()["window_state"]
    client.post("/api/v1/halls/h1/windows/1/sign-in", headers=staff1)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    called = client.get(track).get_json()["window_state"]
    client.post("/api/v1/halls/h1/windows/1/pause", headers=staff1)
    paused = client.get(track).get_json()
    assert (before, called, paused["status"], paused["window_state"]) == (
        None, "serving", "called", "paused")


def test_the_api_answers_an_unknown_ticket_404(client):
    response = client.get("/api/v1/track/no-such-ticket-token")
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "unknown_ticket")


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_page_of_an_unknown_ticket_is_a_friendly_404_in_both_languages(client, lang):
    response = client.get(f"/track/no-such-ticket-token?lang={lang}")
    page = response.get_data(as_text=True)
    assert (response.status_code, "未找到" in page, "not found" in page.lower()) == (
        404, True, True)


def test_the_page_of_a_real_ticket_is_200(client, kiosk):
    ticket = issue(client, kiosk)
    assert client.get(f"/track/{ticket['track_token']}").status_code == 200


# ---- English names -----------------------------------------------------------------------------

@pytest.fixture
def english_names(ctx):
    from queue_server.services.config_loader import load_config

    config = {"halls": [dict(TEST_HALL["halls"][0], name_en="Test Service Centre")]}
    config["halls"][0]["services"] = [dict(s) for s in config["halls"][0]["services"]]
    config["halls"][0]["services"][0]["department_en"] = "Natural Resources Bureau"
    load_config(ctx, config)


def test_services_carry_the_department_in_english(client, english_names):
    services = client.get("/api/v1/halls/h1/services").get_json()
    assert [(s["code"], s["department_en"]) for s in services] == [
        ("A", "Natural Resources Bureau"), ("B", ""), ("C", ""), ("D", "")]


def test_the_kiosk_page_carries_the_hall_name_in_english(client, english_names):
    page = client.get("/kiosk/h1").get_data(as_text=True)
    assert '"name_en": "Test Service Centre"' in page


# ---- the evaluator's idle screen tells the window's state ---------------------------------------

def test_the_evaluator_is_told_the_window_state(client, ctx, kiosk, staff1):
    hall = ctx.halls.get("h1")
    window = hall.window(1)
    seen = [counter.evaluator_state(ctx, hall, window)["window_state"]]
    client.post("/api/v1/halls/h1/windows/1/sign-in", headers=staff1)
    seen.append(counter.evaluator_state(ctx, hall, window)["window_state"])
    issue(client, kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    seen.append(counter.evaluator_state(ctx, hall, window)["window_state"])
    client.post("/api/v1/halls/h1/windows/1/pause", json={"reason": "午休"}, headers=staff1)
    seen.append(counter.evaluator_state(ctx, hall, window)["window_state"])
    assert seen == ["closed", "idle", "serving", "paused"]
