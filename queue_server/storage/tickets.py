"""Queries of tickets, their event log, the daily counters and idempotency keys: the hot path.

Every function takes an open connection; the caller owns the transaction. The statements run
for every ticket issued or called are built once at import: SQLAlchemy then reuses their
compiled form and cache key instead of rebuilding an expression tree per request. Bind names
differ from column names, which SQLAlchemy reserves in SET clauses.

Counts and queue heads run on the ``ix_tickets_queue`` index (service, status, day, priority,
queued_at, id): an index range scan or seek, however long the day's history grows.
"""

from sqlalchemy import and_, bindparam, delete, false, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from queue_server.storage.models import (
    blacklist,
    daily_counters,
    halls,
    idempotency_keys,
    queue_lengths,
    ticket_events,
    tickets,
)
from queue_server.storage.types import Timestamp

ACTIVE = ("waiting", "called")


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
_SELECT_TICKET = select(tickets).where(tickets.c.id == bindparam("b_ticket"))
_WAITING = select(func.count()).select_from(tickets).where(
    tickets.c.service_id == bindparam("service_id"), tickets.c.status == "waiting",
    tickets.c.local_date == bindparam("day"))
_WAITING_PRIORITY = _WAITING.where(tickets.c.priority.is_(True))
_QUEUE_LENGTH = select(queue_lengths.c.waiting).where(
    queue_lengths.c.service_id == bindparam("service_id"),
    queue_lengths.c.local_date == bindparam("day"))


# ---- issuing -----------------------------------------------------------------------------

def bump_counter(conn, service_id: int, day) -> int:
    """Add one to the service's counter of the day (created at 1) and return the new value:
    one atomic upsert, so two kiosks never get the same sequence number."""
    stmt = _BUMP_COUNTER[conn.dialect.name]
    return conn.execute(stmt, {"service_id": service_id, "local_date": day}).scalar_one()


def insert_ticket(conn, values: dict) -> int:
    """Insert a ticket row; its id."""
    return conn.execute(_INSERT_TICKET, values).scalar_one()


def add_event(conn, values: dict) -> None:
    """Append to the ticket event log (ticket_id, hall_id, kind, at, service_id, window_id,
    user_id, device_id, data)."""
    conn.execute(_INSERT_EVENT, values)


def log(conn, ticket, kind: str, now, principal, window_id, data=None) -> None:
    """Append an event about a ticket row done by a principal at a window."""
    conn.execute(_INSERT_EVENT, dict(
        ticket_id=ticket["id"], hall_id=ticket["hall_id"], kind=kind, at=now,
        service_id=ticket["service_id"], window_id=window_id, user_id=principal.user_id,
        device_id=principal.device_id, data=data,
    ))


def replayed(conn, principal_key: str, key: str):
    """The ticket a principal already got with this idempotency key (a mapping), or None."""
    return conn.execute(
        select(tickets).join(idempotency_keys, idempotency_keys.c.ticket_id == tickets.c.id)
        .where(idempotency_keys.c.principal == principal_key, idempotency_keys.c.key == key)
    ).mappings().first()


def remember_key(conn, principal_key: str, key: str, ticket_id: int, now) -> None:
    """Keep an idempotency key: a retried tap gets the same ticket (unique per principal)."""
    conn.execute(insert(idempotency_keys).values(
        principal=principal_key, key=key, ticket_id=ticket_id, created_at=now))


def ban_reason(conn, id_hash: str, hall_id: int, now) -> str | None:
    """Why a person is blacklisted here (this hall's or an installation-wide entry still in
    force), or None."""
    row = conn.execute(
        select(blacklist.c.reason).where(
            blacklist.c.id_hash == id_hash,
            (blacklist.c.hall_id == hall_id) | blacklist.c.hall_id.is_(None),
            blacklist.c.until.is_(None) | (blacklist.c.until > now),
        )).first()
    return None if row is None else row.reason


def active_of_person(conn, service_id: int, id_hash: str) -> list:
    """A person's waiting or called tickets of a service, any day (id, number, local_date)."""
    return conn.execute(
        select(tickets.c.id, tickets.c.number, tickets.c.local_date).where(
            tickets.c.service_id == service_id, tickets.c.id_hash == id_hash,
            tickets.c.status.in_(ACTIVE))).all()


def real_name_count(conn, hall_id: int, since, device_id: int | None = None) -> int:
    """Real-name tickets (with an ID hash) the hall, or one kiosk of it, issued since a time."""
    stmt = select(func.count()).select_from(tickets).where(
        tickets.c.hall_id == hall_id, tickets.c.issued_at >= since,
        tickets.c.id_hash.is_not(None))
    if device_id is not None:
        stmt = stmt.where(tickets.c.device_id == device_id)
    return conn.execute(stmt).scalar_one()


def holds_ticket(conn, service_id: int, id_hash: str, day) -> bool:
    """Whether a person has a waiting or called ticket of a service on a day."""
    return conn.execute(select(tickets.c.id).where(
        tickets.c.service_id == service_id, tickets.c.id_hash == id_hash,
        tickets.c.local_date == day, tickets.c.status.in_(ACTIVE))).first() is not None


# ---- reading tickets ---------------------------------------------------------------------

def ticket(conn, ticket_id: int):
    """A ticket row (a mapping), or None."""
    return conn.execute(_SELECT_TICKET, {"b_ticket": ticket_id}).mappings().first()


def by_track_token(conn, token: str):
    """The ticket of a citizen's tracking link (a mapping), or None."""
    return conn.execute(select(tickets).where(tickets.c.track_token == token)).mappings().first()


def latest_finished_at_window(conn, hall_id: int, window_id: int, issued_since) -> int | None:
    """The id of the window's latest finished ticket among those issued since a time."""
    return conn.execute(
        # (by hall and issue time, on ix_tickets_hall_issued: a ticket lives within one day)
        select(tickets.c.id).where(tickets.c.hall_id == hall_id,
                                   tickets.c.issued_at >= issued_since,
                                   tickets.c.window_id == window_id, tickets.c.status == "done")
        .order_by(tickets.c.finished_at.desc(), tickets.c.id.desc()).limit(1)).scalar()


# ---- the queues --------------------------------------------------------------------------

def waiting_count(conn, service_id: int, day, priority_only: bool = False) -> int:
    """Tickets of a service waiting on a day: one row of ``queue_lengths`` (kept by triggers
    in the same transaction as the tickets); the priority ones, a few, counted."""
    if priority_only:
        return conn.execute(_WAITING_PRIORITY, {"service_id": service_id,
                                                "day": day}).scalar_one()
    return conn.execute(_QUEUE_LENGTH, {"service_id": service_id, "day": day}).scalar() or 0


def purge_queue_lengths(conn, before) -> int:
    """Delete the queue lengths of days before ``before`` whose queue is empty (the day-end
    expiry empties them); returns how many rows."""
    return conn.execute(delete(queue_lengths).where(queue_lengths.c.local_date < before,
                                                    queue_lengths.c.waiting == 0)).rowcount


def waiting_counts(conn, hall_id: int, day) -> dict[int, int]:
    """Service id -> tickets waiting on a day (services with none are absent)."""
    return dict(conn.execute(
        select(tickets.c.service_id, func.count())
        .where(tickets.c.hall_id == hall_id, tickets.c.status == "waiting",
               tickets.c.local_date == day)
        .group_by(tickets.c.service_id)).all())


def issued_counts(conn, service_ids: list[int], day) -> dict[int, int]:
    """Service id -> tickets issued on a day (the daily counters)."""
    return dict(conn.execute(
        select(daily_counters.c.service_id, daily_counters.c.value)
        .where(daily_counters.c.service_id.in_(service_ids),
               daily_counters.c.local_date == day)).all())


def waiting_ahead(conn, ticket, overdue_before=None, due: dict | None = None,
                  due_key=None) -> int:
    """Waiting tickets of the same service and day that the call order (``domain.calling``)
    puts before a waiting ticket, within its service.

    ``overdue_before``: tickets queued at or before it are overdue (None: the service has no
    limit); overdue ones go first, oldest first. ``due``: ticket id -> sort key
    ``(slot start, queued_at, id)`` of the booked tickets whose slot has begun; they go ahead of
    the other tickets of their priority class, earliest slot first. ``due_key``: the ticket's
    own key when it is one of them. Otherwise priority ones first, then queue time and id.
    """
    earlier = or_(
        tickets.c.queued_at < ticket["queued_at"],
        and_(tickets.c.queued_at == ticket["queued_at"], tickets.c.id < ticket["id"]),
    )
    overdue = (tickets.c.queued_at <= overdue_before if overdue_before is not None
               else false())
    if overdue_before is not None and ticket["queued_at"] <= overdue_before:
        ahead = earlier  # an overdue ticket: only older ones (all overdue too) go first
    else:
        due = due or {}
        if due_key is not None:  # a begun booking: the begun ones with an earlier key
            in_class = tickets.c.id.in_([i for i, k in due.items() if k < due_key] or [-1])
        else:
            is_due = tickets.c.id.in_(list(due) or [-1])
            in_class = or_(is_due, earlier)
        if ticket["priority"]:
            same_class = tickets.c.priority.is_(True)
            ahead = or_(overdue, and_(same_class, in_class))
        else:
            ahead = or_(overdue, tickets.c.priority.is_(True), in_class)
    return conn.execute(
        select(func.count()).select_from(tickets).where(
            tickets.c.service_id == ticket["service_id"], tickets.c.status == "waiting",
            tickets.c.local_date == ticket["local_date"], tickets.c.id != ticket["id"], ahead,
        )
    ).scalar_one()


def latest_handling(conn, service_id: int, limit: int) -> list:
    """(called_at, finished_at) of the service's latest finished tickets, newest first."""
    return conn.execute(
        select(tickets.c.called_at, tickets.c.finished_at)
        .where(tickets.c.service_id == service_id, tickets.c.finished_at.is_not(None),
               tickets.c.status == "done")
        .order_by(tickets.c.finished_at.desc())
        .limit(limit)).all()


def waiting_by_hall(conn) -> dict[str, int]:
    """Tickets waiting now, by hall code (every hall, 0 included)."""
    return dict(conn.execute(
        select(halls.c.code, func.count(tickets.c.id))
        .select_from(halls.outerjoin(tickets, and_(tickets.c.hall_id == halls.c.id,
                                                   tickets.c.status == "waiting")))
        .group_by(halls.c.code)).all())


# ---- calling -----------------------------------------------------------------------------

_HEAD_COLUMNS = (tickets.c.id, tickets.c.service_id, tickets.c.priority,
                 tickets.c.queued_at, tickets.c.target_window_id)
# The oldest waiting ticket of one service and one priority class: a seek on ix_tickets_queue,
# never a sort, however long the queue. The head of a queue is its oldest priority ticket, else
# its oldest normal one; the oldest of both classes is what the overdue rule looks at.
_OLDEST_OF_CLASS = (
    select(*_HEAD_COLUMNS)
    .where(tickets.c.service_id == bindparam("service_id"), tickets.c.status == "waiting",
           tickets.c.local_date == bindparam("day"), tickets.c.priority == bindparam("priority"),
           tickets.c.target_window_id.is_(None))
    .order_by(tickets.c.queued_at, tickets.c.id).limit(1)
)
_OLDEST_TARGETED = (
    select(*_HEAD_COLUMNS)
    .where(tickets.c.target_window_id == bindparam("window_id"), tickets.c.status == "waiting",
           tickets.c.local_date == bindparam("day"))
    .order_by(tickets.c.queued_at, tickets.c.id).limit(1)
)
# Tickets held by other windows' calls in flight are looked behind.
_NOT_SKIPPED = tickets.c.id.not_in(bindparam("skipped", expanding=True))
_OLDEST_OF_CLASS_SKIPPING = _OLDEST_OF_CLASS.where(_NOT_SKIPPED)
_OLDEST_TARGETED_SKIPPING = _OLDEST_TARGETED.where(_NOT_SKIPPED)


def queue_heads(conn, service_ids, window_id: int, day, skipped: set[int]) -> list:
    """The oldest waiting ticket of each service and priority class, and the oldest one
    transferred to the window, leaving out ``skipped`` (id, service_id, priority, queued_at,
    target_window_id)."""
    params = {"day": day}
    of_class, targeted = _OLDEST_OF_CLASS, _OLDEST_TARGETED
    if skipped:
        of_class, targeted = _OLDEST_OF_CLASS_SKIPPING, _OLDEST_TARGETED_SKIPPING
        params["skipped"] = list(skipped)
    rows = []
    for service_id in service_ids:
        for priority in (True, False):
            rows += conn.execute(of_class, dict(params, service_id=service_id, priority=priority))
    rows += conn.execute(targeted, dict(params, window_id=window_id))
    return rows


_TAKE_SKIP_LOCKED = (select(tickets.c.id)
                     .where(tickets.c.id == bindparam("b_ticket"), tickets.c.status == "waiting")
                     .with_for_update(skip_locked=True))
_CALL_TICKET = (
    update(tickets)
    .where(tickets.c.id == bindparam("b_ticket"), tickets.c.status == "waiting")
    .values(status="called", window_id=bindparam("b_window"),
            called_at=bindparam("b_now", type_=Timestamp()),
            first_called_at=func.coalesce(tickets.c.first_called_at,
                                          bindparam("b_now", type_=Timestamp())),
            staff_user_id=bindparam("b_staff"), target_window_id=None)
    .returning(*tickets.c)
)
_END_TICKET = (update(tickets).where(tickets.c.id == bindparam("b_ticket"))
               .values(status=bindparam("b_status"),
                       finished_at=bindparam("b_now", type_=Timestamp())))


def take(conn, ticket_id: int) -> bool:
    """Lock a chosen waiting ticket; False when another window holds or took it."""
    if conn.dialect.name == "sqlite":
        return True  # the transaction already holds SQLite's single write lock
    return conn.execute(_TAKE_SKIP_LOCKED, {"b_ticket": ticket_id}).first() is not None


def call(conn, ticket_id: int, window_id: int, now, staff_user_id) -> dict | None:
    """Set a waiting ticket to called at a window; its new row, or None when it was no longer
    waiting (another window took it in between)."""
    return conn.execute(_CALL_TICKET, {
        "b_ticket": ticket_id, "b_window": window_id, "b_now": now,
        "b_staff": staff_user_id}).mappings().first()


def end(conn, ticket_id: int, status: str, now) -> None:
    """Finish a ticket with its final status (done, no_show, …)."""
    conn.execute(_END_TICKET, {"b_ticket": ticket_id, "b_status": status, "b_now": now})


def update_ticket(conn, ticket_id: int, **values) -> None:
    """Change some columns of one ticket (recall, transfer, hold, requeue)."""
    conn.execute(update(tickets).where(tickets.c.id == ticket_id).values(**values))


def count_recall(conn, ticket_id: int, now) -> None:
    """One more recall of a called ticket, called again now."""
    conn.execute(update(tickets).where(tickets.c.id == ticket_id)
                 .values(recall_count=tickets.c.recall_count + 1, called_at=now))


def update_if_status(conn, ticket_id: int, status: str, values: dict,
                     at_window: int | None = None) -> bool:
    """Change a ticket only while it still has ``status`` (and, with ``at_window``, is still at
    that window); False when something else changed it first (another window, an undo that
    came too late)."""
    where = [tickets.c.id == ticket_id, tickets.c.status == status]
    if at_window is not None:
        where.append(tickets.c.window_id == at_window)
    return conn.execute(update(tickets).where(*where).values(**values)).rowcount == 1


def todays_by_number(conn, hall_id: int, day, number: str):
    """The hall's latest ticket of a day with this number (a mapping), or None."""
    return conn.execute(select(tickets).where(
        tickets.c.hall_id == hall_id, tickets.c.local_date == day,
        tickets.c.number == number).order_by(tickets.c.id.desc()).limit(1)).mappings().first()


_QUEUE_TIMES = (
    select(tickets.c.queued_at)
    .where(tickets.c.service_id == bindparam("b_service"), tickets.c.status == "waiting",
           tickets.c.local_date == bindparam("b_day"), tickets.c.priority == bindparam("b_prio"),
           tickets.c.target_window_id.is_(None))
    .order_by(tickets.c.queued_at, tickets.c.id).limit(bindparam("b_limit"))
)


def queue_times(conn, service_id: int, day, priority: bool, limit: int) -> list:
    """The queue times of the first ``limit`` tickets waiting in one service and priority
    class (not transferred to a window), in call order."""
    return list(conn.execute(_QUEUE_TIMES, {"b_service": service_id, "b_day": day,
                                            "b_prio": priority, "b_limit": limit}).scalars())


# ---- the end of a day ----------------------------------------------------------------------

def expire(conn, ticket_ids: list[int], statuses, expired: str) -> list:
    """Set those of the tickets still in one of ``statuses`` to ``expired``; the rows this
    statement changed (id, service_id, window_id), so a concurrent expiry logs once."""
    return conn.execute(
        update(tickets).where(tickets.c.id.in_(ticket_ids), tickets.c.status.in_(statuses))
        .values(status=expired)
        .returning(tickets.c.id, tickets.c.service_id, tickets.c.window_id)).all()


def add_events(conn, rows: list[dict]) -> None:
    """Append several events to the ticket event log in one statement."""
    conn.execute(insert(ticket_events), rows)


def stale_ids(conn, service_id: int, statuses, day) -> list[int]:
    """Ids of a service's tickets in one of ``statuses`` from a day before ``day`` (one index
    seek on ix_tickets_queue)."""
    return conn.execute(select(tickets.c.id).where(
        tickets.c.service_id == service_id, tickets.c.status.in_(statuses),
        tickets.c.local_date < day)).scalars().all()


def targeted_ahead(conn, window_id: int, day, ticket_id: int) -> int:
    """Waiting tickets of a day sent to one window, other than ``ticket_id``."""
    return conn.execute(select(func.count()).select_from(tickets).where(
        tickets.c.target_window_id == window_id, tickets.c.status == "waiting",
        tickets.c.local_date == day, tickets.c.id != ticket_id)).scalar_one()
