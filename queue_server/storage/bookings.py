"""Queries of bookings (预约) and of the places taken per slot and day.

Every function takes an open connection; the caller owns the transaction. A place is taken by
one upsert: the slot's row is inserted with one place taken, or on conflict its count goes up
``WHERE taken < places``. On PostgreSQL the second of two racing upserts waits on the row's lock
and evaluates the condition on the first one's result; on SQLite writes are serialized; so a
slot never gives more places than it has. The booking path's statements are built once here.
"""

from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from queue_server.storage.booking_models import ACTIVE_STATES, booking_places, bookings
from queue_server.storage.models import services, tickets

DAY = "*"  # the slot_start of the row counting a whole day's bookings


def _take_place_stmt(dialect):
    """One statement takes a place: the row is created with the first place taken, or its count
    goes up while below the limit (``ON CONFLICT DO UPDATE … WHERE``; on PostgreSQL the row is
    locked and the condition read again on its newest version). No row changed: full."""
    stmt = dialect.insert(booking_places).values(
        service_id=bindparam("b_service"), local_date=bindparam("b_day"),
        slot_start=bindparam("b_slot"), taken=1)
    return stmt.on_conflict_do_update(
        index_elements=[booking_places.c.service_id, booking_places.c.local_date,
                        booking_places.c.slot_start],
        set_={"taken": booking_places.c.taken + 1},
        where=booking_places.c.taken < bindparam("b_limit"))


_TAKE_PLACE = {"sqlite": _take_place_stmt(sqlite), "postgresql": _take_place_stmt(postgresql)}


def take_place(conn, service_id: int, day, slot: str, limit: int) -> bool:
    """Take one of ``limit`` places of a slot (or of the day, ``slot=DAY``); False when full."""
    if limit < 1:
        return False
    result = conn.execute(_TAKE_PLACE[conn.dialect.name], {
        "b_service": service_id, "b_day": day, "b_slot": slot, "b_limit": limit})
    return result.rowcount == 1


def give_back_place(conn, service_id: int, day, slot: str) -> None:
    conn.execute(update(booking_places).where(
        booking_places.c.service_id == service_id, booking_places.c.local_date == day,
        booking_places.c.slot_start == slot, booking_places.c.taken > 0,
    ).values(taken=booking_places.c.taken - 1))


def taken_by_slot(conn, service_id: int, days: list) -> dict:
    """``{(day, slot_start): taken}`` of the service's days, the day rows (``"*"``) included."""
    rows = conn.execute(select(booking_places).where(
        booking_places.c.service_id == service_id, booking_places.c.local_date.in_(days)))
    return {(r.local_date, r.slot_start): r.taken for r in rows}


_INSERT_BOOKING = insert(bookings).returning(bookings.c.id)


def insert_booking(conn, values: dict) -> int:
    return conn.execute(_INSERT_BOOKING, values).scalar_one()


def by_code(conn, code: str):
    return conn.execute(select(bookings).where(bookings.c.code == code)).first()


def active_of_person(conn, service_id: int, id_hash: str, day):
    return conn.execute(select(bookings).where(
        bookings.c.service_id == service_id, bookings.c.id_hash == id_hash,
        bookings.c.local_date == day, bookings.c.state.in_(ACTIVE_STATES))).first()


def booked_of_person(conn, hall_id: int, id_hash: str, since, until) -> list:
    """The person's bookings still to check in, days ``since`` to ``until``, in the hall."""
    return list(conn.execute(select(bookings).where(
        bookings.c.hall_id == hall_id, bookings.c.id_hash == id_hash,
        bookings.c.state == "booked", bookings.c.local_date >= since,
        bookings.c.local_date <= until).order_by(bookings.c.local_date, bookings.c.slot_start)))


_PERSON = select(bookings.c.local_date, bookings.c.state).where(
    bookings.c.id_hash == bindparam("b_hash"), bookings.c.local_date >= bindparam("b_since"),
    or_(bookings.c.state == "missed",
        and_(bookings.c.service_id == bindparam("b_service"),
             bookings.c.local_date == bindparam("b_day"),
             bookings.c.state.in_(ACTIVE_STATES))))


def person_before_booking(conn, id_hash: str, since, service_id: int, day) -> tuple:
    """``(missed days from since, has an active booking of the service on day)``: the two
    checks of a new booking in one read (``day`` is not before ``since``)."""
    missed, active = [], False
    for row in conn.execute(_PERSON, {"b_hash": id_hash, "b_since": since,
                                      "b_service": service_id, "b_day": day}):
        if row.state == "missed":
            missed.append(row.local_date)
        else:
            active = True
    return missed, active


def missed_days(conn, id_hash: str, since) -> list:
    """Days of the person's missed bookings (爽约) from ``since``, every hall."""
    return [r.local_date for r in conn.execute(select(bookings.c.local_date).where(
        bookings.c.id_hash == id_hash, bookings.c.state == "missed",
        bookings.c.local_date >= since))]


def set_state(conn, booking_id: int, state: str, now, expected: str = "booked",
              **values) -> bool:
    """Move a booking from ``expected`` to ``state``; False when it was no longer there."""
    result = conn.execute(update(bookings).where(
        bookings.c.id == booking_id, bookings.c.state == expected,
    ).values(state=state, changed_at=now, **values))
    return result.rowcount == 1


def upcoming_of_hall(conn, hall_id: int, since) -> list:
    """Bookings still to come (``booked``) of the hall from day ``since``, with service codes."""
    return list(conn.execute(select(
        bookings.c.code, bookings.c.local_date, bookings.c.slot_start, bookings.c.phone_masked,
        services.c.code.label("service")).join(services, services.c.id == bookings.c.service_id)
        .where(bookings.c.hall_id == hall_id, bookings.c.state == "booked",
               bookings.c.local_date >= since)
        .order_by(bookings.c.local_date, bookings.c.slot_start)))


def expire_missed(conn, hall_id: int, before_day, now) -> int:
    """Bookings of days before ``before_day`` never checked in become ``missed`` (爽约)."""
    result = conn.execute(update(bookings).where(
        bookings.c.hall_id == hall_id, bookings.c.state == "booked",
        bookings.c.local_date < before_day).values(state="missed", changed_at=now))
    return result.rowcount


def count_by_slot(conn, hall_id: int, day) -> list:
    return list(conn.execute(select(
        bookings.c.service_id, bookings.c.slot_start, bookings.c.state,
        func.count().label("n")).where(
        and_(bookings.c.hall_id == hall_id, bookings.c.local_date == day))
        .group_by(bookings.c.service_id, bookings.c.slot_start, bookings.c.state)))


def checked_in_count(conn, service_id: int, day) -> int:
    """Bookings of the service's day already checked in (their tickets use the day's counter)."""
    return conn.execute(select(func.count()).select_from(bookings).where(
        bookings.c.service_id == service_id, bookings.c.local_date == day,
        bookings.c.state == "checked_in")).scalar_one()


def booked_heads(conn, service_ids, day, skipped: set[int], limit: int = 1) -> list:
    """The oldest waiting booked ticket (``limit`` of them) of each service (the booked ones
    are not always their queue's head), with their booking's ``slot_start``."""
    rows = []
    for service_id in service_ids:
        query = (select(tickets.c.id, tickets.c.service_id, tickets.c.priority,
                        tickets.c.queued_at, tickets.c.target_window_id, bookings.c.slot_start,
                        tickets.c.number, tickets.c.issued_at, tickets.c.requeued_count)
                 .join(bookings, bookings.c.ticket_id == tickets.c.id)
                 .where(tickets.c.service_id == service_id, tickets.c.status == "waiting",
                        tickets.c.local_date == day, tickets.c.booked.is_(True),
                        tickets.c.target_window_id.is_(None))
                 .order_by(bookings.c.slot_start, tickets.c.queued_at, tickets.c.id)
                 .limit(limit))
        if skipped:
            query = query.where(tickets.c.id.not_in(list(skipped)))
        rows += conn.execute(query)
    return rows


def waiting_booked_slots(conn, service_id: int, day) -> list:
    """``(ticket id, priority, queued_at, slot_start)`` of the service's waiting booked tickets
    of a day (few: the check-ins not yet called)."""
    return list(conn.execute(
        select(tickets.c.id, tickets.c.priority, tickets.c.queued_at, bookings.c.slot_start)
        .join(bookings, and_(bookings.c.ticket_id == tickets.c.id,
                             bookings.c.service_id == tickets.c.service_id,
                             bookings.c.local_date == tickets.c.local_date))
        .where(tickets.c.service_id == service_id, tickets.c.status == "waiting",
               tickets.c.local_date == day, tickets.c.booked.is_(True))))


def delete_before(conn, day) -> int:
    """Delete the bookings and place counts of days before ``day``; how many bookings."""
    conn.execute(delete(booking_places).where(booking_places.c.local_date < day))
    return conn.execute(delete(bookings).where(bookings.c.local_date < day)).rowcount


def state_counts(conn, hall_id: int, since, until) -> dict:
    """``{state: n}`` of the hall's bookings, days ``since`` to ``until``."""
    rows = conn.execute(select(bookings.c.state, func.count()).where(
        bookings.c.hall_id == hall_id, bookings.c.local_date >= since,
        bookings.c.local_date <= until).group_by(bookings.c.state))
    return {state: n for state, n in rows}


def waiting_booked(conn, hall_id: int, day) -> list:
    """A day's booked tickets still waiting (id, number, service_id, issued_at, slot_start):
    the supervisor's 预约超时等候."""
    return conn.execute(
        select(tickets.c.id, tickets.c.number, tickets.c.service_id, tickets.c.issued_at,
               bookings.c.slot_start)
        .join(bookings, bookings.c.ticket_id == tickets.c.id)
        .where(tickets.c.hall_id == hall_id, tickets.c.local_date == day,
               tickets.c.status == "waiting", tickets.c.booked.is_(True))).all()


def ticket_counts(conn, hall_id: int, since, until) -> tuple[int, int]:
    """``(tickets, booked tickets)`` issued at the hall, days ``since`` to ``until``."""
    row = conn.execute(select(func.count(), func.count().filter(tickets.c.booked.is_(True)))
                       .where(tickets.c.hall_id == hall_id, tickets.c.local_date >= since,
                              tickets.c.local_date <= until)).one()
    return row[0], row[1]


def booked_tickets(conn, hall_id: int, since, until) -> list:
    """The booked tickets of days ``since`` to ``until`` with their slot (local_date,
    service_id, status, issued_at, first_called_at, slot_start): waits after check-in."""
    return conn.execute(
        select(tickets.c.local_date, tickets.c.service_id, tickets.c.status,
               tickets.c.issued_at, tickets.c.first_called_at, bookings.c.slot_start)
        .join(bookings, bookings.c.ticket_id == tickets.c.id)
        .where(tickets.c.hall_id == hall_id, tickets.c.local_date >= since,
               tickets.c.local_date <= until, tickets.c.booked.is_(True))).all()
