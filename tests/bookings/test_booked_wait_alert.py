"""预约超时等候 (issue 13): a booked citizen waiting past ``booking_max_wait_min`` (15) after the
later of the check-in and the slot's start raises an alert; being called clears it."""

from queue_server.services import supervisor
from tests.bookings.test_bookings_api import URL, book
from tests.bookings.test_checkin import TUESDAY_0820, check_in
from tests.supervision.conftest import open_alerts

KIND = "booked_wait_over_limit"


def test_a_booked_citizen_waiting_past_the_limit_raises_an_alert_cleared_by_the_call(
        client, booking_ctx, kiosk, accts, clock):
    code = book(client, slot="09:00").get_json()["code"]
    clock.now = TUESDAY_0820.replace(minute=40)  # checked in 08:40, the slot begins 09:00
    number = check_in(client, kiosk, code=code).get_json()["number"]
    clock.now = TUESDAY_0820.replace(hour=1, minute=5)  # 09:05: 25 min after the check-in
    assert open_alerts(booking_ctx, KIND) == []  # only 5 min after the slot began
    clock.now = TUESDAY_0820.replace(hour=1, minute=13)  # 09:13: 13 of 15 min
    assert open_alerts(booking_ctx, KIND) == [(KIND, "yellow")]
    clock.now = TUESDAY_0820.replace(hour=1, minute=16)
    supervisor.run_once(booking_ctx, clock.now)
    alerts = supervisor.hall_alerts(booking_ctx, booking_ctx.halls.get("h1"), active_only=True)
    booked = [a for a in alerts if a["kind"] == KIND]
    assert [(a["level"], a["data"]["number"]) for a in booked] == [("red", number)]
    staff3 = accts.user("staff", windows=(3,))
    client.post(f"{URL}/windows/3/call-next", headers=staff3)
    assert open_alerts(booking_ctx, KIND) == []
