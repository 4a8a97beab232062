"""Appointments (预约取号): the citizen lists slots, books, changes and cancels (issue 13).

Public: no sign-in. The person is the keyed hash of the ID number (validated like the kiosk
keypad's); cancelling and changing need the booking code and the number's last four
characters, checked against a keyed hash of the two. The places of a slot and the day's
reserved share (``domain/bookings``) are taken in the booking's transaction by conditional
updates (``storage/bookings``), so racing requests never overbook.
"""

import hashlib
import hmac
import secrets
from datetime import time, timedelta

from sqlalchemy.exc import IntegrityError

from queue_server.domain import bookings as rules_of
from queue_server.domain.calling import Candidate
from queue_server.domain.errors import DomainError, invalid_request, not_found
from queue_server.domain.hours import parse_hours
from queue_server.domain.idnumber import id_number_hash, normalize_id_number, validate_id_number
from queue_server.domain.numbering import local_day
from queue_server.domain.workdays import hall_calendar
from queue_server.storage import bookings as stored

CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 8


def service_rules(hall, service) -> rules_of.BookingRules:
    spec = (hall.options.get("booking") or {}).get(service.code)
    rules = rules_of.parse_booking(spec, f"service {service.code}", service.hours,
                                   service.daily_quota) if spec else None
    if rules is None:
        raise DomainError("booking_not_offered", f"service {service.code} takes no bookings")
    return rules


def _days(hall, rules, now) -> list:
    return rules_of.bookable_days(hall_calendar(hall.options), local_day(now, hall.timezone),
                                  rules.days_ahead)


def _places_left(rules, taken: dict, day, slot: str) -> int:
    left = rules.places - taken.get((day, slot), 0)
    if rules.reserved is not None:
        left = min(left, rules.reserved - taken.get((day, stored.DAY), 0))
    return max(left, 0)


def bookable_services(ctx, hall_code: str) -> list[dict]:
    hall = ctx.halls.get(hall_code)
    booking = hall.options.get("booking") or {}
    return [{"code": s.code, "name": s.name, "name_en": s.name_en or s.name}
            for s in hall.services if s.code in booking]


def slots(ctx, hall_code: str, service_code) -> dict:
    """The service's bookable days and slots with the places left."""
    hall = ctx.halls.get(hall_code)
    service = hall.service(service_code)
    rules = service_rules(hall, service)
    days = _days(hall, rules, ctx.clock())
    with ctx.db.read() as conn:
        taken = stored.taken_by_slot(conn, service.id, days)
    starts = [f"{t:%H:%M}" for t in rules_of.slot_starts(service.hours, rules.slot_min)]
    return {"service": service.code, "slot_min": rules.slot_min, "days": [
        {"day": day.isoformat(), "slots": [
            {"start": s, "places_left": _places_left(rules, taken, day, s)} for s in starts]}
        for day in days]}


def _text_field(body: dict, key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise invalid_request(f"{key} is required")
    return value


def _id_check(ctx, code: str, last4: str) -> str:
    message = f"{code}:{normalize_id_number(last4)}".encode()
    return hmac.new(ctx.id_hash_key, message, hashlib.sha256).hexdigest()


def _choice(hall, service, rules, body, now):
    day = rules_of.parse_day(body.get("day"), _days(hall, rules, now))
    start = rules_of.parse_slot(body.get("slot"), rules_of.slot_starts(service.hours,
                                                                      rules.slot_min))
    return day, f"{start:%H:%M}"


def _check_person(ctx, conn, hall, service, id_hash: str, day, now) -> None:
    """Refuse a person blocked by the 爽约 rule, or already booked for the service that day."""
    rule = rules_of.parse_no_show_rule(hall.options.get("booking_no_show"))
    today = local_day(now, hall.timezone)
    missed, active = stored.person_before_booking(
        conn, id_hash, today - timedelta(days=rule.days + rule.block_days), service.id, day)
    until = rules_of.blocked_until(missed, today, rule)
    if until is not None:
        raise DomainError("booking_blocked", "too many missed bookings (爽约); booking is "
                          f"possible again after {until.isoformat()}", until=until.isoformat())
    if active:
        raise _already_booked()


def _take(conn, service, rules, day, slot: str) -> None:
    if rules.reserved is not None and not stored.take_place(conn, service.id, day, stored.DAY,
                                                              rules.reserved):
        raise DomainError("slot_full", "no places are left for bookings that day")
    if not stored.take_place(conn, service.id, day, slot, rules.places):
        raise DomainError("slot_full", f"no places are left at {slot}")


def _give_back(conn, rules, row) -> None:
    stored.give_back_place(conn, row.service_id, row.local_date, row.slot_start)
    if rules is None or rules.reserved is not None:
        stored.give_back_place(conn, row.service_id, row.local_date, stored.DAY)


def book(ctx, hall_code: str, body: dict) -> dict:
    """Book a place; returns the booking with its code (shown once, with a QR code)."""
    hall = ctx.halls.get(hall_code)
    for key in ("day", "slot", "id_number", "phone"):  # the shape first, then the state
        _text_field(body, key)
    service = hall.service(body.get("service"))
    rules = service_rules(hall, service)
    now = ctx.clock()
    day, slot = _choice(hall, service, rules, body, now)
    number = validate_id_number(_text_field(body, "id_number"),
                                today=local_day(now, hall.timezone))
    phone = rules_of.mask_phone(body.get("phone"))
    id_hash = id_number_hash(number, ctx.id_hash_key)
    code = "".join(secrets.choice(CODE_CHARS) for _ in range(CODE_LENGTH))
    values = dict(hall_id=hall.id, service_id=service.id, local_date=day, slot_start=slot,
                  code=code, id_hash=id_hash, id_check=_id_check(ctx, code, number[-4:]),
                  phone_masked=phone, state="booked", created_at=now, changed_at=now)
    try:  # the write lock is held for three statements: one read, two writes
        with ctx.db.write() as conn:
            _check_person(ctx, conn, hall, service, id_hash, day, now)
            _take(conn, service, rules, day, slot)
            stored.insert_booking(conn, values)
    except IntegrityError:
        raise _already_booked() from None  # a racing request of the same person won
    return {"code": code, "hall": hall.code, "service": service.code, "day": day.isoformat(),
            "slot": slot, "phone": phone, "state": "booked"}


def _already_booked() -> DomainError:
    return DomainError("already_booked", "this person already has a booking for this service "
                       "that day")


def _own(ctx, conn, code, body: dict):
    """The booking of ``code`` when ``id_last4`` matches; one 404 for both failures."""
    last4 = body.get("id_last4")
    row = stored.by_code(conn, code) if isinstance(code, str) and len(code) <= 12 else None
    if (row is None or not isinstance(last4, str) or len(last4.strip()) != 4
            or not hmac.compare_digest(row.id_check, _id_check(ctx, code, last4.strip()))):
        raise not_found("unknown_booking", "no booking with that code and ID number")
    return row


def _view(hall, row) -> dict:
    return {"code": row.code, "hall": hall.code,
            "service": hall.service_by_id(row.service_id).code,
            "day": row.local_date.isoformat(), "slot": row.slot_start, "phone": row.phone_masked,
            "state": row.state}


def lookup(ctx, hall_code: str, code, body: dict) -> dict:
    hall = ctx.halls.get(hall_code)
    with ctx.db.read() as conn:
        return _view(hall, _own(ctx, conn, code, body))


def cancel(ctx, hall_code: str, code, body: dict) -> dict:
    hall = ctx.halls.get(hall_code)
    now = ctx.clock()
    with ctx.db.write() as conn:
        row = _own(ctx, conn, code, body)
        if row.hall_id != hall.id or not stored.set_state(conn, row.id, "cancelled", now):
            raise DomainError("booking_not_active", "the booking is no longer active")
        service = hall.service_by_id(row.service_id)
        try:
            rules = service_rules(hall, service)
        except DomainError:
            rules = None
        _give_back(conn, rules, row)
        return dict(_view(hall, row), state="cancelled")


def change(ctx, hall_code: str, code, body: dict) -> dict:
    """Move a booking to another day or slot of its service; the code stays."""
    hall = ctx.halls.get(hall_code)
    now = ctx.clock()
    try:
        with ctx.db.write() as conn:
            return _change(ctx, conn, hall, code, body, now)
    except IntegrityError:
        raise _already_booked() from None  # a racing booking of the same person that day


def _change(ctx, conn, hall, code, body, now) -> dict:
    row = _own(ctx, conn, code, body)
    service = hall.service_by_id(row.service_id)
    rules = service_rules(hall, service)
    day, slot = _choice(hall, service, rules, body, now)
    if row.hall_id != hall.id or row.state != "booked":
        raise DomainError("booking_not_active", "the booking is no longer active")
    if (day, slot) == (row.local_date, row.slot_start):
        return _view(hall, row)
    if day != row.local_date and stored.active_of_person(conn, service.id, row.id_hash, day):
        raise _already_booked()
    _give_back(conn, rules, row)
    _take(conn, service, rules, day, slot)
    stored.set_state(conn, row.id, "booked", now, local_date=day, slot_start=slot)
    return dict(_view(hall, row), day=day.isoformat(), slot=slot)


def check_config_keeps(conn, hall_id: int | None, hall: dict, today) -> None:
    """Refuse a hall configuration that would drop bookings still to come: their service no
    longer takes bookings, or their slot is no longer one of its slots. Lists them."""
    if hall_id is None:
        return
    booking = hall["options"].get("booking") or {}
    by_code = {s["code"]: s for s in hall["services"]}
    dropped = []
    for row in stored.upcoming_of_hall(conn, hall_id, today):
        entry, spec = by_code.get(row.service), booking.get(row.service)
        periods = parse_hours(list(entry["hours"] or ())) if entry else ()
        rules = rules_of.parse_booking(spec, row.service, periods, entry["daily_quota"]) \
            if spec and entry else None
        starts = [f"{t:%H:%M}" for t in rules_of.slot_starts(periods, rules.slot_min)] \
            if rules else []
        if row.slot_start not in starts:
            dropped.append(f"{row.service} {row.local_date.isoformat()} {row.slot_start} "
                           f"{row.code} ({row.phone_masked})")
    if dropped:
        raise DomainError("bookings_would_drop", f"hall {hall['code']}: the change would drop "
                          f"{len(dropped)} booking(s): " + "; ".join(dropped), bookings=dropped)


def walkin_quota(conn, hall, service, day, seq: int) -> tuple[int | None, int]:
    """The walk-ins' daily quota and the walk-in tickets issued before number ``seq``: the
    bookings' reserved share and the booked tickets are set aside, so the two never oversell
    the day's quota together."""
    spec = (hall.options.get("booking") or {}).get(service.code)
    if service.daily_quota is None or not spec:
        return service.daily_quota, seq - 1
    rules = rules_of.parse_booking(spec, service.code, service.hours, service.daily_quota)
    if rules is None or not rules.reserved:
        return service.daily_quota, seq - 1
    booked = stored.checked_in_count(conn, service.id, day)
    return rules_of.walkin_quota(service.daily_quota, rules), seq - 1 - booked


def mark_missed(ctx, hall, now) -> int:
    """Bookings of the hall's earlier days never checked in become ``missed`` (爽约)."""
    with ctx.db.write() as conn:
        return stored.expire_missed(conn, hall.id, local_day(now, hall.timezone), now)


def booked_candidates(conn, hall, window, day, skipped: set[int], limit: int = 1) -> list:
    """``(row, Candidate)`` of the oldest booked ticket (``limit`` of them) of each of the
    window's services that take bookings, with its slot start (``domain/calling`` calls it
    ahead once begun)."""
    booking = hall.options.get("booking") or {}
    service_ids = [s for s in window.service_ids
                   if hall.service_by_id(s).code in booking]
    if not service_ids:
        return []
    return [(r, Candidate(r.id, r.service_id, bool(r.priority), r.queued_at, False,
                          rules_of.slot_utc(day, time.fromisoformat(r.slot_start),
                                            hall.timezone)))
            for r in stored.booked_heads(conn, service_ids, day, skipped, limit)]
