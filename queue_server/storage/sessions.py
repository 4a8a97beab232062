"""Queries of window sessions (上岗 … 离岗): who is signed in at which window, and since when.

Every function takes an open connection; the caller owns the transaction. One open session per
window and one per person is enforced by partial unique indexes, so ``start`` raises
``IntegrityError`` when a racing sign-in won.
"""

from sqlalchemy import func, insert, select, update

from queue_server.storage.models import user_photos, users
from queue_server.storage.session_models import window_sessions


def open_session(conn, window_id: int | None = None, user_id: int | None = None):
    """The open session at a window or of a person (a mapping with the session's columns and
    the person's display_name, username, role, active, staff_no, photo_key), or None."""
    query = (select(window_sessions, users.c.display_name, users.c.username, users.c.role,
                    users.c.active, users.c.staff_no, user_photos.c.key.label("photo_key"))
             .join(users, users.c.id == window_sessions.c.user_id)
             .outerjoin(user_photos, user_photos.c.user_id == window_sessions.c.user_id)
             .where(window_sessions.c.ended_at.is_(None)))
    if window_id is not None:
        query = query.where(window_sessions.c.window_id == window_id)
    if user_id is not None:
        query = query.where(window_sessions.c.user_id == user_id)
    return conn.execute(query).mappings().first()


def start(conn, hall_id: int, window_id: int, user_id: int, now) -> None:
    conn.execute(insert(window_sessions).values(
        hall_id=hall_id, window_id=window_id, user_id=user_id, started_at=now))


def end(conn, session_id: int, now, by: int | None, reason: str) -> None:
    """End an open session (no-op when it has ended already)."""
    conn.execute(update(window_sessions)
                 .where(window_sessions.c.id == session_id, window_sessions.c.ended_at.is_(None))
                 .values(ended_at=now, ended_by=by, end_reason=reason))


def history(conn, hall_id: int, window_id: int | None, limit: int) -> list:
    """The hall's (or one window's) latest sessions, newest first, with the person's names."""
    query = (select(window_sessions, users.c.display_name, users.c.username)
             .join(users, users.c.id == window_sessions.c.user_id)
             .where(window_sessions.c.hall_id == hall_id)
             .order_by(window_sessions.c.started_at.desc()).limit(limit))
    if window_id is not None:
        query = query.where(window_sessions.c.window_id == window_id)
    return conn.execute(query).mappings().all()


def last_sign_outs(conn, hall_id: int) -> dict:
    """Window id -> when someone last signed out there (UTC)."""
    return dict(conn.execute(
        select(window_sessions.c.window_id, func.max(window_sessions.c.ended_at))
        .where(window_sessions.c.hall_id == hall_id, window_sessions.c.ended_at.is_not(None))
        .group_by(window_sessions.c.window_id)).all())


def open_sessions_by_window(conn, hall_id: int) -> dict:
    """Window id -> the display name (else user name) of who is signed in there."""
    rows = conn.execute(
        select(window_sessions.c.window_id, users.c.display_name, users.c.username)
        .join(users, users.c.id == window_sessions.c.user_id)
        .where(window_sessions.c.hall_id == hall_id, window_sessions.c.ended_at.is_(None)))
    return {r.window_id: r.display_name or r.username for r in rows}


def person_card(conn, user_id: int):
    """A person's user name, display name, staff number and photo key (for the counter)."""
    return conn.execute(
        select(users.c.username, users.c.display_name, users.c.staff_no,
               user_photos.c.key.label("photo_key"))
        .outerjoin(user_photos, user_photos.c.user_id == users.c.id)
        .where(users.c.id == user_id)).one()
