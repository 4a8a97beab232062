"""People ahead of a ticket and the counter's next numbers follow the real call order with
booked tickets (预约): begun bookings ahead of walk-ins, earliest slot first, priority tickets
and the overdue rule still first (issue 13)."""

from queue_server.services.config_loader import load_config
from tests.bookings.conftest import booking_hall
from tests.bookings.test_bookings_api import URL, book
from tests.bookings.test_checkin import TUESDAY_0820, check_in


def at(clock, hour, minute):
    """Set the clock to hour:minute in Shanghai on Tuesday 2026-03-03."""
    clock.now = TUESDAY_0820.replace(hour=hour - 8, minute=minute)


def walk_in(client, kiosk, **body):
    return client.post(f"{URL}/tickets", json={"service": "D", **body}, headers=kiosk).get_json()


def ahead(client, ticket) -> int:
    return client.get(f"/api/v1/track/{ticket['track_token']}").get_json()["waiting_ahead"]


def upcoming(client, staff) -> list[str]:
    state = client.get(f"{URL}/windows/3/counter", headers=staff).get_json()
    return [t["number"] for t in state["upcoming"]]


def call_all(client, staff, n) -> list[str]:
    called = []
    for _ in range(n):
        body = client.post(f"{URL}/windows/3/call-next", headers=staff).get_json()
        assert "ticket" in body, (called, body)
        called.append(body["ticket"]["number"])
        client.post(f"{URL}/windows/3/finish", headers=staff)
    return called


def two_bookings_out_of_slot_order(client, kiosk, clock):
    """B9 (slot 09:00) checks in at 08:36, before B8 (slot 08:30) at 08:44; walk-ins W1, W2
    at 08:35 and W3 at 08:44."""
    code9 = book(client, 1, slot="09:00").get_json()["code"]
    code8 = book(client, 2, slot="08:30").get_json()["code"]
    at(clock, 8, 35)
    w1, w2 = walk_in(client, kiosk), walk_in(client, kiosk)
    at(clock, 8, 36)
    b9 = check_in(client, kiosk, code=code9).get_json()
    at(clock, 8, 44)
    b8 = check_in(client, kiosk, code=code8).get_json()
    w3 = walk_in(client, kiosk)
    return w1, w2, b9, b8, w3


def test_people_ahead_of_booked_and_walk_in_tickets_is_their_place_in_the_call_order(
        client, booking_ctx, kiosk, accts, clock):
    w1, w2, b9, b8, w3 = two_bookings_out_of_slot_order(client, kiosk, clock)
    # At check-in: B9's slot has not begun (behind B8, whose slot began, and the older walk-ins);
    # B8's has, so nobody is ahead of it.
    assert (b9["waiting_ahead"], b8["waiting_ahead"], w3["waiting_ahead"]) == (2, 0, 4)
    assert [ahead(client, t) for t in (w1, w2, b9, b8, w3)] == [1, 2, 3, 0, 4]
    at(clock, 9, 1)  # both slots have begun: B8 (earlier slot), B9, then the walk-ins
    staff3 = accts.user("staff", windows=(3,))
    tickets = (b8, b9, w1, w2, w3)
    assert [ahead(client, t) for t in tickets] == [0, 1, 2, 3, 4]
    assert call_all(client, staff3, 5) == [t["number"] for t in tickets]


def test_priority_and_overdue_tickets_stay_ahead_of_begun_bookings(
        client, ctx, kiosk, accts, clock):
    config = booking_hall()
    config["halls"][0]["services"][3]["max_wait_min"] = 30
    load_config(ctx, config)
    w1, w2, b9, b8, w3 = two_bookings_out_of_slot_order(client, kiosk, clock)
    at(clock, 8, 50)
    p = walk_in(client, kiosk, priority="priority")
    assert p["waiting_ahead"] == 0
    at(clock, 9, 5)  # W1 and W2 (08:35) have waited 30 minutes: overdue, ahead of all
    staff3 = accts.user("staff", windows=(3,))
    order = (w1, w2, p, b8, b9, w3)
    assert [ahead(client, t) for t in order] == [0, 1, 2, 3, 4, 5]
    assert upcoming(client, staff3) == [t["number"] for t in order[:5]]
    assert call_all(client, staff3, 6) == [t["number"] for t in order]


def test_the_counters_next_numbers_list_every_booked_ticket_in_call_order(
        client, booking_ctx, kiosk, accts, clock):
    w1, w2, b9, b8, w3 = two_bookings_out_of_slot_order(client, kiosk, clock)
    staff3 = accts.user("staff", windows=(3,))
    assert upcoming(client, staff3) == [b8["number"], w1["number"], w2["number"],
                                        b9["number"], w3["number"]]
    at(clock, 9, 1)
    expected = [t["number"] for t in (b8, b9, w1, w2, w3)]
    assert upcoming(client, staff3) == expected
    assert call_all(client, staff3, 5) == expected
