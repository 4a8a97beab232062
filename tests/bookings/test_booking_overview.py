"""The dashboard's bookings tab (issue 13): bookings per day, service and slot by state, the
no-show rate, the share of booked tickets, waits after check-in, and the CSV/Excel export."""

import io

from openpyxl import load_workbook

from tests.bookings.test_bookings_api import URL, book
from tests.bookings.test_checkin import TUESDAY_0820, check_in


def test_the_overview_counts_bookings_share_and_waits_and_exports_them(
        client, booking_ctx, kiosk, accts, clock):
    codes = [book(client, n, slot="09:00").get_json()["code"] for n in (1, 2)]
    book(client, 3, day="2026-03-04", slot="14:00")
    clock.now = TUESDAY_0820.replace(minute=45)
    client.post(f"{URL}/tickets", json={"service": "D"}, headers=kiosk)
    check_in(client, kiosk, code=codes[0])
    clock.now = TUESDAY_0820.replace(hour=1, minute=6)  # 09:06: 6 min after the slot began
    staff3 = accts.user("staff", windows=(3,))
    client.post(f"{URL}/windows/3/call-next", headers=staff3)
    manager = accts.user("manager")
    assert client.get(f"{URL}/bookings/overview", headers=staff3).status_code == 403
    view = client.get(f"{URL}/bookings/overview", headers=manager).get_json()
    assert view["days"][:2] == ["2026-03-03", "2026-03-04"]
    assert [(s["day"], s["slot"], s["booked"], s["checked_in"]) for s in view["slots"]] == [
        ("2026-03-03", "09:00", 1, 1), ("2026-03-04", "14:00", 1, 0)]
    figures = view["figures"]
    assert (figures["booked_share"], figures["avg_wait_s"], figures["waiting_now"]) == \
        (0.5, 360, 0)
    csv = client.get(f"{URL}/bookings/overview.csv", headers=manager)
    assert csv.status_code == 200 and "2026-03-04,D" in csv.get_data(as_text=True)
    xlsx = client.get(f"{URL}/bookings/overview.xlsx", headers=manager)
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    assert [c.value for c in sheet[3]][:4] == ["2026-03-03", "D", "出入境", "09:00"]
