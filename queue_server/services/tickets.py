"""Issuing tickets (取号), the citizen's tracking view, and evaluations (好差评).

A number is never issued twice: the daily counter is bumped with one atomic upsert
(``INSERT … ON CONFLICT DO UPDATE … RETURNING``) inside the transaction that inserts the ticket,
and ``(service, day, seq)`` is unique besides. A quota is checked against the bumped value, so a
refused ticket rolls the counter back with it.
"""

import secrets
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from queue_server.domain import grades as grade_rules
from queue_server.domain.commands import EvaluateTicket, IssueTicket
from queue_server.domain.errors import DomainError, invalid_request
from queue_server.domain.hours import check_open, check_quota
from queue_server.domain.idnumber import id_number_hash, validate_id_number
from queue_server.domain.numbering import format_ticket_number, local_day
from queue_server.services import (bookings, card_reads, day_end, estimates, issue_guard,
                                  printing, queues)
from queue_server.services.accounts import forbidden, require_ticket_issuer
from queue_server.services.context import Event
from queue_server.storage import evaluations as stored_evaluations
from queue_server.storage import tickets as stored

MAX_IDEMPOTENCY_KEY = 200


def _check_person(conn, hall, service, id_hash: str, now, day,
                  reveal: bool = False) -> list[int]:
    """Refuse a blacklisted person or one already holding ``day``'s ticket for ``service``;
    returns the ids of the person's tickets for it still active from an earlier day."""
    if stored.ban_reason(conn, id_hash, hall.id, now) is not None:
        raise DomainError("blacklisted", "this person may not take tickets here")
    active = stored.active_of_person(conn, service.id, id_hash)
    for row in active:
        if row.local_date >= day:
            # The holder's number only to a swiped card: a typed number proves nothing, and
            # must not tell a stranger whether someone is in the hall and which ticket they hold.
            details = {"number": row.number} if reveal else {}
            raise DomainError("already_waiting", "this person already holds a ticket for this "
                              "service", **details)
    # What is left is from an earlier day: the caller expires it (no sweep may have run yet).
    return [row.id for row in active]


def _parse_issue(hall, command: IssueTicket):
    service = hall.service(command.service)
    id_number, card_ref = command.id_number, command.card_ref
    if service.id_card_only and id_number:
        raise DomainError("card_required", f"service {service.code} takes only a swiped ID "
                          "card")
    if service.requires_id and not id_number and not card_ref:
        raise DomainError("id_required", f"service {service.code} needs an ID number")
    priority = command.priority
    if priority and not hall.options.get("allow_priority", False):
        raise DomainError("priority_not_offered", "this hall offers no priority (绿色通道) "
                          "tickets")
    return service, id_number or None, card_ref, priority


def _id_hash(ctx, principal, id_number, card_ref, day) -> str | None:
    if card_ref is not None:
        return card_reads.redeem(ctx, principal, card_ref)
    if id_number:
        id_number = validate_id_number(id_number, today=day)
        return id_number_hash(id_number, ctx.id_hash_key)
    return None


def issue_ticket(ctx, principal, hall_code: str, command: IssueTicket,
                 idempotency_key: str | None = None):
    """Issue a ticket; returns ``(view, replayed)``."""
    hall = ctx.halls.get(hall_code)
    require_ticket_issuer(principal, hall.id)
    service, id_number, card_ref, priority = _parse_issue(hall, command)
    if idempotency_key is not None and not 0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY:
        raise invalid_request("Idempotency-Key must be 1 to 200 characters")
    now = ctx.clock()
    day = local_day(now, hall.timezone)  # the hall's day, once for the whole issue
    id_hash = _id_hash(ctx, principal, id_number, card_ref, day)
    reveal = card_ref is not None
    try:
        return _issue(ctx, principal, hall, service, now, day, priority, id_hash,
                      idempotency_key, reveal)
    except issue_guard.RealNameBurst as burst:
        raise issue_guard.refuse_burst(ctx, principal, hall, burst) from None
    except IntegrityError:
        # A concurrent request with the same idempotency key or the same person won the race.
        with ctx.db.read() as conn:
            if idempotency_key and (row := stored.replayed(conn, principal.key, idempotency_key)):
                return _view(ctx, conn, hall, row), True
            if id_hash:
                _check_person(conn, hall, service, id_hash, now, day, reveal)
        raise


def _issue(ctx, principal, hall, service, now, day, priority, id_hash, key, reveal=False):
    with ctx.db.write() as conn:
        if key is not None and (row := stored.replayed(conn, principal.key, key)):
            return _view(ctx, conn, hall, row), True
        # After the replay check: a retried tap gets its ticket even past closing time.
        check_open(service.hours, now, hall.timezone)
        stale = None
        if id_hash:
            stale = _check_person(conn, hall, service, id_hash, now, day, reveal)
            issue_guard.check_real_name_rate(ctx, conn, principal, hall, now)
        expired = day_end.expire_tickets(conn, hall, stale, now) if stale else []
        seq = stored.bump_counter(conn, service.id, day)
        quota, issued = bookings.walkin_quota(conn, hall, service, day, seq)  # 预约 share
        check_quota(quota, issued)
        values = dict(
            hall_id=hall.id, service_id=service.id, original_service_id=service.id,
            number=format_ticket_number(service.code, seq), seq=seq, local_date=day,
            status="waiting", priority=priority, issued_at=now, queued_at=now, recall_count=0,
            id_hash=id_hash, track_token=secrets.token_urlsafe(16),
            device_id=principal.device_id, user_id=principal.user_id,
        )
        ticket_id = stored.insert_ticket(conn, values)
        row = dict(values, id=ticket_id, called_at=None, finished_at=None, window_id=None)
        job_id = printing.queue_job(conn, ticket_id, principal, now)  # a kiosk's ticket prints
        stored.add_event(conn, dict(
            ticket_id=ticket_id, hall_id=hall.id, kind="issued", at=now, service_id=service.id,
            window_id=None, user_id=principal.user_id, device_id=principal.device_id,
            data={"priority": priority} if priority else None,
        ))
        if key is not None:
            stored.remember_key(conn, principal.key, key, ticket_id, now)
        view = _view(ctx, conn, hall, row, newest=True)
    events = expired + [Event("queue_changed", hall.code, {"service": service.code})]
    if job_id is not None:
        events.append(Event("print_ticket", hall.code, {
            "device": principal.device_id,
            "job": printing.payload_from_view(ctx, hall, job_id, view)}))
    ctx.publish(events)
    return view, False


def _view(ctx, conn, hall, row, newest: bool = False) -> dict:
    extra = {"track_token": row["track_token"]}
    if row["status"] == "waiting":
        service = hall.service_by_id(row["service_id"])
        ahead = queues.waiting_ahead(conn, row, hall, ctx.clock(), newest=newest)
        extra["waiting_ahead"] = ahead
        if newest:
            # A walk-in's count of those ahead is the naive formula's too (one count).
            walk_in = not row["priority"] and not row.get("booked")
            extra["estimated_wait_s"] = estimates.new_ticket_wait_s(
                ctx, conn, hall, service, row["priority"], ticket_id=row["id"],
                ahead=ahead if walk_in else None)
        else:
            extra["estimated_wait_s"] = estimates.ticket_wait_s(ctx, conn, hall, row)
    else:
        extra["waiting_ahead"] = 0
        extra["estimated_wait_s"] = 0
    return queues.ticket_view(hall, row, **extra)


def track(ctx, token: str) -> dict:
    """The citizen's phone view: nothing personal, only the queue position."""
    if not isinstance(token, str) or not 10 <= len(token) <= 64:
        raise DomainError("unknown_ticket", "no such ticket")
    with ctx.db.read() as conn:
        row = stored.by_track_token(conn, token)
    if row is None:
        raise DomainError("unknown_ticket", "no such ticket")
    hall = ctx.halls.by_id(row["hall_id"])
    with ctx.db.read() as conn:
        view = _view(ctx, conn, hall, row)
    keep = ("number", "service", "service_name", "status", "waiting_ahead", "estimated_wait_s",
            "window", "window_name", "issued_at", "called_at", "requeued_count")
    service = hall.service_by_id(row["service_id"])
    return dict({k: view[k] for k in keep}, service_name_en=service.name_en or "",
                hall=hall.code, hall_name=hall.name)


def evaluate(ctx, principal, ticket_id: int, command: EvaluateTicket) -> dict:
    """Record the citizen's rating of a finished ticket, from the evaluator at its window."""
    if principal is None:  # the caller first, the body after: outsiders learn nothing
        from queue_server.services.accounts import unauthenticated

        raise unauthenticated()
    if not principal.is_device("evaluator"):
        raise forbidden("only the evaluator of the window that served this ticket may rate it")
    grade, comment, channel = command.grade, command.comment, command.channel
    try:
        row, evaluation_id = _save_evaluation(ctx, principal, ticket_id, grade, comment,
                                               channel)
    except IntegrityError:  # a concurrent rating of the same ticket won
        raise DomainError("already_evaluated", "this ticket has been rated already")
    hall = ctx.halls.by_id(row["hall_id"])
    return {"id": evaluation_id, "ticket": row["number"], "grade": grade,
            "bad": grade_rules.is_bad(grade), "created_at": queues.local_iso(ctx.clock(), hall)}


def _check_latest_finished(ctx, conn, row, now) -> None:
    """An evaluator rates only its window's latest finished ticket, within
    ``evaluation_window_s`` of its finish: never an old unrated ticket of the window."""
    latest = stored.latest_finished_at_window(conn, row["hall_id"], row["window_id"],
                                              now - timedelta(days=1))
    too_late = (row["finished_at"] is None or (now - row["finished_at"]).total_seconds()
                > ctx.settings.evaluation_window_s)
    if latest != row["id"] or too_late:
        raise DomainError("evaluation_closed", "only the latest ticket finished at this window "
                          "can be rated, shortly after it was finished")


def _save_evaluation(ctx, principal, ticket_id, grade, comment, channel):
    now = ctx.clock()
    with ctx.db.write() as conn:
        row = stored.ticket(conn, ticket_id)
        if row is None:
            raise DomainError("unknown_ticket", "no such ticket")
        if not (principal.is_device("evaluator") and principal.hall_id == row["hall_id"]
                and row["window_id"] in principal.window_ids):
            raise forbidden("only the evaluator of the window that served this ticket may rate it")
        if row["status"] != "done":
            raise DomainError("ticket_not_finished", "only a finished ticket can be rated")
        _check_latest_finished(ctx, conn, row, now)
        if stored_evaluations.is_rated(conn, ticket_id):
            raise DomainError("already_evaluated", "this ticket has been rated already")
        evaluation_id = stored_evaluations.add(conn, dict(
            ticket_id=ticket_id, hall_id=row["hall_id"], service_id=row["service_id"],
            window_id=row["window_id"], staff_user_id=row["staff_user_id"],
            device_id=principal.device_id, channel=channel, grade=grade, comment=comment,
            created_at=now,
        ))
        stored.add_event(conn, dict(
            ticket_id=ticket_id, hall_id=row["hall_id"], kind="evaluated", at=now,
            service_id=row["service_id"], window_id=row["window_id"], user_id=None,
            device_id=principal.device_id, data={"grade": grade},
        ))
    return row, evaluation_id
