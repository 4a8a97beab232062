"""The booked mark (预约) of a checked-in ticket where it shows: the counter's next numbers and
current ticket, the call on the hall screen, the print job, the printed ticket, the evaluator's
request; the late refusal names the service to take an ordinary ticket of (issue 13)."""

from hardware.printer.layout import BOOKED_TEXT, ROLLS, TicketPrint, layout_text, layout_ticket
from queue_server.services import counter, floor, printing
from tests.bookings.test_bookings_api import URL, book
from tests.bookings.test_checkin import TUESDAY_0820, check_in


def _counter(client, staff):
    return client.get(f"{URL}/windows/3/counter", headers=staff).get_json()


def test_the_counter_lists_a_booked_ticket_ahead_once_its_slot_began_and_marks_it(
        client, booking_ctx, kiosk, accts, clock):
    code = book(client, slot="09:00").get_json()["code"]
    clock.now = TUESDAY_0820.replace(minute=35)
    staff3 = accts.user("staff", windows=(3,))
    walk_ins = [client.post(f"{URL}/tickets", json={"service": "D"}, headers=kiosk)
                .get_json()["number"] for _ in range(3)]
    clock.now = TUESDAY_0820.replace(minute=45)
    booked = check_in(client, kiosk, code=code).get_json()["number"]
    before = _counter(client, staff3)["upcoming"]
    assert [t["number"] for t in before] == walk_ins + [booked]  # 08:45: not begun
    assert [t["booked"] for t in before] == [False, False, False, True]
    clock.now = TUESDAY_0820.replace(hour=1, minute=1)  # 09:01: the slot has begun
    after = _counter(client, staff3)["upcoming"]
    assert after[0]["number"] == booked and after[0]["booked"] is True
    called = client.post(f"{URL}/windows/3/call-next", headers=staff3).get_json()["ticket"]
    assert (called["number"], called["booked"]) == (booked, True)
    assert _counter(client, staff3)["current"]["booked"] is True
    calls = floor.hall_snapshot(booking_ctx, "h1")["recent_calls"]
    assert [(c["number"], c["booked"]) for c in calls] == [(booked, True)]
    client.post(f"{URL}/windows/3/finish", headers=staff3)
    hall = booking_ctx.halls.get("h1")
    request = counter.evaluation_request(booking_ctx, hall, called["id"])
    assert request["booked"] is True


def test_the_print_job_and_the_printed_ticket_carry_the_mark(
        client, booking_ctx, kiosk, clock):
    code = book(client, slot="09:00").get_json()["code"]
    clock.now = TUESDAY_0820.replace(minute=45)
    walk_in = client.post(f"{URL}/tickets", json={"service": "D"}, headers=kiosk).get_json()
    ticket = check_in(client, kiosk, code=code).get_json()
    with booking_ctx.db.read() as conn:
        kiosk_id = conn.exec_driver_sql("SELECT id FROM devices WHERE kind = 'kiosk'").scalar()
    jobs = {job["number"]: job for job in printing.queued_jobs(booking_ctx, kiosk_id)}
    assert (jobs[ticket["number"]]["booked"], jobs[walk_in["number"]]["booked"]) == (True, False)
    printed = layout_text(layout_ticket(TicketPrint(
        "大厅", ticket["number"], "公积金", 0, "2026-03-03T08:45:00+08:00", booked=True),
        ROLLS["80mm"]), ROLLS["80mm"])
    plain = layout_text(layout_ticket(TicketPrint(
        "大厅", walk_in["number"], "公积金", 0, "2026-03-03T08:45:00+08:00"),
        ROLLS["80mm"]), ROLLS["80mm"])
    assert (BOOKED_TEXT in printed, BOOKED_TEXT in plain) == (True, False)


def test_a_late_check_in_names_the_service_of_the_ordinary_ticket(
        client, booking_ctx, kiosk, clock):
    code = book(client, slot="08:30").get_json()["code"]
    clock.now = TUESDAY_0820.replace(minute=46)
    details = check_in(client, kiosk, code=code).get_json()["error"]["details"]
    assert (details["offer"], details["service"]) == ("ticket", "D")
