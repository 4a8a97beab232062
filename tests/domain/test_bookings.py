"""Pure booking rules: slots, days, reserved share, check-in window, 爽约, config errors."""

from datetime import date, datetime, time, timedelta, timezone

import pytest

from queue_server.domain import bookings as b
from queue_server.domain.errors import DomainError
from queue_server.domain.hours import parse_hours
from queue_server.domain.workdays import WorkCalendar

HOURS = parse_hours(["08:30-12:00", "14:00-17:30"])


def test_slots_fit_inside_periods_and_skip_lunch():
    starts = b.slot_starts(HOURS, 45)
    assert starts[:2] == [time(8, 30), time(9, 15)]
    assert time(10, 45) in starts and time(11, 30) not in starts  # 11:30+45 passes 12:00
    assert time(14, 0) in starts and starts[-1] == time(16, 15)  # 17:00 would end at 17:45


def test_bookable_days_follow_the_hall_calendar():
    calendar = WorkCalendar(holidays=frozenset({date(2026, 3, 4)}),
                            extra_workdays=frozenset({date(2026, 3, 7)}))
    assert b.bookable_days(calendar, date(2026, 3, 2), 4) == [
        date(2026, 3, 3), date(2026, 3, 5), date(2026, 3, 6), date(2026, 3, 7)]


def test_walkins_and_bookings_share_the_quota():
    rules = b.parse_booking({"slot_min": 30, "places": 4, "days_ahead": 5, "reserved": 20},
                            "A", HOURS, 100)
    assert b.walkin_quota(100, rules) == 80
    assert b.walkin_quota(None, None) is None and b.walkin_quota(50, None) == 50


@pytest.mark.parametrize("spec, quota, words", [
    ("yes", None, "must be a mapping"),
    ({"slot_min": 30, "places": 4}, None, "'days_ahead'"),
    ({"slot_min": 2, "places": 4, "days_ahead": 1}, None, "'slot_min'"),
    ({"slot_min": 30, "places": 0, "days_ahead": 1}, None, "'places'"),
    ({"slot_min": 30, "places": 4, "days_ahead": 1, "reserved": 5}, None, "needs a 'daily_quota'"),
    ({"slot_min": 30, "places": 4, "days_ahead": 1}, 50, "'reserved' is needed"),
    ({"slot_min": 30, "places": 4, "days_ahead": 1, "reserved": 60}, 50, "from 1 to 50"),
    ({"slot_min": 30, "places": 4, "days_ahead": 1, "colour": 1}, None, "unknown booking key"),
    ({"slot_min": 240, "places": 4, "days_ahead": 1}, None, "no 240-minute slot fits"),
    ({"slot_min": 30, "places": 4, "days_ahead": 1, "prefix": "yy"}, None, "'prefix'"),
])
def test_bad_booking_config_is_explained(spec, quota, words):
    with pytest.raises(DomainError) as refused:
        b.parse_booking(spec, "hall h1 service A", HOURS, quota)
    assert refused.value.code == "invalid_request" and words in refused.value.message


def test_booking_needs_hours_and_can_be_disabled():
    with pytest.raises(DomainError, match="needs the service's 'hours'"):
        b.parse_booking({"slot_min": 30, "places": 4, "days_ahead": 1}, "A", (), None)
    assert b.parse_booking({"enabled": False}, "A", (), None) is None
    assert b.parse_booking(None, "A", HOURS, None) is None


def test_check_in_window_is_30_before_to_15_after_by_default():
    rules = b.BookingRules(30, 4, 5)
    start = datetime(2026, 3, 3, 1, 0, tzinfo=timezone.utc)
    assert b.check_in_window(start, start - timedelta(minutes=31), rules) == (
        "early", start - timedelta(minutes=30))
    assert b.check_in_window(start, start - timedelta(minutes=30), rules) == ("ok", None)
    assert b.check_in_window(start, start + timedelta(minutes=15), rules) == ("ok", None)
    assert b.check_in_window(start, start + timedelta(minutes=16), rules) == ("late", None)
    wide = b.BookingRules(30, 4, 5, checkin_before_min=60, checkin_after_min=0)
    assert b.check_in_window(start, start - timedelta(minutes=45), wide)[0] == "ok"
    assert b.check_in_window(start, start + timedelta(minutes=1), wide)[0] == "late"


def test_three_misses_in_thirty_days_block_for_thirty_days():
    rule = b.NoShowRule()
    misses = [date(2026, 3, 1), date(2026, 3, 10), date(2026, 3, 20)]
    assert b.blocked_until(misses, date(2026, 3, 21), rule) == date(2026, 4, 19)
    assert b.blocked_until(misses, date(2026, 4, 20), rule) is None
    assert b.blocked_until(misses[:2], date(2026, 3, 21), rule) is None
    spread = [date(2026, 1, 1), date(2026, 1, 20), date(2026, 2, 5)]  # 35 days apart
    assert b.blocked_until(spread, date(2026, 2, 6), rule) is None
    assert b.blocked_until(spread, date(2026, 2, 6), b.NoShowRule(2, 30, 10)) == date(2026, 2, 15)


def test_phone_is_checked_and_masked():
    assert b.mask_phone("138 1234 5678") == "138****5678"
    assert b.mask_phone("+8613812345678") == "138****5678"
    for bad in ("12812345678", "1381234567", None, "abc"):
        with pytest.raises(DomainError) as refused:
            b.mask_phone(bad)
        assert refused.value.code == "invalid_phone"


# ---- the calling order of booked tickets (domain/calling) ----------------------------------

from queue_server.domain.calling import Candidate, choose_next  # noqa: E402

NOW = datetime(2026, 3, 3, 1, 5, tzinfo=timezone.utc)
SLOT = datetime(2026, 3, 3, 1, 0, tzinfo=timezone.utc)


def _walk_in(ticket_id, minutes_ago, service=1, priority=False):
    return Candidate(ticket_id, service, priority, NOW - timedelta(minutes=minutes_ago))


def test_a_booked_ticket_whose_slot_began_goes_ahead_of_walk_ins():
    booked = Candidate(9, 1, False, NOW - timedelta(minutes=1), booked_from=SLOT)
    walk_ins = [_walk_in(1, 20), _walk_in(2, 10)]
    for policy in ("preference", "oldest_first"):
        assert choose_next([*walk_ins, booked], [1], {1: None}, NOW, policy).ticket_id == 9
    early = Candidate(9, 1, False, NOW - timedelta(minutes=1), booked_from=SLOT + timedelta(
        minutes=30))
    assert choose_next([*walk_ins, early], [1], {1: None}, NOW).ticket_id == 1


def test_booked_tickets_do_not_break_the_overdue_rule_or_priority():
    booked = Candidate(9, 1, False, NOW - timedelta(minutes=1), booked_from=SLOT)
    overdue = _walk_in(1, 40)
    assert choose_next([overdue, booked], [1], {1: 30 * 60}, NOW).ticket_id == 1
    assert choose_next([_walk_in(3, 2, priority=True), booked], [1], {1: None},
                       NOW).ticket_id == 3
    # Under "preference" a booking never jumps ahead of a service earlier in the order.
    assert choose_next([_walk_in(4, 1, service=2), booked], [2, 1], {}, NOW).ticket_id == 4
