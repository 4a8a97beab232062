"""Queries of users' profiles and photos (亮证上岗).

Every function takes an open connection; the caller owns the transaction. Tokens are in
``storage/tokens.py``; permissions are decided in ``services/accounts.py``.
"""

from sqlalchemy import delete, insert, select, update

from queue_server.storage.models import user_photos, user_windows, users, windows


def user_id(conn, username: str) -> int | None:
    return conn.execute(select(users.c.id).where(users.c.username == username)).scalar()


def user_by_name(conn, username: str):
    """The user row (a mapping), or None."""
    return conn.execute(select(users).where(users.c.username == username)).mappings().first()


def add_user(conn, **values) -> int:
    """Insert a user; its id."""
    return conn.execute(insert(users).values(**values).returning(users.c.id)).scalar_one()


def link_windows(conn, user_id: int, window_ids: list[int]) -> None:
    for window_id in window_ids:
        conn.execute(insert(user_windows).values(user_id=user_id, window_id=window_id))


def window_id(conn, hall_id: int, number: int) -> int | None:
    """The id of window ``number`` of a hall, or None."""
    return conn.execute(select(windows.c.id).where(
        windows.c.hall_id == hall_id, windows.c.number == number)).scalar()


def all_users(conn) -> list:
    """Every user, by name, with ``photo`` (the photo's content type, or None)."""
    return conn.execute(
        select(users, user_photos.c.content_type.label("photo"))
        .outerjoin(user_photos, user_photos.c.user_id == users.c.id)
        .order_by(users.c.username)).mappings().all()


def window_numbers_by_user(conn) -> dict[int, list[int]]:
    """Each user's window numbers (user id → numbers, unsorted)."""
    numbers: dict[int, list[int]] = {}
    for user_id, number in conn.execute(
            select(user_windows.c.user_id, windows.c.number)
            .join(windows, windows.c.id == user_windows.c.window_id)):
        numbers.setdefault(user_id, []).append(number)
    return numbers


def update_user(conn, user_id: int, **values) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(**values))


def replace_photo(conn, user_id: int, values: dict | None) -> None:
    """Remove a user's photo and, with ``values`` (key, content_type, data, updated_at), store
    the new one."""
    conn.execute(delete(user_photos).where(user_photos.c.user_id == user_id))
    if values is not None:
        conn.execute(insert(user_photos).values(user_id=user_id, **values))


def profile(conn, username: str):
    """A user's name, display name, staff number, hall and photo key and type (a mapping), or
    None."""
    return conn.execute(
        select(users.c.username, users.c.display_name, users.c.staff_no, users.c.hall_id,
               user_photos.c.key, user_photos.c.content_type)
        .outerjoin(user_photos, user_photos.c.user_id == users.c.id)
        .where(users.c.username == username)).mappings().first()


def hall_photo(conn, key: str, hall_id: int):
    """The photo (data, content_type) behind a key whose owner works in the hall, or None."""
    return conn.execute(
        select(user_photos.c.data, user_photos.c.content_type)
        .join(users, users.c.id == user_photos.c.user_id)
        .where(user_photos.c.key == key, users.c.hall_id == hall_id)).first()
