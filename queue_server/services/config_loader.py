"""``load-config``: create or update halls, services and windows from a YAML file.

Idempotent: loading the same file twice changes nothing. Services and windows missing from the
file are deactivated, never deleted, because tickets and history refer to them; tickets are never
touched.
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from sqlalchemy import delete, insert, select, update

from queue_server.domain.errors import DomainError, invalid_request
from queue_server.domain.hours import parse_hours
from queue_server.domain.numbering import validate_service_code
from queue_server.storage.models import halls, services, window_services, windows

_HALL_OPTION_KEYS = ("notice", "recall_limit", "voice_template", "allow_priority",
                     "voice_recall_template", "voice_repeat", "volume", "quiet_hours",
                     "max_pause_min", "device_silent_min", "alert_warn_ratio",
                     "followup_days", "followup_holidays", "followup_workdays", "region_code",
                     "evaluation_timeout_s")


def read_config_file(path) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except yaml.YAMLError as error:
        raise invalid_request(f"{path}: not valid YAML: {error}")
    if not isinstance(data, dict) or not isinstance(data.get("halls"), list):
        raise invalid_request(f"{path}: expected a mapping with a 'halls' list")
    return data


def _text(entry: dict, key: str, where: str, required=True, default="") -> str:
    value = entry.get(key, default)
    if value is None and not required:
        return default
    if not isinstance(value, str) or (required and not value.strip()):
        raise invalid_request(f"{where}: '{key}' must be a non-empty string")
    return value.strip()


def _optional_int(entry: dict, key: str, where: str) -> int | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise invalid_request(f"{where}: '{key}' must be a whole number ≥ 0")
    return value


def _service_values(entry: dict, where: str, position: int) -> dict:
    if not isinstance(entry, dict):
        raise invalid_request(f"{where}: each service must be a mapping")
    code = validate_service_code(entry.get("code"))
    where = f"{where} {code}"
    hours = entry.get("hours") or []
    try:
        parse_hours(hours)
    except DomainError as error:
        raise invalid_request(f"{where}: 'hours' {error.message}")
    return {
        "code": code, "name": _text(entry, "name", where),
        "name_en": _text(entry, "name_en", where, required=False),
        "department": _text(entry, "department", where, required=False),
        "hours": list(hours), "daily_quota": _optional_int(entry, "daily_quota", where),
        "requires_id": bool(entry.get("requires_id", False)),
        "max_wait_min": _optional_int(entry, "max_wait_min", where),
        "max_service_min": _optional_int(entry, "max_service_min", where),
        "warn_waiting": _optional_int(entry, "warn_waiting", where),
        "position": position, "active": True,
    }


def _window_values(entry: dict, where: str, service_codes: set) -> tuple[dict, list[str]]:
    if not isinstance(entry, dict):
        raise invalid_request(f"{where}: each window must be a mapping")
    number = entry.get("number")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise invalid_request(f"{where}: window 'number' must be a whole number ≥ 1")
    codes = entry.get("services") or []
    if not isinstance(codes, list) or any(c not in service_codes for c in codes):
        raise invalid_request(f"{where} window {number}: 'services' must list this hall's codes")
    if len(set(codes)) != len(codes):
        raise invalid_request(f"{where} window {number}: a service is listed twice")
    name = _text(entry, "name", where, required=False) or f"{number}号窗口"
    return {"number": number, "name": name, "active": True}, codes


def _validated_hall(entry) -> dict:
    if not isinstance(entry, dict):
        raise invalid_request("each hall must be a mapping")
    code = _text(entry, "code", "hall")
    if not code.replace("-", "").replace("_", "").isalnum() or not code.isascii():
        raise invalid_request(f"hall {code!r}: code must be ASCII letters, digits, - or _")
    tz = _text(entry, "timezone", f"hall {code}", required=False) or "Asia/Shanghai"
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid_request(f"hall {code}: unknown timezone {tz!r}")
    svc = [_service_values(s, f"hall {code} service", i)
           for i, s in enumerate(entry.get("services") or [])]
    codes = [s["code"] for s in svc]
    if len(set(codes)) != len(codes):
        raise invalid_request(f"hall {code}: a service code is used twice")
    wins = [_window_values(w, f"hall {code}", set(codes)) for w in entry.get("windows") or []]
    numbers = [w[0]["number"] for w in wins]
    if len(set(numbers)) != len(numbers):
        raise invalid_request(f"hall {code}: a window number is used twice")
    options = {k: entry[k] for k in _HALL_OPTION_KEYS if k in entry}
    return {"code": code, "name": _text(entry, "name", f"hall {code}"), "timezone": tz,
            "options": options, "services": svc, "windows": wins}


def load_config(ctx, data: dict) -> list[str]:
    """Apply a parsed configuration; returns one line per hall saying what it holds now."""
    validated = [_validated_hall(h) for h in data.get("halls") or []]
    summary = []
    with ctx.db.write() as conn:
        for hall in validated:
            hall_id = _upsert(conn, halls, {"code": hall["code"]},
                              {k: hall[k] for k in ("name", "timezone", "options")})
            service_ids = _sync_services(conn, hall_id, hall["services"])
            _sync_windows(conn, hall_id, hall["windows"], service_ids)
            summary.append(f"{hall['code']}: {len(hall['services'])} services, "
                           f"{len(hall['windows'])} windows")
    ctx.halls.invalidate()
    return summary


def _upsert(conn, table, keys: dict, values: dict) -> int:
    where = [table.c[k] == v for k, v in keys.items()]
    row_id = conn.execute(select(table.c.id).where(*where)).scalar()
    if row_id is None:
        return conn.execute(insert(table).values(**keys, **values).returning(table.c.id)).scalar_one()
    conn.execute(update(table).where(table.c.id == row_id).values(**values))
    return row_id


def _sync_services(conn, hall_id: int, entries: list[dict]) -> dict[str, int]:
    ids = {}
    for entry in entries:
        values = {k: v for k, v in entry.items() if k != "code"}
        ids[entry["code"]] = _upsert(conn, services, {"hall_id": hall_id, "code": entry["code"]},
                                     values)
    conn.execute(update(services).where(services.c.hall_id == hall_id,
                                        services.c.code.not_in(list(ids) or [""]))
                 .values(active=False))
    return ids


def _sync_windows(conn, hall_id: int, entries: list, service_ids: dict[str, int]) -> None:
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
