"""The clerk's safety rules over HTTP: call-next that names the ticket it ends, 过号 with its
undo and 过号顺延, who may use the new window actions, bad bodies, the config keys. 选呼, 挂起
and the counter's view are in test_counter_special_calls_api.py."""

import pytest

from tests.api.counter_helpers import set_hall_options

BASE = "/api/v1/halls/h1/windows"


def issue(client, kiosk, service="A", **body):
    response = client.post("/api/v1/halls/h1/tickets", json=dict(body, service=service),
                           headers=kiosk)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def act(client, headers, action, window=1, body=None):
    return client.post(f"{BASE}/{window}/{action}", json=body, headers=headers)


def code(response):
    return response.status_code, response.get_json()["error"]["code"]


def status(client, ticket):
    return client.get(f"/api/v1/track/{ticket['track_token']}").get_json()["status"]


def counter(client, headers, window=1):
    response = client.get(f"{BASE}/{window}/counter", headers=headers)
    assert response.status_code == 200
    return response.get_json()


# ---- call-next names the ticket it ends -------------------------------------------------------

def test_stale_finish_id_is_409_and_changes_nothing(client, kiosk, staff1):
    first, second = issue(client, kiosk), issue(client, kiosk)
    act(client, staff1, "call-next", body={"finish": None})
    response = act(client, staff1, "call-next", body={"finish": None})  # the page was stale
    error = response.get_json()["error"]
    assert (code(response), error["details"]["current"]["number"],
            status(client, first), status(client, second)) == (
        (409, "current_ticket_changed"), "A001", "called", "waiting")


def test_finish_id_of_another_ticket_is_409(client, kiosk, staff1):
    issue(client, kiosk)
    issue(client, kiosk)
    act(client, staff1, "call-next")
    assert code(act(client, staff1, "call-next", body={"finish": 999})) == (
        409, "current_ticket_changed")


def test_finish_id_of_the_current_ticket_finishes_it_and_calls_the_next(client, kiosk, staff1):
    first = issue(client, kiosk)
    issue(client, kiosk)
    current = act(client, staff1, "call-next").get_json()["ticket"]
    response = act(client, staff1, "call-next", body={"finish": current["id"]})
    assert (response.get_json()["ticket"]["number"], status(client, first)) == ("A002", "done")


def test_finish_null_with_nothing_current_calls(client, kiosk, staff1):
    issue(client, kiosk)
    response = act(client, staff1, "call-next", body={"finish": None})
    assert response.get_json()["ticket"]["number"] == "A001"


def test_confirm_finishes_whatever_is_current(client, kiosk, staff1):
    first = issue(client, kiosk)
    issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "call-next", body={"finish": None, "confirm": True})
    assert status(client, first) == "done"


def test_without_the_key_call_next_keeps_the_contract(client, kiosk, staff1):
    first = issue(client, kiosk)
    issue(client, kiosk)
    act(client, staff1, "call-next")
    assert (act(client, staff1, "call-next", body={}).status_code, status(client, first)) == (
        200, "done")


def test_a_non_json_body_still_calls_as_before(client, kiosk, staff1):
    issue(client, kiosk)
    response = client.post(f"{BASE}/1/call-next", data="x", content_type="text/plain",
                           headers=staff1)
    assert response.status_code == 200


@pytest.mark.parametrize("body", [{"finish": "A001"}, {"finish": True}, {"finish": 1.5},
                                  {"confirm": "yes"}, [1, 2]])
def test_bad_finish_or_confirm_is_400(client, kiosk, staff1, body):
    issue(client, kiosk)
    assert code(act(client, staff1, "call-next", body=body)) == (400, "invalid_request")


# ---- 过号 and its undo ---------------------------------------------------------------------------

def test_no_show_answers_the_undo_time(client, kiosk, staff1):
    issue(client, kiosk)
    act(client, staff1, "call-next")
    answer = act(client, staff1, "no-show").get_json()
    assert (answer["ticket"]["status"], answer["requeued"], answer["undo_s"]) == (
        "no_show", False, 60)


def test_undo_within_the_time_restores_the_called_ticket(client, kiosk, staff1, clock):
    ticket = issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "no-show")
    clock.advance(seconds=59)
    response = act(client, staff1, "undo-no-show", body={"ticket": ticket["id"]})
    assert (response.status_code, response.get_json()["ticket"]["status"],
            counter(client, staff1)["current"]["number"]) == (200, "called", "A001")


def test_undo_after_the_time_is_refused(client, kiosk, staff1, clock):
    ticket = issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "no-show")
    clock.advance(seconds=61)
    assert (code(act(client, staff1, "undo-no-show")), status(client, ticket)) == (
        (409, "undo_expired"), "no_show")


def test_undo_time_is_a_hall_option(client, ctx, kiosk, staff1, clock):
    set_hall_options(ctx, "h1", no_show_undo_s=10)
    issue(client, kiosk)
    act(client, staff1, "call-next")
    assert act(client, staff1, "no-show").get_json()["undo_s"] == 10
    clock.advance(seconds=11)
    assert code(act(client, staff1, "undo-no-show")) == (409, "undo_expired")


def test_undo_twice_is_refused(client, kiosk, staff1):
    issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "no-show")
    act(client, staff1, "undo-no-show")
    act(client, staff1, "finish")
    assert code(act(client, staff1, "undo-no-show")) == (409, "undo_expired")


def test_undo_while_serving_another_is_window_busy(client, kiosk, staff1):
    issue(client, kiosk)
    issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "no-show")
    act(client, staff1, "call-next")
    response = act(client, staff1, "undo-no-show")
    assert (code(response), response.get_json()["error"]["details"]["current"]["number"]) == (
        (409, "window_busy"), "A002")


def test_undo_of_another_windows_no_show_is_refused(client, kiosk, staff1, accts):
    staff2 = accts.user("staff", windows=(2,))
    issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "no-show")
    assert code(act(client, staff2, "undo-no-show", window=2)) == (409, "undo_expired")


def test_undo_naming_another_ticket_is_refused(client, kiosk, staff1):
    issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "no-show")
    assert code(act(client, staff1, "undo-no-show", body={"ticket": 12345})) == (
        409, "undo_expired")


def test_undo_does_not_count_as_a_no_show_in_my_day(client, kiosk, staff1):
    issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "no-show")
    act(client, staff1, "undo-no-show")
    assert client.get("/api/v1/halls/h1/me", headers=staff1).get_json()["figures"][
        "no_show"] == 0


# ---- 过号顺延 ----------------------------------------------------------------------------------

@pytest.fixture
def requeue_a(ctx):
    """Service A sends a no-show back 2 places, once."""
    from sqlalchemy import update

    from queue_server.storage.models import services

    with ctx.db.write() as conn:
        conn.execute(update(services).where(services.c.code == "A")
                     .values(no_show_requeue=2, no_show_requeue_max=1))
    ctx.halls.invalidate()


def test_requeued_no_show_waits_again_two_places_back(client, kiosk, staff1, requeue_a, clock):
    first = issue(client, kiosk)
    for _ in range(3):
        clock.advance(seconds=10)
        issue(client, kiosk)
    act(client, staff1, "call-next")
    answer = act(client, staff1, "no-show").get_json()
    order = [act(client, staff1, "call-next").get_json()["ticket"]["number"] for _ in range(3)]
    track = client.get(f"/api/v1/track/{first['track_token']}").get_json()
    assert (answer["requeued"], answer["ticket"]["status"], order, track["requeued_count"]) == (
        True, "waiting", ["A002", "A003", "A001"], 1)


def test_no_show_after_the_last_requeue_is_final(client, kiosk, staff1, requeue_a):
    first = issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "no-show")  # requeued (nobody else waits: it is next again)
    act(client, staff1, "call-next", body={"finish": None})
    answer = act(client, staff1, "no-show").get_json()
    assert (answer["requeued"], status(client, first)) == (False, "no_show")


def test_requeue_off_by_default(client, kiosk, staff1):
    issue(client, kiosk)
    act(client, staff1, "call-next")
    assert act(client, staff1, "no-show").get_json()["requeued"] is False


def test_undo_of_a_requeued_no_show_restores_it(client, kiosk, staff1, requeue_a):
    first = issue(client, kiosk)
    issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "no-show")
    answer = act(client, staff1, "undo-no-show").get_json()["ticket"]
    track = client.get(f"/api/v1/track/{first['track_token']}").get_json()
    assert (answer["number"], answer["status"], track["requeued_count"]) == ("A001", "called", 0)


def test_requeued_ticket_called_elsewhere_cannot_be_undone(client, kiosk, staff1, accts,
                                                          requeue_a):
    staff2 = accts.user("staff", windows=(2,))
    issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "no-show")
    assert act(client, staff2, "call-next", window=2).get_json()["ticket"]["number"] == "A001"
    assert code(act(client, staff1, "undo-no-show")) == (409, "undo_expired")


def test_ticket_payload_carries_requeued_count(client, kiosk):
    assert issue(client, kiosk)["requeued_count"] == 0


# ---- who may ---------------------------------------------------------------------------------

NEW_ACTIONS = ["undo-no-show", "call-number", "hold", "unhold"]


@pytest.mark.parametrize("action", NEW_ACTIONS)
@pytest.mark.parametrize("who, expected", [
    ("anonymous", 401), ("kiosk", 403), ("staff2", 403), ("manager_h2", 403),
    ("evaluator", 403), ("staff1", None), ("manager", None), ("caller1", None)])
def test_new_actions_have_call_next_permissions(client, accts, staff1, action, who, expected):
    headers = {"anonymous": {}, "kiosk": accts.device("kiosk"), "staff1": staff1,
               "staff2": accts.user("staff", windows=(2,)), "manager": accts.user("manager"),
               "manager_h2": accts.user("manager", hall="h2"),
               "evaluator": accts.device("evaluator", window=1),
               "caller1": accts.device("caller", window=1)}[who]
    client.post(f"{BASE}/1/sign-in", headers=staff1)  # a caller keypad acts for who is there
    response = act(client, headers, action, body={"ticket": 1, "number": "A001"})
    if expected is None:
        assert response.status_code not in (401, 403, 500), response.get_json()
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("action", NEW_ACTIONS + ["call-next", "no-show"])
@pytest.mark.parametrize("body", ["not json", "[]", "null", '{"ticket": {"a": 1}}'])
def test_bad_bodies_never_500(client, staff1, action, body):
    response = client.post(f"{BASE}/1/{action}", data=body, content_type="application/json",
                           headers=staff1)
    assert 400 <= response.status_code < 500 and "error" in response.get_json()


# ---- hall configuration ------------------------------------------------------------------------

def _hall_with(**service_keys) -> dict:
    return {"halls": [{"code": "cfg", "name": "配置", "no_show_undo_s": 30,
                       "services": [dict({"code": "A", "name": "综合"}, **service_keys)],
                       "windows": [{"number": 1, "services": ["A"]}]}]}


def test_requeue_policy_comes_from_the_config_file(ctx):
    from queue_server.services.config_loader import load_config

    load_config(ctx, _hall_with(no_show_requeue=3, no_show_requeue_max=2))
    hall = ctx.halls.get("cfg")
    service = hall.service("A")
    assert (service.no_show_requeue, service.no_show_requeue_max,
            hall.options["no_show_undo_s"]) == (3, 2, 30)


def test_requeue_policy_defaults_to_off_and_once(ctx):
    from queue_server.services.config_loader import load_config

    load_config(ctx, _hall_with())
    service = ctx.halls.get("cfg").service("A")
    assert (service.no_show_requeue, service.no_show_requeue_max) == (0, 1)


@pytest.mark.parametrize("keys", [{"no_show_requeue": -1}, {"no_show_requeue": "2"},
                                  {"no_show_requeue_max": True}])
def test_bad_requeue_policy_is_refused(ctx, keys):
    from queue_server.domain.errors import DomainError
    from queue_server.services.config_loader import load_config

    with pytest.raises(DomainError) as error:
        load_config(ctx, _hall_with(**keys))
    assert error.value.code == "invalid_request"


def test_openapi_describes_the_new_actions_and_call_next_body(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    call_next = paths[f"/api/v1/halls/{{hall}}/windows/{{number}}/call-next"]["post"]
    assert ({a for a in NEW_ACTIONS if f"/api/v1/halls/{{hall}}/windows/{{number}}/{a}" in paths},
            set(call_next["requestBody"]["content"]["application/json"]["schema"]["properties"])
            ) == (set(NEW_ACTIONS), {"finish", "confirm"})


@pytest.mark.parametrize("action", NEW_ACTIONS + ["call-next", "transfer", "pause", "resume"])
@pytest.mark.parametrize("body", [None, "not json"])
def test_a_bad_body_from_someone_not_allowed_is_still_403(client, accts, action, body):
    staff2 = accts.user("staff", windows=(2,))
    response = client.post(f"{BASE}/1/{action}", data=body, content_type="application/json",
                           headers=staff2)
    assert response.status_code == 403


def test_counter_state_offers_the_undo_until_it_expires(client, kiosk, staff1, clock):
    ticket = issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "no-show")
    clock.advance(seconds=20)
    offered = counter(client, staff1)["undo"]
    clock.advance(seconds=41)
    assert ((offered["ticket"], offered["number"], offered["left_s"], offered["requeued"]),
            counter(client, staff1)["undo"]) == ((ticket["id"], "A001", 40, False), None)


def test_counter_state_offers_no_undo_once_undone(client, kiosk, staff1):
    issue(client, kiosk)
    act(client, staff1, "call-next")
    act(client, staff1, "no-show")
    act(client, staff1, "undo-no-show")
    assert counter(client, staff1)["undo"] is None
