"""Window sign-in and sign-out, the counter's window state and the staff member's own day."""

from sqlalchemy import select

from queue_server.storage.models import window_sessions
from tests.api.counter_helpers import rate, serve_one

SIGN_IN = "/api/v1/halls/h1/windows/{}/sign-in"
SIGN_OUT = "/api/v1/halls/h1/windows/{}/sign-out"


def test_staff_signs_in_at_own_window(client, staff1):
    response = client.post(SIGN_IN.format(1), headers=staff1)
    assert (response.status_code, response.get_json()["window"]) == (200, 1)


def test_staff_cannot_sign_in_at_another_window(client, staff1):
    assert client.post(SIGN_IN.format(2), headers=staff1).status_code == 403


def test_second_person_cannot_sign_in_at_an_occupied_window(client, accts, staff1):
    other = accts.user("staff", windows=(1,))
    client.post(SIGN_IN.format(1), headers=staff1)
    response = client.post(SIGN_IN.format(1), headers=other)
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "window_occupied")


def test_signing_in_again_at_the_same_window_keeps_the_session(client, ctx, staff1):
    client.post(SIGN_IN.format(1), headers=staff1)
    client.post(SIGN_IN.format(1), headers=staff1)
    with ctx.db.read() as conn:
        assert len(conn.execute(select(window_sessions)).all()) == 1


def test_one_person_cannot_hold_two_windows(client, accts):
    both = accts.user("staff", windows=(1, 2))
    client.post(SIGN_IN.format(1), headers=both)
    response = client.post(SIGN_IN.format(2), headers=both)
    assert response.get_json()["error"]["code"] == "signed_in_elsewhere"


def test_manager_takes_over_an_occupied_window(client, ctx, staff1, manager):
    client.post(SIGN_IN.format(1), headers=staff1)
    client.post(SIGN_IN.format(1), headers=manager, json={"take_over": True})
    with ctx.db.read() as conn:
        reasons = conn.execute(select(window_sessions.c.end_reason)
                               .order_by(window_sessions.c.id)).scalars().all()
    assert reasons == ["taken_over", None]


def test_staff_cannot_take_over(client, accts, staff1):
    other = accts.user("staff", windows=(1,))
    client.post(SIGN_IN.format(1), headers=staff1)
    response = client.post(SIGN_IN.format(1), headers=other, json={"take_over": True})
    assert response.status_code == 409


def test_sign_out_is_recorded_with_both_times(client, ctx, clock, staff1):
    client.post(SIGN_IN.format(1), headers=staff1)
    clock.advance(hours=2)
    client.post(SIGN_OUT.format(1), headers=staff1)
    with ctx.db.read() as conn:
        row = conn.execute(select(window_sessions)).mappings().one()
    assert ((row["ended_at"] - row["started_at"]).total_seconds(), row["end_reason"]) == (
        7200, "signed_out")


def test_window_is_free_after_sign_out(client, accts, staff1):
    other = accts.user("staff", windows=(1,))
    client.post(SIGN_IN.format(1), headers=staff1)
    client.post(SIGN_OUT.format(1), headers=staff1)
    assert client.post(SIGN_IN.format(1), headers=other).status_code == 200


def test_sign_out_when_nobody_is_signed_in_is_refused(client, staff1):
    assert client.post(SIGN_OUT.format(1), headers=staff1).get_json()["error"]["code"] == (
        "not_signed_in")


def test_a_device_cannot_sign_in(client, accts):
    evaluator = accts.device("evaluator", window=1)
    assert client.post(SIGN_IN.format(1), headers=evaluator).status_code == 403


def test_counter_state_shows_current_ticket_and_its_wait(client, clock, kiosk, staff1):
    client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    clock.advance(minutes=7)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1)
    current = client.get("/api/v1/halls/h1/windows/1/counter", headers=staff1).get_json()["current"]
    assert (current["number"], current["service_name"], current["waited_s"]) == (
        "A001", "不动产登记", 420)


def test_counter_state_lists_window_queues_in_preference_order(client, clock, kiosk, staff1):
    client.post("/api/v1/halls/h1/tickets", json={"service": "B"}, headers=kiosk)
    client.post("/api/v1/halls/h1/tickets", json={"service": "B"}, headers=kiosk)
    queues = client.get("/api/v1/halls/h1/windows/1/counter", headers=staff1).get_json()["queues"]
    assert [(q["service"], q["waiting"]) for q in queues] == [("A", 0), ("B", 2), (None, 0)]


def test_counter_state_of_another_window_is_forbidden(client, staff1):
    assert client.get("/api/v1/halls/h1/windows/2/counter", headers=staff1).status_code == 403


def test_own_figures_count_served_and_rated_tickets(client, accts, kiosk, staff1):
    evaluator = accts.device("evaluator", window=1)
    first = serve_one(client, kiosk, staff1)
    rate(client, evaluator, first["id"], "dissatisfied")
    serve_one(client, kiosk, staff1)
    figures = client.get("/api/v1/halls/h1/me", headers=staff1).get_json()["figures"]
    assert (figures["served"], figures["evaluations"], figures["bad_reviews"]) == (2, 1, 1)


def test_me_lists_only_the_staff_members_windows(client, staff1):
    windows = client.get("/api/v1/halls/h1/me", headers=staff1).get_json()["windows"]
    assert [w["number"] for w in windows] == [1]


def test_me_lists_every_window_for_a_manager(client, manager):
    windows = client.get("/api/v1/halls/h1/me", headers=manager).get_json()["windows"]
    assert [w["number"] for w in windows] == [1, 2, 3]
