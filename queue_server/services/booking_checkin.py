"""Checking a booking in at the kiosk (预约签到): by the booking code, or by a swiped ID card
(``card_ref``, as real-name tickets get the ID from the kiosk agent).

Inside the check-in window (``domain/bookings.check_in_window``) the booking becomes a waiting
ticket marked ``booked`` (numbered with the service's booking prefix when one is set), which
the calling order puts ahead of walk-ins once its slot has begun. Too early: ``too_early`` with
the time to come back. Too late: ``booking_late``, and the kiosk offers an ordinary ticket.
"""

import secrets
from datetime import time
from zoneinfo import ZoneInfo

from queue_server.domain import bookings as rules_of
from queue_server.domain.errors import DomainError, invalid_request, not_found
from queue_server.domain.numbering import format_ticket_number, local_day
from queue_server.services import card_reads, printing
from queue_server.services.accounts import require_ticket_issuer
from queue_server.services.bookings import service_rules
from queue_server.services.context import Event
from queue_server.services.tickets import _view as ticket_view
from queue_server.storage import bookings as stored
from queue_server.storage import tickets as stored_tickets


def check_in(ctx, principal, hall_code: str, body: dict) -> dict:
    hall = ctx.halls.get(hall_code)
    require_ticket_issuer(principal, hall.id)
    code, card_ref = body.get("code"), body.get("card_ref")
    if (code is None) == (card_ref is None):
        raise invalid_request("give the booking code or card_ref (one of them)")
    now = ctx.clock()
    today = local_day(now, hall.timezone)
    id_hash = card_reads.redeem(ctx, principal, card_ref) if card_ref is not None else None
    with ctx.db.read() as conn:
        rows = _candidates(conn, hall, code, id_hash, today)
    row, rules = _in_window(hall, rows, now)
    return _issue(ctx, principal, hall, row, rules, now)


def _candidates(conn, hall, code, id_hash, today) -> list:
    if id_hash is not None:
        rows = stored.booked_of_person(conn, hall.id, id_hash, today, today)
    else:
        if not isinstance(code, str) or len(code) > 12:
            raise invalid_request("code must be a booking code")
        row = stored.by_code(conn, code.strip().upper())
        rows = [row] if row is not None and row.hall_id == hall.id else []
        if rows and (row.state != "booked" or row.local_date != today):
            raise DomainError("booking_not_active", "the booking is not for today or was "
                              "already used or cancelled", day=row.local_date.isoformat())
    if not rows:
        raise not_found("unknown_booking", "no booking for today found")
    return rows


def _in_window(hall, rows, now):
    """The first of ``rows`` whose check-in window is open; else the refusal of the first."""
    refusal = None
    for row in rows:
        rules = service_rules(hall, hall.service_by_id(row.service_id))
        start = rules_of.slot_utc(row.local_date, _time(row.slot_start), hall.timezone)
        status, opens = rules_of.check_in_window(start, now, rules)
        if status == "ok":
            return row, rules
        service = hall.service_by_id(row.service_id).code
        if refusal is None and status == "early":
            local = opens.astimezone(ZoneInfo(hall.timezone))
            refusal = DomainError("too_early", f"check-in opens at {local:%H:%M}",
                                  come_back_at=f"{local:%H:%M}", slot=row.slot_start,
                                  service=service)
        elif refusal is None:
            refusal = DomainError("booking_late", "the booking's check-in time has passed; an "
                                  "ordinary ticket can be taken", offer="ticket",
                                  slot=row.slot_start, service=service)
    raise refusal


def _time(text: str) -> time:
    return time.fromisoformat(text)


def _issue(ctx, principal, hall, booking, rules, now) -> dict:
    service = hall.service_by_id(booking.service_id)
    with ctx.db.write() as conn:
        day = booking.local_date
        seq = stored_tickets.bump_counter(conn, service.id, day)
        values = dict(
            hall_id=hall.id, service_id=service.id, original_service_id=service.id,
            number=format_ticket_number(rules.prefix or service.code, seq), seq=seq,
            local_date=day, status="waiting", priority=False, issued_at=now, queued_at=now,
            recall_count=0, id_hash=booking.id_hash, track_token=secrets.token_urlsafe(16),
            device_id=principal.device_id, user_id=principal.user_id, booked=True)
        ticket_id = stored_tickets.insert_ticket(conn, values)
        if not stored.set_state(conn, booking.id, "checked_in", now, ticket_id=ticket_id):
            raise DomainError("booking_not_active", "the booking was used or cancelled")
        stored_tickets.add_event(conn, dict(
            ticket_id=ticket_id, hall_id=hall.id, kind="issued", at=now, service_id=service.id,
            window_id=None, user_id=principal.user_id, device_id=principal.device_id,
            data={"booking": booking.code, "slot": booking.slot_start}))
        job_id = printing.queue_job(conn, ticket_id, principal, now)
        row = dict(values, id=ticket_id, called_at=None, finished_at=None, window_id=None)
        view = ticket_view(ctx, conn, hall, row, newest=True)
    events = [Event("queue_changed", hall.code, {"service": service.code})]
    if job_id is not None:
        events.append(Event("print_ticket", hall.code, {
            "device": principal.device_id,
            "job": printing.payload_from_view(ctx, hall, job_id, view)}))
    ctx.publish(events)
    return dict(view, booking=booking.code, booked=True)
