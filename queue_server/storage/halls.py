"""Queries of a hall's configuration: the hall, its services, its windows and which services
each window calls, as ``load-config`` writes them and the hall directory reads them.

Every function takes an open connection; the caller owns the transaction.
"""

from sqlalchemy import delete, insert, select, update

from queue_server.storage.models import halls, services, window_services, windows


def _upsert(conn, table, keys: dict, values: dict) -> int:
    """Update the row with these key values, or insert it; its id."""
    where = [table.c[k] == v for k, v in keys.items()]
    row_id = conn.execute(select(table.c.id).where(*where)).scalar()
    if row_id is None:
        return conn.execute(insert(table).values(**keys, **values)
                            .returning(table.c.id)).scalar_one()
    conn.execute(update(table).where(table.c.id == row_id).values(**values))
    return row_id


def sync_services(conn, hall_id: int, entries: list[dict]) -> dict[str, int]:
    """Insert or update the hall's services by code (each entry: code and column values);
    those not listed become inactive, never deleted (old tickets refer to them). Code -> id."""
    ids = {}
    for entry in entries:
        values = {k: v for k, v in entry.items() if k != "code"}
        ids[entry["code"]] = _upsert(conn, services, {"hall_id": hall_id, "code": entry["code"]},
                                     values)
    conn.execute(update(services).where(services.c.hall_id == hall_id,
                                        services.c.code.not_in(list(ids) or [""]))
                 .values(active=False))
    return ids


def sync_windows(conn, hall_id: int, entries: list, service_ids: dict[str, int]) -> None:
    """Insert or update the hall's windows by number (each entry: ``(values, service codes)``)
    and their services in order; those not listed become inactive."""
    numbers = []
    for values, codes in entries:
        window_id = _upsert(conn, windows, {"hall_id": hall_id, "number": values["number"]},
                            {"name": values["name"], "active": True})
        numbers.append(values["number"])
        wanted = [(service_ids[c], i) for i, c in enumerate(codes)]
        have = conn.execute(select(window_services.c.service_id, window_services.c.position)
                            .where(window_services.c.window_id == window_id)).all()
        if sorted(map(tuple, have)) != sorted(wanted):
            conn.execute(delete(window_services).where(window_services.c.window_id == window_id))
            for service_id, position in wanted:
                conn.execute(insert(window_services).values(
                    window_id=window_id, service_id=service_id, position=position))
    conn.execute(update(windows).where(windows.c.hall_id == hall_id,
                                       windows.c.number.not_in(numbers or [0]))
                 .values(active=False))


def save_hall(conn, code: str, values: dict) -> int:
    """Insert or update a hall by code; its id."""
    return _upsert(conn, halls, {"code": code}, values)


def all_halls(conn) -> list:
    return conn.execute(select(halls).order_by(halls.c.id)).mappings().all()


def all_services(conn) -> list:
    """Every service of every hall, active or not, in each hall's order."""
    return conn.execute(select(services).order_by(services.c.position, services.c.id)
                        ).mappings().all()


def all_windows(conn) -> list:
    return conn.execute(select(windows).order_by(windows.c.number)).mappings().all()


def window_links(conn) -> list:
    """(window_id, service_id, position) of every window's services, in call preference order."""
    return conn.execute(select(window_services).order_by(window_services.c.position)).all()


def hall_id(conn, code: str) -> int | None:
    return conn.execute(select(halls.c.id).where(halls.c.code == code)).scalar()
