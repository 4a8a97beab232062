"""Queries of the hall tree and the matter catalogue (tables of migration 0011).

Every function takes an open connection; the caller owns the transaction.
"""

from sqlalchemy import delete, insert, select, update

from queue_server.domain.catalogue import Matter, OwnCatalogue
from queue_server.domain.network import HallNode
from queue_server.storage.models import halls, services
from queue_server.storage.network_models import (
    hall_places,
    matter_drops,
    matters,
    service_matters,
)

_MATTER_FIELDS = ("name", "department", "levels", "kind", "statutory_days", "promised_days",
                  "materials", "requires_id")


def hall_nodes(conn) -> list[HallNode]:
    """Every stored hall with its level and its parent's code."""
    rows = conn.execute(
        select(halls.c.id, halls.c.code, hall_places.c.level, hall_places.c.parent_id)
        .outerjoin(hall_places, hall_places.c.hall_id == halls.c.id)).all()
    code_by_id = {r.id: r.code for r in rows}
    return [HallNode(r.code, r.level, code_by_id.get(r.parent_id)) for r in rows]


def hall_level(conn, hall_id: int) -> str | None:
    return conn.execute(select(hall_places.c.level)
                        .where(hall_places.c.hall_id == hall_id)).scalar()


def _place(conn, hall_id: int):
    return conn.execute(select(hall_places).where(hall_places.c.hall_id == hall_id)).first()


def _save_place(conn, hall_id: int, **values) -> None:
    if _place(conn, hall_id) is None:
        row = {"level": None, "parent_id": None, "catalogue_inherits": False, **values}
        conn.execute(insert(hall_places).values(hall_id=hall_id, **row))
    else:
        conn.execute(update(hall_places).where(hall_places.c.hall_id == hall_id).values(**values))


def hall_parents(conn) -> dict[str, str | None]:
    return {node.code: node.parent for node in hall_nodes(conn)}


def hall_parent_ids(conn) -> dict[int, int | None]:
    """Every stored hall's id with its parent's id (None at the top or outside any network)."""
    rows = conn.execute(select(halls.c.id, hall_places.c.parent_id)
                        .outerjoin(hall_places, hall_places.c.hall_id == halls.c.id)).all()
    return {r.id: r.parent_id for r in rows}


def set_place(conn, hall_code: str, level: str | None, parent_code: str | None) -> None:
    parent_id = None
    if parent_code is not None:
        parent_id = conn.execute(select(halls.c.id).where(halls.c.code == parent_code)).scalar_one()
    hall_id = conn.execute(select(halls.c.id).where(halls.c.code == hall_code)).scalar_one()
    if level is None and parent_id is None and _place(conn, hall_id) is None:
        return  # a hall outside any network (an old configuration) needs no row
    _save_place(conn, hall_id, level=level, parent_id=parent_id)


def own_catalogue(conn, hall_id: int) -> OwnCatalogue:
    place = _place(conn, hall_id)
    inherits = place is not None and place.catalogue_inherits
    drops = conn.execute(select(matter_drops.c.code)
                         .where(matter_drops.c.hall_id == hall_id)).scalars()
    rows = conn.execute(select(matters).where(matters.c.hall_id == hall_id, matters.c.active)
                        .order_by(matters.c.position, matters.c.id)).mappings()
    return OwnCatalogue(bool(inherits), frozenset(drops), tuple(_matter(r) for r in rows))


def _matter(row) -> Matter:
    return Matter(row["code"], row["name"], row["department"], tuple(row["levels"] or ()),
                  row["kind"], row["statutory_days"], row["promised_days"],
                  tuple(row["materials"] or ()), bool(row["requires_id"]))


def catalogue_chain(conn, hall_id: int) -> list[OwnCatalogue]:
    """The own catalogues from the top of the tree down to ``hall_id``, as far as each hall
    inherits (a hall that does not inherit ends the chain upwards)."""
    chain, current, seen = [], hall_id, set()
    while current is not None and current not in seen:
        seen.add(current)
        own = own_catalogue(conn, current)
        chain.append(own)
        if not own.inherits:
            break
        current = _place(conn, current).parent_id
    return list(reversed(chain))


def save_own_catalogue(conn, hall_id: int, own: OwnCatalogue) -> None:
    """Make the hall's own catalogue ``own``: matters upserted by code, missing ones
    deactivated (never deleted), drops replaced."""
    _save_place(conn, hall_id, catalogue_inherits=own.inherits)
    conn.execute(delete(matter_drops).where(matter_drops.c.hall_id == hall_id))
    for code in sorted(own.drops):
        conn.execute(insert(matter_drops).values(hall_id=hall_id, code=code))
    stored = dict(conn.execute(select(matters.c.code, matters.c.id)
                               .where(matters.c.hall_id == hall_id)).all())
    for position, matter in enumerate(own.matters):
        values = {f: getattr(matter, f) for f in _MATTER_FIELDS}
        values.update(levels=list(matter.levels), materials=list(matter.materials),
                      position=position, active=True)
        if matter.code in stored:
            conn.execute(update(matters).where(matters.c.id == stored[matter.code])
                         .values(**values))
        else:
            conn.execute(insert(matters).values(hall_id=hall_id, code=matter.code, **values))
    wanted = [m.code for m in own.matters]
    conn.execute(update(matters).where(matters.c.hall_id == hall_id,
                                       matters.c.code.not_in(wanted or [""]))
                 .values(active=False))


def set_service_matters(conn, service_id: int, codes: list[str]) -> None:
    have = conn.execute(select(service_matters.c.matter_code)
                        .where(service_matters.c.service_id == service_id)
                        .order_by(service_matters.c.position)).scalars().all()
    if have == codes:
        return
    conn.execute(delete(service_matters).where(service_matters.c.service_id == service_id))
    for position, code in enumerate(codes):
        conn.execute(insert(service_matters).values(service_id=service_id, matter_code=code,
                                                    position=position))


def matters_by_service(conn, hall_id: int) -> dict[int, list[str]]:
    """Matter codes per active service of the hall, in configuration order."""
    rows = conn.execute(
        select(service_matters.c.service_id, service_matters.c.matter_code)
        .join(services, services.c.id == service_matters.c.service_id)
        .where(services.c.hall_id == hall_id, services.c.active)
        .order_by(service_matters.c.service_id, service_matters.c.position)).all()
    result: dict[int, list[str]] = {}
    for row in rows:
        result.setdefault(row.service_id, []).append(row.matter_code)
    return result


def service_ids(conn, hall_id: int) -> dict[str, int]:
    """A hall's services, inactive ones too: code → id."""
    return dict(conn.execute(select(services.c.code, services.c.id)
                             .where(services.c.hall_id == hall_id)).all())
