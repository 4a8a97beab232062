"""Queries of the devices table (kiosks, hall screens, window terminals, LED signs).

Every function takes an open connection; the caller owns the transaction.
"""

from sqlalchemy import insert, select, update

from queue_server.storage.models import devices, windows


def device_place(conn, device_id: int):
    """Where a device stands (hall_id, name, window_id), or None for an unknown id."""
    return conn.execute(select(devices.c.hall_id, devices.c.name, devices.c.window_id)
                        .where(devices.c.id == device_id)).first()


def live_devices(conn, hall_id: int) -> list:
    """The hall's devices that are not revoked (id, name, kind, last_seen_at)."""
    return conn.execute(select(devices.c.id, devices.c.name, devices.c.kind,
                               devices.c.last_seen_at)
                        .where(devices.c.hall_id == hall_id, devices.c.revoked_at.is_(None))).all()


def touch_last_seen(conn, now, token_hash: str | None = None,
                    device_id: int | None = None) -> bool:
    """Set a live device's ``last_seen_at``, found by token hash or id; False if none is."""
    where = devices.c.token_hash == token_hash if token_hash else devices.c.id == device_id
    return conn.execute(update(devices).where(where, devices.c.revoked_at.is_(None))
                        .values(last_seen_at=now)).rowcount == 1


def live_by_token(conn, token_hash: str):
    """The device a token stands for (a mapping), unless revoked; or None."""
    return conn.execute(select(devices).where(
        devices.c.token_hash == token_hash, devices.c.revoked_at.is_(None))).mappings().first()


def device_id(conn, hall_id: int, name: str) -> int | None:
    return conn.execute(select(devices.c.id).where(
        devices.c.hall_id == hall_id, devices.c.name == name)).scalar()


def kind_and_window(conn, hall_id: int, name: str):
    """A device's ``kind`` and window ``number`` (None for none), or None for no such device."""
    return conn.execute(select(devices.c.kind, windows.c.number)
                        .outerjoin(windows, windows.c.id == devices.c.window_id)
                        .where(devices.c.hall_id == hall_id, devices.c.name == name)).first()


def add(conn, **values) -> None:
    conn.execute(insert(devices).values(**values))


def update_device(conn, device_id: int, **values) -> None:
    conn.execute(update(devices).where(devices.c.id == device_id).values(**values))


def all_devices(conn) -> list:
    """Every device by hall and name, with its window's ``window`` number (mappings)."""
    return conn.execute(
        select(devices, windows.c.number.label("window"))
        .outerjoin(windows, windows.c.id == devices.c.window_id)
        .order_by(devices.c.hall_id, devices.c.name)).mappings().all()
