"""The hall tree and catalogues of a configuration file, applied by ``load-config``; who sees
which hall (``in_scope``).

``plan(data, base_dir)`` reads the network part of every hall entry (``level``, ``parent``,
``catalogue``, each service's ``matters``) before anything is written; ``apply(conn, plans)``
runs inside load-config's transaction, after the halls and services are saved: it checks the
whole tree (stored halls and the file's together), so an error rolls everything back.
"""

from dataclasses import dataclass, field
from pathlib import Path

from queue_server.domain import catalogue as rules
from queue_server.domain.errors import DomainError, invalid_request
from queue_server.domain.network import HallNode, check_tree, tree_order, validate_level
from queue_server.services.accounts import SUPERVISING, forbidden, unauthenticated
from queue_server.services.catalogue import CatalogueSpec, catalogue_spec, own_from_spec
from queue_server.services.sourcefiles import where
from queue_server.storage import network as store
from queue_server.storage import halls as stored_halls


@dataclass(frozen=True)
class HallPlan:
    node: HallNode
    catalogue: CatalogueSpec | None
    service_matters: dict = field(default_factory=dict)  # service code -> (codes, where)


def plan(data: dict, base_dir: Path) -> list[HallPlan]:
    source = getattr(data, "source", "") or "configuration"
    return [_hall_plan(entry, source, base_dir) for entry in data.get("halls") or []]


def _hall_plan(entry: dict, source: str, base_dir: Path) -> HallPlan:
    code = entry["code"].strip()  # checked by config_loader before
    at = where(entry, "parent", f"{source}, hall {code}")
    level = validate_level(entry.get("level"), f"{where(entry, 'level', at)}: hall {code}: ")
    parent = entry.get("parent")
    if parent is not None and (not isinstance(parent, str) or not parent.strip()):
        raise invalid_request(f"{at}: hall {code}: 'parent' must be a hall code")
    spec = None
    if "catalogue" in entry:
        spec = catalogue_spec(entry["catalogue"], where(entry, "catalogue", at), base_dir)
    chosen = {}
    for service in entry.get("services") or []:
        codes = service.get("matters")
        if codes is None:
            codes = []
        at_service = f"{where(service, 'matters', at)}, service {service['code']}"
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes) \
                or len(set(codes)) != len(codes):
            raise invalid_request(f"{at_service}: 'matters' must list matter codes, each once")
        chosen[service["code"]] = (codes, at_service)
    node = HallNode(code, level, parent.strip() if parent else None, at)
    return HallPlan(node, spec, chosen)


def apply(conn, plans: list[HallPlan]) -> list[str]:
    """Save the tree, catalogues and service matters; one line per hall in the network."""
    planned = {p.node.code: p.node for p in plans}
    stored = [n for n in store.hall_nodes(conn) if n.code not in planned]
    check_tree(list(planned.values()) + stored)  # the file's halls first: errors name lines
    for p in plans:
        store.set_place(conn, p.node.code, p.node.level, p.node.parent)
    for p in plans:
        if p.catalogue is not None:
            hall_id = _hall_id(conn, p.node.code)
            own = own_from_spec(p.catalogue, store.own_catalogue(conn, hall_id))
            store.save_own_catalogue(conn, hall_id, own)
    return [line for line in (_save_service_matters(conn, p) for p in plans) if line]


def _save_service_matters(conn, p: HallPlan) -> str:
    hall_id = _hall_id(conn, p.node.code)
    catalogue = rules.effective_catalogue(store.catalogue_chain(conn, hall_id))
    ids = store.service_ids(conn, hall_id)
    for service_code, (codes, at) in p.service_matters.items():
        for code in codes:
            if code not in catalogue:
                raise invalid_request(f"{at}: matter {code!r} is not in hall "
                                      f"{p.node.code}'s catalogue")
            if not catalogue[code].handled_at(p.node.level):
                raise invalid_request(f"{at}: matter {code} is handled at "
                                      f"{', '.join(catalogue[code].levels)}, not at "
                                      f"{p.node.level} level")
        store.set_service_matters(conn, ids[service_code], codes)
    if p.node.level is None and p.node.parent is None and not catalogue:
        return ""
    place = f"{p.node.level or 'no level'}" + (f" under {p.node.parent}" if p.node.parent else "")
    handled = len(rules.handled_here(catalogue, p.node.level))
    return f"{p.node.code}: {place}; {len(catalogue)} matters in its catalogue, {handled} " \
           "handled at its level"


def _hall_id(conn, code: str) -> int:
    return stored_halls.hall_id(conn, code)


def scoped_halls(ctx, principal) -> list[dict]:
    """``GET /network``: the halls a manager or supervisor watches (their hall's subtree; every
    hall for an admin), each with its level and parent, parents before children."""
    if principal is None:
        raise unauthenticated()
    if not principal.is_user("admin", *SUPERVISING):
        raise forbidden("only managers, supervisors and admins see the network")
    known = {h.code: h for h in ctx.halls.all()}
    with ctx.db.read() as conn:
        nodes = store.hall_nodes(conn)
    parents = {n.code: n.parent for n in nodes}
    by_code = {n.code: n for n in nodes}
    visible = [c for c in tree_order(parents) if c in known and principal.reaches(known[c].id)]
    return [{"code": c, "name": known[c].name, "level": by_code[c].level,
             "parent": by_code[c].parent if by_code[c].parent in visible else None}
            for c in visible]


def in_scope(ctx, principal, hall_code: str) -> bool:
    """May ``principal`` (a signed-in user or device) see hall ``hall_code``? Admins see every
    hall, managers and supervisors their hall's subtree, anyone else their own hall only; an
    unknown hall is nobody's. The same rule as every HTTP endpoint (``Principal.reaches``, the
    tree cached by ``hall_tree``): no database round trip once the directory is loaded."""
    if principal is None:
        return False
    try:
        hall = ctx.halls.get(hall_code)
    except DomainError:  # unknown_hall
        return False
    return principal.reaches(hall.id)
