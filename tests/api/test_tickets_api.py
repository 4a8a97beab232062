"""Issuing tickets over HTTP: numbering, every refusal code, idempotency, real-name rules."""

import pytest

from queue_server.domain.idnumber import make_id_number

ID_1 = make_id_number("11010519491231002")
ID_2 = make_id_number("44030419900101123")


def issue(client, headers, hall="h1", **body):
    body.setdefault("service", "A")
    return client.post(f"/api/v1/halls/{hall}/tickets", json=body, headers=headers)


def test_first_ticket_of_the_day_is_numbered_001(client, kiosk):
    assert issue(client, kiosk).get_json()["number"] == "A001"


def test_issue_answers_201_with_the_contract_fields(client, kiosk):
    response = issue(client, kiosk)
    assert response.status_code == 201
    assert {"id", "number", "service", "status", "issued_at", "waiting_ahead",
            "estimated_wait_s", "track_token"} <= set(response.get_json())


def test_numbers_count_up_per_service(client, kiosk):
    numbers = [issue(client, kiosk, service=s).get_json()["number"] for s in "AABA"]
    assert numbers == ["A001", "A002", "B001", "A003"]


def test_people_ahead_counts_the_waiting_tickets_of_the_service(client, kiosk):
    issue(client, kiosk)
    issue(client, kiosk)
    assert issue(client, kiosk).get_json()["waiting_ahead"] == 2


def test_priority_ticket_is_only_behind_other_priority_tickets(client, kiosk):
    issue(client, kiosk)
    issue(client, kiosk, priority="priority")
    assert issue(client, kiosk, priority="priority").get_json()["waiting_ahead"] == 1


def test_priority_ticket_is_refused_where_the_hall_offers_none(client, accts):
    """h2 has no ``allow_priority``: neither its kiosk nor its staff may issue 绿色通道."""
    for headers in (accts.device("kiosk", hall="h2"), accts.user("manager", hall="h2")):
        response = issue(client, headers, hall="h2", priority="priority")
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "priority_not_offered"
        assert issue(client, headers, hall="h2", priority="normal").status_code == 201


def test_issued_at_is_in_the_halls_local_time(client, kiosk):
    assert issue(client, kiosk).get_json()["issued_at"] == "2026-03-02T10:00:00+08:00"


def test_counter_restarts_at_local_midnight(client, kiosk, clock):
    issue(client, kiosk)
    clock.now = clock.now.replace(hour=15, minute=59, second=59)  # 23:59:59 local
    assert issue(client, kiosk).get_json()["number"] == "A002"
    clock.advance(seconds=1)  # 00:00:00 local, still 16:00 UTC of the same UTC day
    assert issue(client, kiosk).get_json()["number"] == "A001"


@pytest.mark.parametrize("body, status, code", [
    ({"service": "Z"}, 404, "unknown_service"),
    ({"service": 5}, 400, "invalid_request"),
    ({}, 400, "invalid_request"),
    ({"service": "A", "priority": "vip"}, 400, "invalid_request"),
    ({"service": "C"}, 400, "id_required"),
    ({"service": "C", "id_number": "110105194912310021"}, 400, "invalid_id_number"),
    ({"service": "C", "id_number": 110105}, 400, "invalid_request"),
])
def test_bad_ticket_requests_are_refused_with_their_code(client, kiosk, body, status, code):
    response = client.post("/api/v1/halls/h1/tickets", json=body, headers=kiosk)
    assert (response.status_code, response.get_json()["error"]["code"]) == (status, code)


def test_unknown_hall_is_404(client, kiosk):
    response = issue(client, kiosk, hall="nowhere")
    assert response.get_json()["error"]["code"] == "unknown_hall"


def test_body_that_is_not_json_is_invalid_request(client, kiosk):
    response = client.post("/api/v1/halls/h1/tickets", data="service=A", headers=kiosk)
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, "invalid_request")


def test_json_array_body_is_invalid_request(client, kiosk):
    response = client.post("/api/v1/halls/h1/tickets", json=["A"], headers=kiosk)
    assert response.get_json()["error"]["code"] == "invalid_request"


def test_oversized_body_is_413_in_the_error_shape(client, kiosk):
    response = client.post("/api/v1/halls/h1/tickets", json={"service": "A", "x": "x" * 70000},
                           headers=kiosk)
    assert (response.status_code, response.get_json()["error"]["code"]) == (413, "payload_too_large")


def test_closed_service_is_refused(client, kiosk, clock):
    clock.now = clock.now.replace(hour=4, minute=30)  # 12:30 local: lunch break
    response = issue(client, kiosk, service="D")
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "service_closed")


def test_quota_exhausted_after_the_daily_quota(client, kiosk):
    for _ in range(3):
        issue(client, kiosk, service="B")
    response = issue(client, kiosk, service="B")
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "quota_exhausted")


def test_refused_ticket_does_not_use_up_a_number(client, kiosk, ctx):
    for _ in range(4):  # the quota is 3: the fourth is refused
        issue(client, kiosk, service="B")
    set_daily_quota(ctx, "B", 4)
    assert issue(client, kiosk, service="B").get_json()["number"] == "B004"


def set_daily_quota(ctx, code: str, quota: int) -> None:
    from sqlalchemy import update

    from queue_server.storage.models import services

    service = ctx.halls.get("h1").service(code)
    with ctx.db.write() as conn:
        conn.execute(update(services).where(services.c.id == service.id)
                     .values(daily_quota=quota))
    ctx.halls.invalidate()


def test_same_person_cannot_wait_twice_for_one_service(client, kiosk):
    issue(client, kiosk, service="C", id_number=ID_1)
    response = issue(client, kiosk, service="C", id_number=ID_1)
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "already_waiting")


def test_two_people_may_wait_for_the_same_service(client, kiosk):
    issue(client, kiosk, service="C", id_number=ID_1)
    assert issue(client, kiosk, service="C", id_number=ID_2).status_code == 201


def test_lower_case_x_is_the_same_person(client, kiosk):
    issue(client, kiosk, service="C", id_number=ID_1)
    response = issue(client, kiosk, service="C", id_number=ID_1.lower())
    assert response.get_json()["error"]["code"] == "already_waiting"


def test_blacklisted_person_is_refused(client, kiosk, ctx):
    from queue_server.services.people import add_to_blacklist

    add_to_blacklist(ctx, ID_1, "号贩子", None, 30)
    response = issue(client, kiosk, service="C", id_number=ID_1)
    assert (response.status_code, response.get_json()["error"]["code"]) == (403, "blacklisted")


def test_expired_blacklist_entry_no_longer_bars(client, kiosk, ctx, clock):
    from queue_server.services.people import add_to_blacklist

    add_to_blacklist(ctx, ID_1, "号贩子", None, 1)
    clock.advance(days=2)
    assert issue(client, kiosk, service="C", id_number=ID_1).status_code == 201


def test_id_number_is_never_in_the_answer(client, kiosk):
    response = issue(client, kiosk, service="C", id_number=ID_1)
    assert ID_1[6:14] not in response.get_data(as_text=True)


def test_id_number_is_not_stored_in_plain_text(client, kiosk, ctx):
    issue(client, kiosk, service="C", id_number=ID_1)
    with ctx.db.read() as conn:
        dump = [str(row) for row in conn.exec_driver_sql("SELECT * FROM tickets")]
    assert not any(ID_1 in row for row in dump)


def test_same_idempotency_key_returns_the_same_ticket(client, kiosk):
    headers = dict(kiosk, **{"Idempotency-Key": "tap-1"})
    first = issue(client, headers).get_json()
    assert issue(client, headers).get_json()["id"] == first["id"]


def test_replay_is_flagged_in_a_header(client, kiosk):
    headers = dict(kiosk, **{"Idempotency-Key": "tap-1"})
    issue(client, headers)
    assert issue(client, headers).headers.get("Idempotent-Replayed") == "true"


def test_idempotent_replay_issues_no_second_number(client, kiosk):
    headers = dict(kiosk, **{"Idempotency-Key": "tap-1"})
    issue(client, headers)
    issue(client, headers)
    assert issue(client, kiosk).get_json()["number"] == "A002"


def test_idempotency_keys_belong_to_their_device(client, accts):
    first, second = accts.device("kiosk"), accts.device("kiosk")
    a = issue(client, dict(first, **{"Idempotency-Key": "k"})).get_json()
    b = issue(client, dict(second, **{"Idempotency-Key": "k"})).get_json()
    assert a["id"] != b["id"]


def test_track_shows_the_queue_position(client, kiosk):
    issue(client, kiosk)
    token = issue(client, kiosk).get_json()["track_token"]
    body = client.get(f"/api/v1/track/{token}").get_json()
    assert (body["number"], body["status"], body["waiting_ahead"]) == ("A002", "waiting", 1)


def test_track_names_the_service_in_both_languages(client, kiosk):
    token = issue(client, kiosk).get_json()["track_token"]
    body = client.get(f"/api/v1/track/{token}").get_json()
    assert (body["service_name"], body["service_name_en"]) == ("不动产登记", "Real estate")


def test_track_unknown_token_is_404(client):
    response = client.get("/api/v1/track/doesnotexist12345")
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "unknown_ticket")


def test_track_token_is_long_and_random(client, kiosk):
    tokens = {issue(client, kiosk).get_json()["track_token"] for _ in range(5)}
    assert len(tokens) == 5 and all(len(t) >= 20 for t in tokens)


def test_services_list_the_contract_fields(client):
    service = client.get("/api/v1/halls/h1/services").get_json()[0]
    assert {"code", "name", "name_en", "waiting", "estimated_wait_s", "open", "quota_left",
            "requires_id"} <= set(service)


def test_services_count_the_waiting(client, kiosk):
    issue(client, kiosk)
    issue(client, kiosk)
    services = client.get("/api/v1/halls/h1/services").get_json()
    assert next(s for s in services if s["code"] == "A")["waiting"] == 2


def test_estimate_grows_with_the_queue(client, kiosk):
    first = issue(client, kiosk).get_json()["estimated_wait_s"]
    issue(client, kiosk)
    assert issue(client, kiosk).get_json()["estimated_wait_s"] > first


def test_track_works_when_the_hall_cache_is_stale(client, kiosk, ctx):
    token = issue(client, kiosk).get_json()["track_token"]
    ctx.halls.invalidate()
    assert client.get(f"/api/v1/track/{token}").status_code == 200


def test_services_say_why_a_service_is_closed(client, kiosk, clock):
    for _ in range(3):
        issue(client, kiosk, service="B")
    clock.now = clock.now.replace(hour=4, minute=30)  # 12:30 local: D's lunch break
    services = client.get("/api/v1/halls/h1/services").get_json()
    reasons = {s["code"]: s["closed_reason"] for s in services}
    assert reasons == {"A": None, "B": "quota", "C": None, "D": "hours"}



def test_retried_tap_gets_its_ticket_even_after_closing_time(client, kiosk, clock):
    headers = dict(kiosk, **{"Idempotency-Key": "tap-before-lunch"})
    clock.now = clock.now.replace(hour=3, minute=59, second=59)  # 11:59:59 local: D is open
    first = issue(client, headers, service="D").get_json()
    clock.advance(seconds=2)  # closed for lunch now
    assert issue(client, headers, service="D").get_json()["id"] == first["id"]
