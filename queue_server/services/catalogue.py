"""The matter catalogue (事项目录): read from YAML or CSV, load for a hall, answer "what can I do
here".

File formats (see docs/NETWORK.md):

- CSV, one matter a line, header ``code,name,department,levels,kind,statutory_days,
  promised_days,requires_id,materials`` (lists separated by ``;``), UTF-8 or GB18030.
- YAML, either a list of matters, or a mapping ``{inherit: true, drop: [codes], matters: [...]}``.

In a hall configuration, ``catalogue:`` is a file name (relative to the configuration file) or
such a mapping, optionally with ``file:`` beside inline ``matters:``.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from queue_server.domain import catalogue as rules
from queue_server.domain.errors import invalid_request, not_found
from queue_server.domain.workdays import add_working_days, hall_calendar
from queue_server.services.sourcefiles import read_csv_rows, read_yaml, where
from queue_server.storage import network as store
from queue_server.storage import halls as stored_halls


@dataclass(frozen=True)
class CatalogueSpec:
    """What a file or configuration says of one hall's catalogue (None = not said)."""

    matters: tuple
    inherits: bool | None = None
    drops: frozenset | None = None


def read_catalogue_file(path) -> CatalogueSpec:
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return CatalogueSpec(rules.parse_catalogue(read_csv_rows(path)))
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise invalid_request(f"{path}: a catalogue is a .csv, .yaml or .yml file")
    return catalogue_spec(read_yaml(path), str(path), path.parent)


def catalogue_spec(value, fallback: str, base_dir: Path) -> CatalogueSpec:
    """A catalogue from a YAML value: a file name, a list of matters or a mapping."""
    if isinstance(value, str):
        target = Path(value) if Path(value).is_absolute() else base_dir / value
        return read_catalogue_file(target)
    if isinstance(value, list):
        return CatalogueSpec(_matters(value, fallback))
    if not isinstance(value, dict) or set(value) - {"inherit", "drop", "matters", "file"}:
        raise invalid_request(f"{where(value, fallback=fallback)}: a catalogue is a file name, "
                              "a list of matters or a mapping of inherit, drop, file, matters")
    found = catalogue_spec(value["file"], fallback, base_dir).matters if value.get("file") else ()
    inline = _matters(value.get("matters") or [], where(value, "matters", fallback))
    return CatalogueSpec(_overlay(found, inline), _inherit(value, fallback),
                         _drops(value, fallback))


def _matters(items, fallback: str) -> tuple:
    if not isinstance(items, list):
        raise invalid_request(f"{fallback}: 'matters' must be a list")
    return rules.parse_catalogue([(item, where(item, fallback=fallback)) for item in items])


def _overlay(base: tuple, extra: tuple) -> tuple:
    by_code = {m.code: m for m in base}
    by_code.update((m.code, m) for m in extra)
    return tuple(by_code.values())


def _inherit(value: dict, fallback: str) -> bool | None:
    inherit = value.get("inherit")
    if inherit is not None and not isinstance(inherit, bool):
        raise invalid_request(f"{where(value, 'inherit', fallback)}: 'inherit' must be true or "
                              "false")
    return inherit


def _drops(value: dict, fallback: str) -> frozenset | None:
    drop = value.get("drop")
    if drop is None:
        return None
    if not isinstance(drop, list) or not all(isinstance(c, str) for c in drop):
        raise invalid_request(f"{where(value, 'drop', fallback)}: 'drop' must list matter codes")
    return frozenset(c.strip() for c in drop)


def own_from_spec(spec: CatalogueSpec, stored: rules.OwnCatalogue) -> rules.OwnCatalogue:
    """The hall's new own catalogue: what the spec says, the stored flags where it is silent."""
    return rules.OwnCatalogue(stored.inherits if spec.inherits is None else spec.inherits,
                              stored.drops if spec.drops is None else spec.drops, spec.matters)


def load_catalogue(ctx, hall_code: str, path) -> str:
    """``queue-server load-catalogue FILE --hall CODE``: replace the hall's own matters."""
    spec = read_catalogue_file(path)
    with ctx.db.write() as conn:
        hall_id = _hall_id(conn, hall_code)
        own = own_from_spec(spec, store.own_catalogue(conn, hall_id))
        store.save_own_catalogue(conn, hall_id, own)
        effective = rules.effective_catalogue(store.catalogue_chain(conn, hall_id))
        listed = {c for codes in store.matters_by_service(conn, hall_id).values() for c in codes}
    inherited = "inherits its parent's catalogue" if own.inherits else "own catalogue only"
    summary = (f"{hall_code}: {len(own.matters)} own matters, {len(own.drops)} dropped, "
               f"{len(effective)} in its catalogue ({inherited})")
    missing = sorted(listed - set(effective))
    if missing:  # kept as configured (load-config refuses them): the answers leave them out
        summary += (f"\nwarning: {hall_code}'s services list matters no longer in its "
                    f"catalogue: {', '.join(missing)}")
    return summary


def _hall_id(conn, code: str) -> int:
    hall_id = stored_halls.hall_id(conn, code)
    if hall_id is None:
        raise invalid_request(f"no hall {code!r}: load its configuration first")
    return hall_id


def handled_matters(ctx, hall_code: str) -> dict[str, rules.Matter]:
    """The matters hall ``hall_code`` handles, by code: what cases (issue 11) and bookings
    (issue 13) look a matter up in."""
    info = ctx.halls.get(hall_code)
    with ctx.db.read() as conn:
        level = store.hall_level(conn, info.id)
        catalogue = rules.effective_catalogue(store.catalogue_chain(conn, info.id))
    return {m.code: m for m in rules.handled_here(catalogue, level)}


def matter(ctx, hall_code: str, code) -> rules.Matter:
    """One matter the hall handles; 404 ``unknown_matter`` otherwise."""
    found = handled_matters(ctx, hall_code).get(code) if isinstance(code, str) else None
    if found is None:
        raise not_found("unknown_matter", f"hall {hall_code} handles no matter {code!r}")
    return found


def promised_deadline(hall_options: dict, matter_: rules.Matter, accepted_on: date):
    """The last day to finish a case of ``matter_`` accepted on ``accepted_on`` (a local day),
    on the hall's working-day calendar: ``promised_days`` working days later, counted from the
    next day. None when the matter promises no time."""
    if matter_.promised_days is None:
        return None
    return add_working_days(hall_calendar(hall_options), accepted_on, matter_.promised_days)


def hall_matters(ctx, hall_code: str) -> dict:
    """What can I do here: the matters each open service takes, and the hall's other matters
    (handled at its level, but taken by no service, e.g. forwarded by a village clerk)."""
    info = ctx.halls.get(hall_code)
    with ctx.db.read() as conn:
        level = store.hall_level(conn, info.id)
        catalogue = rules.effective_catalogue(store.catalogue_chain(conn, info.id))
        by_service = store.matters_by_service(conn, info.id)
    handled = {m.code: m for m in rules.handled_here(catalogue, level)}
    taken: set[str] = set()
    answer = []
    for service in info.services:
        codes = [c for c in by_service.get(service.id, []) if c in handled]
        taken.update(codes)
        answer.append({"code": service.code, "name": service.name,
                       "name_en": service.name_en,
                       "matters": [handled[c].as_dict() for c in codes]})
    return {"hall": info.code, "level": level, "services": answer,
            "other_matters": [m.as_dict() for c, m in handled.items() if c not in taken]}
