"""Issuing tickets (取号), the citizen's tracking view, and evaluations (好差评).

A number is never issued twice: the daily counter is bumped with one atomic upsert
(``INSERT … ON CONFLICT DO UPDATE … RETURNING``) inside the transaction that inserts the ticket,
and ``(service, day, seq)`` is unique besides. A quota is checked against the bumped value, so a
refused ticket rolls the counter back with it.
"""

import secrets

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from queue_server.domain import grades as grade_rules
from queue_server.domain.errors import DomainError, invalid_request
from queue_server.domain.hours import check_can_issue
from queue_server.domain.idnumber import id_number_hash, mask_id_number, validate_id_number
from queue_server.domain.numbering import format_ticket_number, local_day
from queue_server.domain.tickets import parse_priority
from queue_server.services import printing, queues
from queue_server.services.accounts import forbidden, require_ticket_issuer
from queue_server.services.context import Event
from queue_server.storage.models import (
    blacklist,
    daily_counters,
    evaluations,
    idempotency_keys,
    ticket_events,
    tickets,
)

MAX_IDEMPOTENCY_KEY = 200


# Statements of the hot path are built once: SQLAlchemy then reuses their compiled form and
# cache key instead of rebuilding an expression tree for every ticket.
def _counter_upsert(dialect):
    stmt = dialect.insert(daily_counters).values(
        service_id=bindparam("service_id"), local_date=bindparam("local_date"), value=1)
    return stmt.on_conflict_do_update(
        index_elements=[daily_counters.c.service_id, daily_counters.c.local_date],
        set_={"value": daily_counters.c.value + 1},
    ).returning(daily_counters.c.value)


_BUMP_COUNTER = {"sqlite": _counter_upsert(sqlite), "postgresql": _counter_upsert(postgresql)}
_INSERT_TICKET = insert(tickets).returning(tickets.c.id)
_INSERT_EVENT = insert(ticket_events)


def _bump_counter(conn, service_id: int, day) -> int:
    stmt = _BUMP_COUNTER[conn.dialect.name]
    return conn.execute(stmt, {"service_id": service_id, "local_date": day}).scalar_one()


def _replayed(conn, principal_key: str, key: str):
    return conn.execute(
        select(tickets).join(idempotency_keys, idempotency_keys.c.ticket_id == tickets.c.id)
        .where(idempotency_keys.c.principal == principal_key, idempotency_keys.c.key == key)
    ).mappings().first()


def _check_person(conn, hall, service, id_hash: str, now) -> None:
    banned = conn.execute(
        select(blacklist.c.reason).where(
            blacklist.c.id_hash == id_hash,
            (blacklist.c.hall_id == hall.id) | blacklist.c.hall_id.is_(None),
            blacklist.c.until.is_(None) | (blacklist.c.until > now),
        )
    ).first()
    if banned is not None:
        raise DomainError("blacklisted", "this person may not take tickets here", 403)
    active = conn.execute(
        select(tickets.c.number).where(
            tickets.c.service_id == service.id, tickets.c.id_hash == id_hash,
            tickets.c.status.in_(("waiting", "called")),
        )
    ).first()
    if active is not None:
        raise DomainError("already_waiting", "this person already holds a ticket for this "
                          "service", 409, number=active.number)


def _parse_issue(hall, body: dict):
    service = hall.service(body.get("service"))
    id_number = body.get("id_number")
    if id_number is not None and not isinstance(id_number, str):
        raise invalid_request("id_number must be a string")
    if service.requires_id and not id_number:
        raise DomainError("id_required", f"service {service.code} needs an ID number", 400)
    return service, id_number or None, parse_priority(body.get("priority"))


def issue_ticket(ctx, principal, hall_code: str, body: dict, idempotency_key: str | None = None):
    """Issue a ticket; returns ``(view, replayed)``."""
    hall = ctx.halls.get(hall_code)
    require_ticket_issuer(principal, hall.id)
    service, id_number, priority = _parse_issue(hall, body)
    if idempotency_key is not None and not 0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY:
        raise invalid_request("Idempotency-Key must be 1 to 200 characters")
    now = ctx.clock()
    id_hash = id_masked = None
    if id_number:
        id_number = validate_id_number(id_number, today=local_day(now, hall.timezone))
        id_hash, id_masked = id_number_hash(id_number, ctx.id_hash_key), mask_id_number(id_number)
    try:
        return _issue(ctx, principal, hall, service, now, priority, id_hash, id_masked,
                      idempotency_key)
    except IntegrityError:
        # A concurrent request with the same idempotency key or the same person won the race.
        with ctx.db.read() as conn:
            if idempotency_key and (row := _replayed(conn, principal.key, idempotency_key)):
                return _view(ctx, conn, hall, row), True
            if id_hash:
                _check_person(conn, hall, service, id_hash, now)
        raise


def _issue(ctx, principal, hall, service, now, priority, id_hash, id_masked, key):
    with ctx.db.write() as conn:
        if key is not None and (row := _replayed(conn, principal.key, key)):
            return _view(ctx, conn, hall, row), True
        day = local_day(now, hall.timezone)
        # After the replay check: a retried tap gets its ticket even past closing time.
        check_can_issue(service.hours, None, 0, now, hall.timezone)
        if id_hash:
            _check_person(conn, hall, service, id_hash, now)
        seq = _bump_counter(conn, service.id, day)
        check_can_issue((), service.daily_quota, seq - 1, now, hall.timezone)
        values = dict(
            hall_id=hall.id, service_id=service.id, original_service_id=service.id,
            number=format_ticket_number(service.code, seq), seq=seq, local_date=day,
            status="waiting", priority=priority, issued_at=now, queued_at=now, recall_count=0,
            id_hash=id_hash, id_masked=id_masked, track_token=secrets.token_urlsafe(16),
            device_id=principal.device_id, user_id=principal.user_id,
        )
        ticket_id = conn.execute(_INSERT_TICKET, values).scalar_one()
        row = dict(values, id=ticket_id, called_at=None, finished_at=None, window_id=None)
        job_id = printing.queue_job(conn, ticket_id, principal, now)  # a kiosk's ticket prints
        conn.execute(_INSERT_EVENT, dict(
            ticket_id=ticket_id, hall_id=hall.id, kind="issued", at=now, service_id=service.id,
            window_id=None, user_id=principal.user_id, device_id=principal.device_id,
            data={"priority": priority} if priority else None,
        ))
        if key is not None:
            conn.execute(insert(idempotency_keys).values(
                principal=principal.key, key=key, ticket_id=ticket_id, created_at=now))
        view = _view(ctx, conn, hall, row, newest=True)
    events = [Event("queue_changed", hall.code, {"service": service.code})]
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
        ahead = queues.waiting_ahead(conn, row, newest=newest)
        extra["waiting_ahead"] = ahead
        extra["estimated_wait_s"] = queues.estimate_for(
            ctx, conn, hall, service, ahead, queues.recent_open_window_ids(ctx, conn, hall))
    else:
        extra["waiting_ahead"] = 0
        extra["estimated_wait_s"] = 0
    return queues.ticket_view(hall, row, **extra)


def track(ctx, token: str) -> dict:
    """The citizen's phone view: nothing personal, only the queue position."""
    if not isinstance(token, str) or not 10 <= len(token) <= 64:
        raise DomainError("unknown_ticket", "no such ticket", 404)
    with ctx.db.read() as conn:
        row = conn.execute(select(tickets).where(tickets.c.track_token == token)).mappings().first()
    if row is None:
        raise DomainError("unknown_ticket", "no such ticket", 404)
    hall = ctx.halls.by_id(row["hall_id"])
    with ctx.db.read() as conn:
        view = _view(ctx, conn, hall, row)
    keep = ("number", "service", "service_name", "status", "waiting_ahead", "estimated_wait_s",
            "window", "window_name", "issued_at", "called_at")
    service = hall.service_by_id(row["service_id"])
    return dict({k: view[k] for k in keep}, service_name_en=service.name_en or "",
                hall=hall.code, hall_name=hall.name)


# How the citizen rated at the window: the evaluator tablet's screen or its keypad.
EVALUATION_CHANNELS = ("evaluator", "keypad")


def evaluate(ctx, principal, ticket_id: int, body: dict) -> dict:
    """Record the citizen's rating of a finished ticket, from the evaluator at its window."""
    grade = grade_rules.parse_grade(body.get("grade"))
    comment = body.get("comment")
    if comment is not None and (not isinstance(comment, str) or len(comment) > 500):
        raise invalid_request("comment must be a string of at most 500 characters")
    channel = body.get("channel", "evaluator")
    if channel not in EVALUATION_CHANNELS:
        raise invalid_request(f"channel must be one of: {', '.join(EVALUATION_CHANNELS)}")
    if principal is None:
        from queue_server.services.accounts import unauthenticated

        raise unauthenticated()
    try:
        row, evaluation_id = _save_evaluation(ctx, principal, ticket_id, grade, comment,
                                               channel)
    except IntegrityError:  # a concurrent rating of the same ticket won
        raise DomainError("already_evaluated", "this ticket has been rated already", 409)
    hall = ctx.halls.by_id(row["hall_id"])
    return {"id": evaluation_id, "ticket": row["number"], "grade": grade,
            "bad": grade_rules.is_bad(grade), "created_at": queues.local_iso(ctx.clock(), hall)}


def _save_evaluation(ctx, principal, ticket_id, grade, comment, channel):
    now = ctx.clock()
    with ctx.db.write() as conn:
        row = conn.execute(select(tickets).where(tickets.c.id == ticket_id)).mappings().first()
        if row is None:
            raise DomainError("unknown_ticket", "no such ticket", 404)
        if not (principal.is_device("evaluator") and principal.hall_id == row["hall_id"]
                and row["window_id"] in principal.window_ids):
            raise forbidden("only the evaluator of the window that served this ticket may rate it")
        if row["status"] != "done":
            raise DomainError("ticket_not_finished", "only a finished ticket can be rated", 409)
        if conn.execute(select(func.count()).select_from(evaluations)
                        .where(evaluations.c.ticket_id == ticket_id)).scalar_one():
            raise DomainError("already_evaluated", "this ticket has been rated already", 409)
        evaluation_id = conn.execute(insert(evaluations).values(
            ticket_id=ticket_id, hall_id=row["hall_id"], service_id=row["service_id"],
            window_id=row["window_id"], staff_user_id=row["staff_user_id"],
            device_id=principal.device_id, channel=channel, grade=grade, comment=comment,
            created_at=now,
        ).returning(evaluations.c.id)).scalar_one()
        conn.execute(insert(ticket_events).values(
            ticket_id=ticket_id, hall_id=row["hall_id"], kind="evaluated", at=now,
            service_id=row["service_id"], window_id=row["window_id"],
            device_id=principal.device_id, data={"grade": grade},
        ))
    return row, evaluation_id
