"""Queries of the windows table (a window's state and current ticket) and its event log.

Every function takes an open connection; the caller owns the transaction. The statements of
the caller's hot path are built once at import (see ``storage.tickets``).
"""

from sqlalchemy import bindparam, insert, select, update

from queue_server.storage.models import window_events, windows

_SELECT_WINDOW = select(windows).where(windows.c.id == bindparam("b_window"))
_SELECT_WINDOW_LOCKED = _SELECT_WINDOW.with_for_update()
_SET_CURRENT = (update(windows).where(windows.c.id == bindparam("b_window"))
                .values(current_ticket_id=bindparam("b_current")))
_OPEN_WITH_CURRENT = _SET_CURRENT.values(state="open")
_OPEN_WINDOWS = select(windows.c.id).where(windows.c.hall_id == bindparam("hall_id"),
                                           windows.c.state == "open")


def locked_window(conn, window_id: int):
    """A window's row (a mapping), locked on PostgreSQL so one action per window runs at a
    time (SQLite's single writer lock already serialises the transaction)."""
    query = _SELECT_WINDOW if conn.dialect.name == "sqlite" else _SELECT_WINDOW_LOCKED
    return conn.execute(query, {"b_window": window_id}).mappings().one()


def set_current(conn, window_id: int, ticket_id: int | None) -> None:
    """Set (or with None, clear) the window's current ticket."""
    conn.execute(_SET_CURRENT, {"b_window": window_id, "b_current": ticket_id})


def open_with_current(conn, window_id: int, ticket_id: int) -> None:
    """The window serves a ticket now, and so is open."""
    conn.execute(_OPEN_WITH_CURRENT, {"b_window": window_id, "b_current": ticket_id})


def open_window_ids(conn, hall_id: int) -> set[int]:
    return set(conn.execute(_OPEN_WINDOWS, {"hall_id": hall_id}).scalars())


def set_state(conn, window_id: int, state: str, reason: str | None, now) -> None:
    """Open or pause a window, with the pause's reason (None when open)."""
    conn.execute(update(windows).where(windows.c.id == window_id).values(
        state=state, pause_reason=reason, state_changed_at=now))


def add_event(conn, hall_id: int, window_id: int, kind: str, now, user_id,
              reason: str | None = None) -> None:
    """Append to the window event log (paused, resumed, …)."""
    conn.execute(insert(window_events).values(
        hall_id=hall_id, window_id=window_id, kind=kind, at=now, user_id=user_id,
        reason=reason))


def window(conn, window_id: int):
    """A window's row (a mapping), unlocked."""
    return conn.execute(select(windows).where(windows.c.id == window_id)).mappings().one()


def states(conn, hall_id: int) -> dict:
    """Window id -> state (open, paused) of the hall's windows."""
    return dict(conn.execute(select(windows.c.id, windows.c.state)
                             .where(windows.c.hall_id == hall_id)).all())


def free_windows_showing(conn, ticket_ids: list[int]) -> list:
    """Clear the current ticket of the windows showing one of the tickets; those windows'
    rows before the change (id, state, pause_reason)."""
    freed = conn.execute(
        select(windows.c.id, windows.c.state, windows.c.pause_reason)
        .where(windows.c.current_ticket_id.in_(ticket_ids))).all()
    if freed:
        conn.execute(update(windows).where(windows.c.id.in_([w.id for w in freed]))
                     .values(current_ticket_id=None))
    return freed
