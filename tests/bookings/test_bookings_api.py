"""The public booking API (预约取号): slots, book, look up, change, cancel, config safety."""

import pytest

from queue_server.domain.errors import DomainError
from queue_server.services.config_loader import load_config
from tests.bookings.conftest import booking_hall, person

URL = "/api/v1/halls/h1"


def book(client, n=1, day="2026-03-03", slot="09:00", service="D", phone="13812341234"):
    return client.post(f"{URL}/bookings", json={"service": service, "day": day, "slot": slot,
                                                 "id_number": person(n), "phone": phone})


def test_slots_follow_hours_lunch_gap_and_working_days(client, booking_ctx):
    body = client.get(f"{URL}/booking/slots?service=D").get_json()
    # Monday 2026-03-02: the next three working days, the weekend skipped.
    assert [d["day"] for d in body["days"]] == ["2026-03-03", "2026-03-04", "2026-03-05"]
    starts = [s["start"] for s in body["days"][0]["slots"]]
    assert starts[0] == "08:30" and "11:30" in starts and "12:00" not in starts
    assert "13:30" not in starts and "14:00" in starts and starts[-1] == "17:00"
    assert all(s["places_left"] == 4 for s in body["days"][0]["slots"])
    services = client.get(f"{URL}/booking/services").get_json()["services"]
    assert [s["code"] for s in services] == ["D"]


def test_book_masks_phone_and_takes_a_place(client, booking_ctx):
    response = book(client)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["phone"] == "138****1234" and len(body["code"]) == 8
    assert person(1) not in response.get_data(as_text=True)
    slots = client.get(f"{URL}/booking/slots?service=D").get_json()["days"][0]["slots"]
    assert next(s for s in slots if s["start"] == "09:00")["places_left"] == 3


@pytest.mark.parametrize("change, code, status", [
    ({"id_number": "110105198001010000"}, "invalid_id_number", 400),
    ({"phone": "12345"}, "invalid_phone", 400),
    ({"slot": "12:30"}, "unknown_slot", 404),
    ({"slot": "9:00"}, "unknown_slot", 404),
    ({"day": "2026-03-07"}, "day_not_bookable", 409),
    ({"day": "yesterday"}, "invalid_request", 400),
    ({"service": "A"}, "booking_not_offered", 409),
    ({"service": "Z"}, "unknown_service", 404),
    ({"service": 5}, "invalid_request", 400),
])
def test_bad_booking_requests_are_documented_errors(client, booking_ctx, change, code, status):
    body = {"service": "D", "day": "2026-03-03", "slot": "09:00", "id_number": person(1),
            "phone": "13812341234", **change}
    response = client.post(f"{URL}/bookings", json=body)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_one_active_booking_per_person_service_and_day(client, booking_ctx):
    assert book(client).status_code == 201
    again = book(client, slot="10:00")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_booked"
    assert book(client, day="2026-03-04").status_code == 201


def test_slot_full_and_day_reserved_share(client, booking_ctx):
    load_config(booking_ctx, booking_hall(places=2, reserved=3))
    assert book(client, 1).status_code == 201
    assert book(client, 2).status_code == 201
    full = book(client, 3)
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "slot_full"
    assert book(client, 3, slot="10:00").status_code == 201
    day_full = book(client, 4, slot="14:00")
    assert day_full.get_json()["error"]["code"] == "slot_full"
    slots = client.get(f"{URL}/booking/slots?service=D").get_json()["days"][0]["slots"]
    assert all(s["places_left"] == 0 for s in slots)


def test_cancel_and_change_need_code_and_last_four(client, booking_ctx):
    code = book(client).get_json()["code"]
    wrong = client.post(f"{URL}/bookings/{code}/cancel", json={"id_last4": "0000"})
    assert wrong.status_code == 404 and wrong.get_json()["error"]["code"] == "unknown_booking"
    last4 = person(1)[-4:]
    moved = client.post(f"{URL}/bookings/{code}/change",
                        json={"id_last4": last4, "day": "2026-03-04", "slot": "14:30"})
    assert moved.status_code == 200 and moved.get_json()["slot"] == "14:30"
    seen = client.post(f"{URL}/bookings/{code}/lookup", json={"id_last4": last4}).get_json()
    assert (seen["day"], seen["slot"], seen["state"]) == ("2026-03-04", "14:30", "booked")
    days = client.get(f"{URL}/booking/slots?service=D").get_json()["days"]
    assert next(s for s in days[0]["slots"] if s["start"] == "09:00")["places_left"] == 4
    assert next(s for s in days[1]["slots"] if s["start"] == "14:30")["places_left"] == 3
    gone = client.post(f"{URL}/bookings/{code}/cancel", json={"id_last4": last4})
    assert gone.status_code == 200 and gone.get_json()["state"] == "cancelled"
    again = client.post(f"{URL}/bookings/{code}/cancel", json={"id_last4": last4})
    assert again.get_json()["error"]["code"] == "booking_not_active"
    assert next(s for s in client.get(f"{URL}/booking/slots?service=D").get_json()["days"][1][
        "slots"] if s["start"] == "14:30")["places_left"] == 4
    assert book(client, day="2026-03-04").status_code == 201  # the person may book again


def test_config_change_dropping_bookings_is_refused_with_the_list(client, booking_ctx):
    code = book(client, slot="17:00").get_json()["code"]
    with pytest.raises(DomainError) as refused:
        load_config(booking_ctx, booking_hall(slot_min=60))  # 17:00 is no longer a slot start
    assert refused.value.code == "bookings_would_drop"
    assert code in refused.value.message and "138****1234" in refused.value.message
    with pytest.raises(DomainError):
        load_config(booking_ctx, booking_hall(enabled=False))
    load_config(booking_ctx, booking_hall(places=8))  # keeps every slot: accepted


def test_walk_ins_keep_out_of_the_reserved_share(client, booking_ctx, kiosk):
    load_config(booking_ctx, booking_hall(reserved=28))  # quota 30: 2 left to walk-ins
    for _ in range(2):
        assert client.post(f"{URL}/tickets", json={"service": "D"},
                           headers=kiosk).status_code == 201
    refused = client.post(f"{URL}/tickets", json={"service": "D"}, headers=kiosk)
    assert refused.get_json()["error"]["code"] == "quota_exhausted"


def test_booking_writes_are_rate_limited(app, client, booking_ctx):
    limited = [client.post(f"{URL}/bookings/NOCODE/lookup", json={"id_last4": "1234"})
               for _ in range(25)]
    assert limited[0].status_code == 404
    assert limited[-1].status_code == 429
