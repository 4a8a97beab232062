"""Bookings under real concurrency, on SQLite and PostgreSQL: racing requests for a slot's
last places, and one person booking twice at once (issue 13).

200 threads here (the 1,000-request figure comes from bench/bench_bookings.py --race 1000)."""

from collections import Counter

from queue_server.domain.errors import DomainError
from queue_server.services import bookings
from queue_server.services.config_loader import load_config
from tests.bookings.conftest import booking_hall, person
from tests.storage.test_concurrency import run_threads

THREADS = 200


def _book(ctx, n: int, slot: str = "09:00") -> dict:
    return bookings.book(ctx, "h1", {"service": "D", "day": "2026-03-03", "slot": slot,
                                     "id_number": person(n), "phone": "13900001111"})


def _outcomes(results, errors) -> Counter:
    unexpected = [e for e in errors if not isinstance(e, DomainError)]
    assert unexpected == []
    return Counter(["booked" for r in results if r] + [e.code for e in errors])


def test_racing_requests_for_the_last_ten_places_book_exactly_ten(backend_ctx):
    load_config(backend_ctx, booking_hall(quota=None, places=20, days_ahead=2))
    backend_ctx.halls.invalidate()
    for n in range(10):
        _book(backend_ctx, n)
    results, errors = run_threads(THREADS, lambda i: _book(backend_ctx, 100 + i))
    assert _outcomes(results, errors) == {"booked": 10, "slot_full": THREADS - 10}
    slots = bookings.slots(backend_ctx, "h1", "D")["days"][0]["slots"]
    assert next(s for s in slots if s["start"] == "09:00")["places_left"] == 0


def test_racing_requests_never_pass_the_days_reserved_share(backend_ctx):
    load_config(backend_ctx, booking_hall(places=10, reserved=15))
    backend_ctx.halls.invalidate()
    slots = ["09:00", "09:30", "10:00"]
    results, errors = run_threads(60, lambda i: _book(backend_ctx, 300 + i, slots[i % 3]))
    assert _outcomes(results, errors) == {"booked": 15, "slot_full": 45}


def test_one_person_booking_twice_at_once_gets_one_booking(backend_ctx):
    load_config(backend_ctx, booking_hall())
    backend_ctx.halls.invalidate()
    slots = ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "14:00", "14:30"]
    results, errors = run_threads(8, lambda i: _book(backend_ctx, 7, slots[i]))
    assert _outcomes(results, errors) == {"booked": 1, "already_booked": 7}
