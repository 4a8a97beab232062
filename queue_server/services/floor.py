"""The state of a hall floor as screens need it: services, windows, latest calls.

Every window carries ``state`` (closed / paused / idle / serving, from
:func:`queue_server.domain.windows.window_state`) and ``current`` only while its call is still
true. Recent calls list each ticket once (its latest call) and say whether the call still
stands (``active``): a screen tells citizens to go only where a call is active.
"""

from datetime import timedelta

from queue_server.domain.hours import is_open
from queue_server.domain.numbering import local_day, local_midnight_utc
from queue_server.domain.windows import SERVING, WindowFacts, call_is_live, window_state
from queue_server.realtime.protocol import RECENT_CALLS
from queue_server.services import queues
from queue_server.storage import floor as stored


# Sessions that started longer ago than this and have ended cannot end a call still standing
# (calls are today's); leaving them out keeps the read small as years of sessions pile up.
SESSION_LOOKBACK = timedelta(days=3)


def _sessions(conn, hall, now, window_id=None) -> dict[int, tuple[bool, object]]:
    """Per window id: (someone signed in now, when the latest recent session ended)."""
    return stored.session_summary(conn, hall.id, now - SESSION_LOOKBACK, window_id)


def in_hours(hall, window, now) -> bool:
    """One of the window's services is open now (a window serving nothing is never open)."""
    return any(is_open(hall.service_by_id(s).hours, now, hall.timezone)
               for s in window.service_ids)


def window_rows(conn, hall, now, window_id: int | None = None) -> list[tuple]:
    """``(window info, stored row or None, state, live)`` per active window, in hall order;
    ``live``: the window's current ticket is still truly called there."""
    by_id = stored.windows_with_current(conn, hall.id, window_id)
    sessions = _sessions(conn, hall, now, window_id)
    result = []
    for window in hall.windows:
        if window_id is not None and window.id != window_id:
            continue
        row = by_id.get(window.id)
        signed_in, last_out = sessions.get(window.id, (False, None))
        facts = WindowFacts(
            stored_state=row.state if row else "closed", signed_in=signed_in,
            in_hours=in_hours(hall, window, now),
            ticket_status=row.status if row is not None else None,
            called_at=row.called_at if row is not None else None, last_sign_out=last_out)
        result.append((window, row, window_state(facts), call_is_live(facts)))
    return result


def _window_view(hall, window, row, state: str, live: bool) -> dict:
    current = None
    if live:
        service = hall.service_by_id(row.service_id)
        current = {"number": row.number, "service": service.code,
                   "service_name": service.name}
    return {
        "window": window.number, "window_name": window.name, "state": state,
        "reason": row.pause_reason if row is not None and state == "paused" else None,
        "current": current,
        "services": [hall.service_by_id(s).code for s in window.service_ids],
    }


def windows_state(conn, hall, now) -> list[dict]:
    return [_window_view(hall, *entry) for entry in window_rows(conn, hall, now)]


def recent_calls(conn, hall, now, serving: dict[int, str],
                 limit: int = RECENT_CALLS) -> list[dict]:
    """Today's latest calls, newest first, one per ticket (a recall replaces its call).

    ``serving``: window number → the number it is serving; a call is ``active`` when its
    window still serves that number.
    """
    day_start = local_midnight_utc(local_day(now, hall.timezone), hall.timezone)
    rows = stored.latest_calls(conn, hall.id, day_start, limit)
    result = []
    for row in rows:
        window = hall.window_by_id(row.window_id)
        service = hall.service_by_id(row.service_id)
        number = window.number if window else None
        result.append({
            "number": row.number, "service": service.code, "service_name": service.name,
            "window": number, "window_name": window.name if window else None,
            "recall": row.kind == "recalled", "called_at": queues.local_iso(row.at, hall),
            "booked": bool(row.booked),
            "active": number is not None and serving.get(number) == row.number,
        })
    return result


def serving_numbers(window_list: list[dict]) -> dict[int, str]:
    return {w["window"]: w["current"]["number"] for w in window_list
            if w["state"] == SERVING and w["current"]}


def hall_snapshot(ctx, hall_code: str, window_number: int | None = None) -> dict:
    hall = ctx.halls.get(hall_code)
    if window_number is not None:
        hall.window(window_number)
    now = ctx.clock()
    with ctx.db.read() as conn:
        window_list = windows_state(conn, hall, now)
        snapshot = {
            "hall": hall.code, "name": hall.name, "timezone": hall.timezone,
            "now": queues.local_iso(now, hall),
            "notice": hall.options.get("notice", ""),
            "services": queues.services_summary(ctx, conn, hall),
            "windows": window_list,
            "recent_calls": recent_calls(conn, hall, now, serving_numbers(window_list)),
        }
    if window_number is not None:
        snapshot["window"] = window_number
    return snapshot


def window_entry(conn, hall, window, now):
    """The window's ``window_rows`` entry (one window only), or None when it is not active."""
    rows = window_rows(conn, hall, now, window.id)
    return rows[0] if rows else None


def window_changed_view(hall, window, entry) -> dict:
    """A window's ``window_changed`` push from its ``window_entry``: the one builder of it."""
    view = _window_view(hall, *entry) if entry is not None else {
        "window": window.number, "window_name": window.name, "state": "closed",
        "reason": None, "current": None,
        "services": [hall.service_by_id(s).code for s in window.service_ids]}
    return dict(view, hall=hall.code)


def called_today(ctx, hall, number: str) -> bool:
    """Whether ticket ``number`` has been called in ``hall`` since its local midnight (what a
    hall screen may ask the server to speak)."""
    now = ctx.clock()
    day_start = local_midnight_utc(local_day(now, hall.timezone), hall.timezone)
    with ctx.db.read() as conn:
        return stored.called_since(conn, hall.id, number, day_start)
