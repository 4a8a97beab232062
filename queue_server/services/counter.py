"""The staff counter (叫号器): window sign-in and sign-out, the window's state, own figures.

One person per window at a time and one window per person: a sign-in inserts an open session
and the partial unique indexes on open sessions refuse a second one, however the requests race.
Every sign-in and sign-out stays in ``window_sessions`` (who, where, from when to when, why it
ended). A manager may take a window over (``take_over``): the other person's session ends with
the reason ``taken_over``.

A window's caller keypad has a device token of kind ``caller``; its window actions count as done
by whoever is signed in at its window (``window_actor``), so the tickets, the event log, the
reports and the evaluator name the person who served.
"""

from datetime import timedelta
from typing import NamedTuple

from sqlalchemy.exc import IntegrityError

from queue_server.domain.errors import DomainError
from queue_server.domain.grades import is_bad
from queue_server.domain.numbering import local_day, local_midnight_utc
from queue_server.realtime.protocol import SESSION_CHANGED
from queue_server.services import counter_desk, floor, profiles, queues
from queue_server.services.accounts import (
    Principal,
    forbidden,
    require_in_scope,
    require_window_actor,
)
from queue_server.services.context import Event
from queue_server.storage import counter as stored
from queue_server.storage import sessions
from queue_server.storage import tickets as stored_tickets
from queue_server.storage import windows as stored_windows


def session_view(hall, row) -> dict | None:
    if row is None:
        return None
    window = hall.window_by_id(row["window_id"])
    return {"window": window.number if window else None, "user": row["username"],
            "name": row["display_name"] or row["username"],
            "since": queues.local_iso(row["started_at"], hall)}


def _session_event(hall, window, session) -> Event:
    return Event(SESSION_CHANGED, hall.code, {"hall": hall.code, "window": window.number,
                                              "session": session}, window.number)


def _require_user(principal) -> None:
    if principal is None or principal.kind != "user":
        raise forbidden("only staff accounts sign in at a window")


def sign_in(ctx, principal, hall_code: str, number: int, take_over: bool = False) -> dict:
    hall = ctx.halls.get(hall_code)
    window = hall.window(number)
    require_window_actor(principal, hall.id, window.id)
    _require_user(principal)
    now = ctx.clock()
    try:
        with ctx.db.write() as conn:
            mine = sessions.open_session(conn, user_id=principal.id)
            if mine is not None and mine["window_id"] == window.id:
                return session_view(hall, mine)
            if mine is not None:
                other = hall.window_by_id(mine["window_id"])
                raise DomainError("signed_in_elsewhere", "sign out of your other window first", window=other.number if other else None)
            theirs = sessions.open_session(conn, window_id=window.id)
            if theirs is not None:
                if not (take_over and principal.role in ("manager", "admin")):
                    raise DomainError("window_occupied", "someone else is signed in at this "
                                      "window", name=theirs["display_name"])
                sessions.end(conn, theirs["id"], now, principal.id, "taken_over")
            sessions.start(conn, hall.id, window.id, principal.id, now)
            view = session_view(hall, sessions.open_session(conn, window_id=window.id))
    except IntegrityError:  # a racing sign-in at the same window (or by the same person) won
        raise DomainError("window_occupied", "someone else signed in at this window just now")
    ctx.publish([_session_event(hall, window, view)])
    from queue_server.services import supervisor  # (it reads sign-ins from this module)

    supervisor.window_attended(ctx, hall, window.id)  # 空岗 clears now, not at the next pass
    return view


def sign_out(ctx, principal, hall_code: str, number: int) -> dict:
    """End the caller's own session at the window; a manager may end anyone's there."""
    hall = ctx.halls.get(hall_code)
    window = hall.window(number)
    require_window_actor(principal, hall.id, window.id)
    _require_user(principal)
    now = ctx.clock()
    with ctx.db.write() as conn:
        session = sessions.open_session(conn, window_id=window.id)
        if session is None:
            raise DomainError("not_signed_in", "nobody is signed in at this window")
        if session["user_id"] != principal.id and principal.role not in ("manager", "admin"):
            raise forbidden("only the person signed in here, or a manager, may sign out")
        reason = "signed_out" if session["user_id"] == principal.id else "signed_out_by_manager"
        sessions.end(conn, session["id"], now, principal.id, reason)
    ctx.publish([_session_event(hall, window, None)])
    return {"window": window.number, "signed_out": True,
            "since": queues.local_iso(session["started_at"], hall),
            "until": queues.local_iso(now, hall)}


def signed_in_user(conn, window_id: int) -> dict | None:
    """The person signed in at a window (for the evaluator and the supervisor), or None."""
    row = sessions.open_session(conn, window_id=window_id)
    if row is None:
        return None
    return {"user_id": row["user_id"], "user": row["username"],
            "name": row["display_name"] or row["username"], "since": row["started_at"],
            "role": row["role"], "active": row["active"], "staff_no": row["staff_no"],
            "photo_key": row["photo_key"]}


def window_actor(ctx, principal, hall, window) -> Principal:
    """Who does a window action (call, recall, finish, no-show, transfer, pause, resume).

    A user allowed at the window acts as themselves. The window's caller device (a keypad)
    acts for the person signed in there — recorded as that person, with the device alongside —
    and for nobody when nobody is: 409 ``not_signed_in``. It never acts on another window.
    """
    if principal is None or not principal.is_device("caller"):
        require_window_actor(principal, hall.id, window.id)
        return principal
    if principal.hall_id != hall.id or window.id not in principal.window_ids:
        raise forbidden("this caller device belongs to another window")
    with ctx.db.read() as conn:
        staff = signed_in_user(conn, window.id)
    if staff is None or not staff["active"]:
        raise DomainError("not_signed_in", "nobody is signed in at this window (窗口无人签到); "
                          "the caller keypad works while a staff member is signed in")
    return Principal("user", staff["user_id"], staff["role"], hall.id, frozenset({window.id}),
                     staff["name"], via_device_id=principal.id)


def history(conn, hall, window_id: int | None = None, limit: int = 50) -> list[dict]:
    return [dict(session_view(hall, row), until=queues.local_iso(row["ended_at"], hall),
                 end_reason=row["end_reason"])
            for row in sessions.history(conn, hall.id, window_id, limit)]


# ---- what the counter page shows ------------------------------------------------------------

def _current(conn, hall, window_row, now) -> dict | None:
    if window_row["current_ticket_id"] is None:
        return None
    row = stored_tickets.ticket(conn, window_row["current_ticket_id"])
    if row is None or row["status"] != "called":
        return None
    view = queues.ticket_view(hall, row)
    first_call = row["first_called_at"] or row["called_at"]
    # issued_at, not queued_at: a requeued no-show (过号顺延) has a later place in time
    view["waited_s"] = int((first_call - row["issued_at"]).total_seconds())
    view["serving_s"] = int((now - first_call).total_seconds())
    return view


def hall_queues(conn, hall, now, reading: queues.QueueReading | None = None,
                ctx=None) -> dict:
    """The hall's waiting tickets today: per service code and per window they were sent to,
    ``{"waiting": n, "oldest_queued_at": iso}`` (one grouped query for the whole hall, or the
    publisher's ``reading`` of it); with ``ctx``, also ``estimates``: a new ticket's expected
    wait per service code (the forecast's, read from memory)."""
    day = local_day(now, hall.timezone)
    if reading is None or reading.day != day:
        reading = queues.read_queues(conn, hall, day)
    services, targeted = {}, {}
    for service_id, (count, oldest) in reading.untargeted.items():
        services[hall.service_by_id(service_id).code] = {
            "waiting": count, "oldest_queued_at": queues.local_iso(oldest, hall)}
    for window_id, (count, oldest) in reading.targeted.items():
        window = hall.window_by_id(window_id)
        if window is not None:
            targeted[str(window.number)] = {"waiting": count,
                                            "oldest_queued_at": queues.local_iso(oldest, hall)}
    summary = {"hall": hall.code, "services": services, "targeted": targeted,
               "now": queues.local_iso(now, hall)}
    if ctx is not None:
        from queue_server.services import estimates

        summary["estimates"] = {s.code: estimates.new_ticket_wait_s(ctx, conn, hall, s, False)
                                for s in hall.services}
    return summary


def window_queues(summary: dict, hall, window) -> list[dict]:
    """The window's services in its preference order, then the tickets sent to it."""
    empty = {"waiting": 0, "oldest_queued_at": None}
    result = []
    for service_id in window.service_ids:
        service = hall.service_by_id(service_id)
        result.append(dict(summary["services"].get(service.code, empty), service=service.code,
                           service_name=service.name, name_en=service.name_en,
                           estimated_wait_s=summary.get("estimates", {}).get(service.code)))
    result.append(dict(summary["targeted"].get(str(window.number), empty), service=None,
                       service_name="转至本窗口", name_en="Sent to this window"))
    return result


def window_state(ctx, hall, window) -> dict:
    """Everything the counter page shows about one window, as of now."""
    now = ctx.clock()
    with ctx.db.read() as conn:
        row = stored_windows.window(conn, window.id)
        state = {
            "hall": hall.code, "window": window.number, "window_name": window.name,
            "state": row["state"], "reason": row["pause_reason"],
            "current": _current(conn, hall, row, now),
            "session": session_view(hall, sessions.open_session(conn, window_id=window.id)),
            "queues": window_queues(hall_queues(conn, hall, now, ctx=ctx), hall, window),
            "upcoming": counter_desk.next_tickets(conn, ctx, hall, window, now),
            "held": counter_desk.held_tickets(conn, hall, window, now),
            "no_show_undo_s": counter_desk.undo_seconds(hall),
            "undo": counter_desk.undo_offer(conn, hall, window, now),
            "now": queues.local_iso(now, hall),
        }
    return state


def counter_state(ctx, principal, hall_code: str, number: int) -> dict:
    hall = ctx.halls.get(hall_code)
    window = hall.window(number)
    require_window_actor(principal, hall.id, window.id)
    state = window_state(ctx, hall, window)
    state["services"] = [{"code": s.code, "name": s.name, "name_en": s.name_en}
                         for s in hall.services]
    with ctx.db.read() as conn:
        state["windows"] = counter_desk.other_windows(conn, hall, window)
    return state


# ---- the staff member's own day -------------------------------------------------------------

def _figures(conn, hall, user_id: int, now) -> dict:
    start = local_midnight_utc(local_day(now, hall.timezone), hall.timezone)
    kinds = stored.event_kinds_by(conn, hall.id, user_id, start)
    served = stored.served_by(conn, hall.id, user_id, start)
    handling = [(r.finished_at - r.called_at).total_seconds() for r in served if r.called_at]
    waits = [((r.first_called_at or r.called_at) - r.issued_at).total_seconds()
             for r in served if (r.first_called_at or r.called_at)]
    grades = stored.grades_of(conn, hall.id, user_id, start)
    good = sum(1 for g in grades if not is_bad(g))
    return {
        "date": local_day(now, hall.timezone).isoformat(),
        "called": kinds.get("called", 0), "served": len(served),
        "no_show": kinds.get("no_show", 0) - kinds.get("no_show_undone", 0),
        "transferred": kinds.get("transferred", 0),
        "avg_handling_s": round(sum(handling) / len(handling)) if handling else None,
        "avg_wait_s": round(sum(waits) / len(waits)) if waits else None,
        "evaluations": len(grades), "bad_reviews": len(grades) - good,
        "satisfaction_rate": round(good / len(grades), 4) if grades else None,
    }


def me(ctx, principal, hall_code: str) -> dict:
    """Who the caller is in this hall, which windows they may work, their session, their day."""
    hall = ctx.halls.get(hall_code)
    _require_user(principal)
    # A supervisor watches: no windows to work, but the follow-up page (read-only) starts here.
    require_in_scope(principal, hall.id, ("staff", "manager", "supervisor"),
                     "this account does not work in this hall")
    manages = principal.is_user("admin", "manager")
    allowed = [w for w in hall.windows if manages or w.id in principal.window_ids]
    now = ctx.clock()
    with ctx.db.read() as conn:
        with_user = sessions.person_card(conn, principal.id)
        session = sessions.open_session(conn, user_id=principal.id)
        figures = _figures(conn, hall, principal.id, now)
    return {"user": with_user.username, "name": with_user.display_name or with_user.username,
            "staff_no": with_user.staff_no,
            "photo_url": profiles.photo_url(hall.code, with_user.photo_key)
            if principal.hall_id == hall.id else None,
            "role": principal.role, "hall": hall.code, "hall_name": hall.name,
            "timezone": hall.timezone,
            "windows": [{"number": w.number, "name": w.name} for w in allowed],
            "session": session_view(hall, session) if session and session["hall_id"] == hall.id
            else None, "figures": figures}


# ---- what the evaluator at the window shows -------------------------------------------------

EVALUATION_OFFER_S = 120  # a page (re)connecting this soon after 办结 still offers the rating


def _request_payload(hall, row, staff_name) -> dict:
    service = hall.service_by_id(row["service_id"])
    window = hall.window_by_id(row["window_id"])
    return {"ticket": row["id"], "number": row["number"], "service": service.code,
            "service_name": service.name, "service_name_en": service.name_en,
            "department": service.department,
            "window": window.number if window else None,
            "window_name": window.name if window else None, "staff_name": staff_name,
            "finished_at": queues.local_iso(row["finished_at"], hall),
            "booked": bool(row.get("booked"))}  # checked in from a booking (预约)


def evaluation_request(ctx, hall, ticket_id: int) -> dict | None:
    """What the evaluator asks after 办结 of one ticket; None once rated (or not done)."""
    with ctx.db.read() as conn:
        row = stored.unrated_ticket(conn, ticket_id)
    return None if row is None else _request_payload(hall, row,
                                                     row["display_name"] or row["username"])


def _staff_card(hall, staff) -> dict | None:
    """What the evaluator's idle screen shows of the person at the window (亮证上岗)."""
    if staff is None:
        return None
    return {"name": staff["name"], "user": staff["user"], "staff_no": staff["staff_no"],
            "photo_url": profiles.photo_url(hall.code, staff["photo_key"])}


class WindowNow(NamedTuple):
    """One read of what every screen of a window shows (``read_window``)."""
    hall: object
    window: object
    now: object
    entry: tuple | None  # floor.window_entry: its state and the call still standing
    staff: dict | None  # who is signed in
    pending: object  # the latest unrated ticket finished there lately, or None


def read_window(ctx, hall, window) -> WindowNow:
    """A window's state for every consumer at once: the hall screens' ``window_changed``
    (``floor.window_changed_view``), the evaluator's ``evaluator_state`` (``evaluator_view``)
    and its rating request (``rating_offer``); one read transaction, four statements."""
    now = ctx.clock()
    with ctx.db.read() as conn:
        entry = floor.window_entry(conn, hall, window, now)
        staff = signed_in_user(conn, window.id)
        pending = stored.latest_unrated_at_window(
            conn, window.id, now - timedelta(seconds=EVALUATION_OFFER_S))
    return WindowNow(hall, window, now, entry, staff, pending)


def evaluator_view(reading: WindowNow) -> dict:
    """The evaluator's idle screen (window, its state, who is signed in) and a rating still on
    offer."""
    hall, window, pending = reading.hall, reading.window, reading.pending
    return {"hall": hall.code, "hall_name": hall.name, "window": window.number,
            "window_name": window.name, "staff": _staff_card(hall, reading.staff),
            "window_state": reading.entry[2] if reading.entry else "closed",
            # closed / paused / idle / serving
            "pending": None if pending is None else _request_payload(
                hall, pending, pending["display_name"] or pending["username"]),
            "now": queues.local_iso(reading.now, hall)}


def rating_offer(reading: WindowNow, ticket_id: int) -> dict | None:
    """The rating request of a ticket just finished at the window, when the reading holds it
    (it is the window's latest unrated one); None when it must be read on its own."""
    pending = reading.pending
    if pending is None or pending["id"] != ticket_id:
        return None
    return _request_payload(reading.hall, pending, pending["display_name"] or pending["username"])


def evaluator_state(ctx, hall, window) -> dict:
    return evaluator_view(read_window(ctx, hall, window))
