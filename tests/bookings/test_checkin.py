"""Checking a booking in at the kiosk, and the 爽约 rule (issue 13, item 5)."""

from datetime import datetime, timezone

from queue_server.services import card_reads, day_end
from tests.bookings.conftest import person
from tests.bookings.test_bookings_api import URL, book

TUESDAY_0820 = datetime(2026, 3, 3, 0, 20, tzinfo=timezone.utc)  # 08:20 in Shanghai


def check_in(client, kiosk, **body):
    return client.post(f"{URL}/bookings/check-in", json=body, headers=kiosk)


def test_check_in_by_code_gives_a_booked_ticket_with_its_own_prefix(
        client, booking_ctx, kiosk, clock):
    code = book(client, slot="09:00").get_json()["code"]
    clock.now = TUESDAY_0820
    early = check_in(client, kiosk, code=code)
    assert early.status_code == 409
    assert early.get_json()["error"]["code"] == "too_early"
    assert early.get_json()["error"]["details"]["come_back_at"] == "08:30"
    clock.advance(minutes=15)
    ticket = check_in(client, kiosk, code=code.lower())
    assert ticket.status_code == 201, ticket.get_json()
    body = ticket.get_json()
    assert body["number"] == "Y001" and body["booked"] is True and body["booking"] == code
    again = check_in(client, kiosk, code=code)
    assert again.get_json()["error"]["code"] == "booking_not_active"


def test_late_check_in_is_offered_an_ordinary_ticket(client, booking_ctx, kiosk, clock):
    code = book(client, slot="08:30").get_json()["code"]
    clock.now = TUESDAY_0820.replace(minute=46)  # 08:46, the slot began at 08:30
    late = check_in(client, kiosk, code=code)
    assert late.status_code == 409
    assert late.get_json()["error"]["code"] == "booking_late"
    assert late.get_json()["error"]["details"]["offer"] == "ticket"


def test_check_in_by_swiped_card(client, booking_ctx, kiosk, accts, clock):
    book(client, 5, slot="09:00")
    clock.now = TUESDAY_0820.replace(minute=40)
    with booking_ctx.db.read() as conn:
        kiosk_id = conn.exec_driver_sql("SELECT id FROM devices WHERE kind = 'kiosk'").scalar()
    ref = card_reads.keep_swipe(booking_ctx, kiosk_id, person(5))["ref"]
    ticket = check_in(client, kiosk, card_ref=ref)
    assert ticket.status_code == 201 and ticket.get_json()["booked"] is True
    none = check_in(client, kiosk, card_ref=card_reads.keep_swipe(
        booking_ctx, kiosk_id, person(6))["ref"])
    assert none.status_code == 404 and none.get_json()["error"]["code"] == "unknown_booking"


def test_check_in_is_for_kiosks_and_staff(client, booking_ctx):
    response = client.post(f"{URL}/bookings/check-in", json={"code": "ABCDEFGH"})
    assert response.status_code == 401


def test_three_missed_bookings_block_booking(client, booking_ctx, clock):
    for day in ("2026-03-03", "2026-03-04", "2026-03-05"):
        assert book(client, 9, day=day).status_code == 201
    clock.now = datetime(2026, 3, 5, 20, 0, tzinfo=timezone.utc)  # Friday 04:00 in Shanghai
    day_end.expire_stale(booking_ctx)
    refused = book(client, 9, day="2026-03-09")
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "booking_blocked" and error["details"]["until"] == "2026-04-04"
    assert book(client, 10, day="2026-03-09").status_code == 201


def test_a_checked_in_booking_is_called_ahead_of_walk_ins_once_its_slot_began(
        client, booking_ctx, kiosk, accts, clock):
    code = book(client, slot="09:00").get_json()["code"]
    clock.now = TUESDAY_0820.replace(minute=35)  # the hall opens at 08:30
    staff3 = accts.user("staff", windows=(3,))
    walk_ins = [client.post(f"{URL}/tickets", json={"service": "D"}, headers=kiosk)
                .get_json()["number"] for _ in range(3)]  # before the check-in
    clock.now = TUESDAY_0820.replace(minute=45)
    booked = check_in(client, kiosk, code=code).get_json()["number"]
    first = client.post(f"{URL}/windows/3/call-next", headers=staff3).get_json()
    assert first["ticket"]["number"] == walk_ins[0]  # 08:45: the slot has not begun
    client.post(f"{URL}/windows/3/finish", headers=staff3)
    clock.now = TUESDAY_0820.replace(hour=1, minute=1)  # 09:01
    second = client.post(f"{URL}/windows/3/call-next", headers=staff3).get_json()
    assert second["ticket"]["number"] == booked


def test_bookings_are_deleted_after_their_retention(client, booking_ctx, clock):
    from queue_server.services import privacy

    code = book(client).get_json()["code"]
    clock.now = datetime(2026, 6, 1, 2, 0, tzinfo=timezone.utc)  # 90 days after 2026-03-03
    assert privacy.purge_bookings(booking_ctx) == 0
    clock.now = datetime(2026, 6, 2, 2, 0, tzinfo=timezone.utc)
    assert privacy.purge_bookings(booking_ctx) == 1
    gone = client.post(f"{URL}/bookings/{code}/lookup", json={"id_last4": person(1)[-4:]})
    assert gone.status_code == 404


def test_managers_see_bookings_per_slot_and_the_no_show_rate(
        client, booking_ctx, kiosk, accts, clock):
    first = book(client, 1, slot="09:00").get_json()["code"]
    book(client, 2, slot="09:00")
    third = book(client, 3, slot="10:00").get_json()["code"]
    client.post(f"{URL}/bookings/{first}/cancel", json={"id_last4": person(1)[-4:]})
    clock.now = TUESDAY_0820.replace(hour=1, minute=50)  # 09:50: 10:00 can check in
    assert check_in(client, kiosk, code=third).status_code == 201
    manager = accts.user("manager")
    view = client.get(f"{URL}/bookings?day=2026-03-03", headers=manager).get_json()
    assert view["slots"] == [
        {"service": "D", "slot": "09:00", "booked": 1, "checked_in": 0, "cancelled": 1,
         "missed": 0},
        {"service": "D", "slot": "10:00", "booked": 0, "checked_in": 1, "cancelled": 0,
         "missed": 0}]
    assert view["no_show_rate"] == 0.0
    clock.now = datetime(2026, 3, 3, 16, 30, tzinfo=timezone.utc)  # Wednesday 00:30
    day_end.expire_stale(booking_ctx)
    manager = accts.user("manager")  # a fresh token the next day
    view = client.get(f"{URL}/bookings?day=2026-03-03", headers=manager).get_json()
    assert view["no_show_rate"] == 0.5 and view["slots"][0]["missed"] == 1
    assert client.get(f"{URL}/bookings?day=soon", headers=manager).status_code == 400
    assert client.get(f"{URL}/bookings", headers=kiosk).status_code == 403


def test_the_counters_next_numbers_put_a_begun_booking_first_as_call_next_does(
        client, booking_ctx, kiosk, accts, clock):
    """即将呼叫 on the counter is the order call-next will take: a checked-in booking whose slot
    has begun heads it, though it was issued after the walk-ins."""
    code = book(client, slot="09:00").get_json()["code"]
    clock.now = TUESDAY_0820.replace(minute=35)
    staff3 = accts.user("staff", windows=(3,))
    walk_ins = [client.post(f"{URL}/tickets", json={"service": "D"}, headers=kiosk)
                .get_json()["number"] for _ in range(5)]
    clock.now = TUESDAY_0820.replace(minute=45)
    booked = check_in(client, kiosk, code=code).get_json()["number"]

    def upcoming():
        state = client.get(f"{URL}/windows/3/counter", headers=staff3).get_json()
        return [t["number"] for t in state["upcoming"]]

    before = upcoming()
    clock.now = TUESDAY_0820.replace(hour=1, minute=1)  # 09:01: the slot has begun
    begun = upcoming()
    called = client.post(f"{URL}/windows/3/call-next", headers=staff3).get_json()
    assert (before, begun, called["ticket"]["number"]) == (
        walk_ins, [booked] + walk_ins[:4], booked)
