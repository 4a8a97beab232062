"""A window's caller keypad device (kind ``caller``): it works its own window's actions for the
person signed in there, recorded as that person, and nothing else."""

import pytest
from sqlalchemy import select

from queue_server.domain.errors import DomainError
from queue_server.services import accounts
from queue_server.storage.models import (
    devices,
    evaluations,
    ticket_events,
    tickets,
    users,
    window_events,
)
from tests.api.counter_helpers import rate

ACTIONS = ["call-next", "recall", "finish", "no-show", "transfer", "pause", "resume"]


@pytest.fixture
def caller1(accts):
    return accts.device("caller", window=1)


def _sign_in(client, headers, window=1, **body):
    response = client.post(f"/api/v1/halls/h1/windows/{window}/sign-in", json=body,
                           headers=headers)
    assert response.status_code == 200, response.get_json()


def _issue(client, kiosk, service="A"):
    assert client.post("/api/v1/halls/h1/tickets", json={"service": service},
                       headers=kiosk).status_code == 201


def _user_id(client, ctx, headers):
    """The id of the user behind ``headers`` (names depend on the order fixtures ran in)."""
    username = client.get("/api/v1/halls/h1/me", headers=headers).get_json()["user"]
    with ctx.db.read() as conn:
        return conn.execute(select(users.c.id).where(users.c.username == username)).scalar_one()


def _caller_device_id(ctx):
    with ctx.db.read() as conn:
        return conn.execute(select(devices.c.id).where(devices.c.kind == "caller")).scalar_one()


def _events(ctx):
    with ctx.db.read() as conn:
        return conn.execute(select(ticket_events.c.kind, ticket_events.c.user_id,
                                   ticket_events.c.device_id)
                            .order_by(ticket_events.c.id)).all()


def test_call_next_with_staff_signed_in_calls_a_ticket(client, kiosk, staff1, caller1):
    _sign_in(client, staff1)
    _issue(client, kiosk)
    response = client.post("/api/v1/halls/h1/windows/1/call-next", headers=caller1)
    assert (response.status_code, response.get_json()["ticket"]["number"]) == (200, "A001")


def test_called_ticket_is_the_signed_in_staff_members(client, ctx, kiosk, staff1, caller1):
    _sign_in(client, staff1)
    _issue(client, kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=caller1)
    with ctx.db.read() as conn:
        staff_user_id = conn.execute(select(tickets.c.staff_user_id)).scalar_one()
    assert staff_user_id == _user_id(client, ctx, staff1)


def test_events_name_the_staff_member_and_the_keypad(client, ctx, kiosk, staff1, caller1):
    _sign_in(client, staff1)
    _issue(client, kiosk)
    for action in ("call-next", "recall", "finish"):
        client.post(f"/api/v1/halls/h1/windows/1/{action}", headers=caller1)
    who = (_user_id(client, ctx, staff1), _caller_device_id(ctx))
    assert [(kind, user, device) for kind, user, device in _events(ctx)
            if kind != "issued"] == [(k, *who) for k in ("called", "recalled", "finished")]


def test_pause_by_the_keypad_is_the_staff_members_pause(client, ctx, staff1, caller1):
    _sign_in(client, staff1)
    client.post("/api/v1/halls/h1/windows/1/pause", json={"reason": "按键暂停"}, headers=caller1)
    with ctx.db.read() as conn:
        row = conn.execute(select(window_events.c.kind, window_events.c.user_id)).one()
    assert tuple(row) == ("paused", _user_id(client, ctx, staff1))


def test_staff_figures_count_what_the_keypad_did(client, kiosk, staff1, caller1):
    _sign_in(client, staff1)
    _issue(client, kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=caller1)
    client.post("/api/v1/halls/h1/windows/1/finish", headers=caller1)
    figures = client.get("/api/v1/halls/h1/me", headers=staff1).get_json()["figures"]
    assert (figures["called"], figures["served"]) == (1, 1)


def test_rating_after_a_keypad_finish_goes_to_the_staff_member(client, ctx, accts, kiosk,
                                                                staff1, caller1):
    _sign_in(client, staff1)
    _issue(client, kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=caller1)
    ticket = client.post("/api/v1/halls/h1/windows/1/finish", headers=caller1).get_json()["ticket"]
    assert rate(client, accts.device("evaluator", window=1), ticket["id"],
                "satisfied").status_code == 201
    with ctx.db.read() as conn:
        rated_staff = conn.execute(select(evaluations.c.staff_user_id)).scalar_one()
    assert rated_staff == _user_id(client, ctx, staff1)


def test_manager_who_took_over_gets_the_keypads_calls(client, ctx, accts, kiosk, staff1,
                                                      caller1, manager):
    _sign_in(client, staff1)
    _sign_in(client, manager, take_over=True)
    _issue(client, kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=caller1)
    with ctx.db.read() as conn:
        staff_user_id = conn.execute(select(tickets.c.staff_user_id)).scalar_one()
    assert staff_user_id == _user_id(client, ctx, manager)


@pytest.mark.parametrize("action", ACTIONS)
def test_nobody_signed_in_is_409_not_signed_in(client, caller1, action):
    response = client.post(f"/api/v1/halls/h1/windows/1/{action}", json={"service": "B"},
                           headers=caller1)
    error = response.get_json()["error"]
    assert (response.status_code, error["code"], "窗口无人签到" in error["message"]) == (
        409, "not_signed_in", True)


def test_after_sign_out_the_keypad_stops(client, kiosk, staff1, caller1):
    _sign_in(client, staff1)
    client.post("/api/v1/halls/h1/windows/1/sign-out", headers=staff1)
    _issue(client, kiosk)
    response = client.post("/api/v1/halls/h1/windows/1/call-next", headers=caller1)
    assert response.get_json()["error"]["code"] == "not_signed_in"


def test_nothing_is_called_when_refused(client, ctx, kiosk, caller1):
    _issue(client, kiosk)
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=caller1)
    with ctx.db.read() as conn:
        assert conn.execute(select(tickets.c.status)).scalar_one() == "waiting"


def test_another_window_is_forbidden_even_with_someone_signed_in(client, accts, kiosk, caller1):
    _sign_in(client, accts.user("staff", windows=(2,)), window=2)
    _issue(client, kiosk)
    response = client.post("/api/v1/halls/h1/windows/2/call-next", headers=caller1)
    assert (response.status_code, response.get_json()["error"]["code"]) == (403, "forbidden")


def test_another_hall_is_forbidden(client, accts):
    caller_h2 = accts.device("caller", hall="h2", window=1)
    _sign_in(client, accts.user("staff", windows=(1,)))
    response = client.post("/api/v1/halls/h1/windows/1/call-next", headers=caller_h2)
    assert response.status_code == 403


def test_caller_token_never_expires(client, clock, kiosk, caller1, staff1):
    _sign_in(client, staff1)
    clock.advance(days=400)
    _issue(client, kiosk)
    assert client.post("/api/v1/halls/h1/windows/1/call-next", headers=caller1).status_code == 200


def test_revoked_caller_is_refused(client, ctx, caller1, staff1):
    _sign_in(client, staff1)
    with ctx.db.read() as conn:
        name = conn.execute(select(devices.c.name).where(devices.c.kind == "caller")).scalar_one()
    accounts.revoke_device(ctx, ctx.halls.get("h1").id, name)
    assert client.post("/api/v1/halls/h1/windows/1/pause", headers=caller1).status_code == 401


@pytest.mark.parametrize("path", ["sign-in", "sign-out"])
def test_caller_cannot_sign_in_or_out(client, caller1, staff1, path):
    _sign_in(client, staff1)
    assert client.post(f"/api/v1/halls/h1/windows/1/{path}", headers=caller1).status_code == 403


def test_caller_cannot_read_the_counter_page_state(client, caller1):
    assert client.get("/api/v1/halls/h1/windows/1/counter", headers=caller1).status_code == 403


def test_caller_device_needs_a_window(ctx):
    with pytest.raises(DomainError) as raised:
        accounts.add_device(ctx, "caller-x", "caller", ctx.halls.get("h1").id)
    assert raised.value.code == "invalid_request"


def test_caller_is_a_device_kind():
    assert "caller" in accounts.DEVICE_KINDS
