"""The booking path's SQL statements, counted (issue 13: booking latency). A count does not
wander with the machine's load as a timing does."""

from tests.bookings.test_bookings_api import URL, book
from tests.bookings.test_checkin import TUESDAY_0820, check_in
from tests.sqlcount import counting

# BEGIN (IMMEDIATE on SQLite), the person's 爽约 and active bookings in one read, the day's
# reserved share and the slot's place (one upsert each), the booking.
BOOK_MAX = 5


def test_a_booking_sends_one_read_and_its_writes(client, booking_ctx):
    assert book(client, 1).status_code == 201
    with counting(booking_ctx.db.engine) as sent:
        assert book(client, 2).status_code == 201
    assert len(sent) <= BOOK_MAX, sent.summary()
    assert sum(s.lstrip().upper().startswith("SELECT") for s in sent) == 1, sent.summary()


def test_a_refused_booking_takes_no_place(client, booking_ctx):
    """Blocked or already booked is found by the read, before any place is taken."""
    assert book(client, 1).status_code == 201
    with counting(booking_ctx.db.engine) as sent:
        again = book(client, 1, slot="10:00")
    assert again.get_json()["error"]["code"] == "already_booked"
    assert not any("booking_places" in s for s in sent), sent.summary()
    left = client.get(f"{URL}/booking/slots?service=D").get_json()["days"][0]["slots"]
    assert next(s for s in left if s["start"] == "10:00")["places_left"] == 4


def test_the_counters_next_numbers_read_no_ticket_per_booked_one(
        client, booking_ctx, kiosk, accts, clock):
    """Booked tickets behind five walk-ins are not among the queue heads read; their rows come
    whole from the booked tickets' read, not from one more read each."""
    codes = [book(client, n, slot="09:00").get_json()["code"] for n in (1, 2, 3)]
    clock.now = TUESDAY_0820.replace(minute=35)
    for _ in range(5):
        client.post(f"{URL}/tickets", json={"service": "D"}, headers=kiosk)
    clock.now = TUESDAY_0820.replace(minute=45)
    for code in codes:
        assert check_in(client, kiosk, code=code).status_code == 201
    clock.now = TUESDAY_0820.replace(hour=1, minute=1)  # 09:01: the slot has begun
    staff3 = accts.user("staff", windows=(3,))
    url = f"{URL}/windows/3/counter"
    client.get(url, headers=staff3)
    with counting(booking_ctx.db.engine) as sent:
        state = client.get(url, headers=staff3).get_json()
    assert [t["booked"] for t in state["upcoming"]] == [True] * 3 + [False] * 2
    one_ticket = ("WHERE tickets.id = ?", "WHERE tickets.id = %(b_ticket)s")
    assert not [s for s in sent if " ".join(s.split()).endswith(one_ticket)], sent.summary()
