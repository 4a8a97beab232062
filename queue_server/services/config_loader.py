"""``load-config``: create or update halls, services and windows from a YAML file, and the
network part of each hall (level, parent, catalogue, the matters of each service: see
``services/network.py``).

Idempotent: loading the same file twice changes nothing. Services and windows missing from the
file are deactivated, never deleted, because tickets and history refer to them; tickets are never
touched.
"""

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from queue_server.domain.bookings import parse_booking, parse_no_show_rule
from queue_server.domain.errors import DomainError, invalid_request
from queue_server.domain.hours import parse_hours
from queue_server.domain.numbering import local_day, validate_service_code
from queue_server.domain.workdays import hall_calendar
from queue_server.services import accounts, bookings, hall_tree, network
from queue_server.services.sourcefiles import read_yaml, where
from queue_server.storage import halls as stored

_HALL_OPTION_KEYS = ("notice", "recall_limit", "voice_template", "allow_priority",
                     "voice_recall_template", "voice_repeat", "volume", "quiet_hours",
                     "max_pause_min", "device_silent_min", "alert_warn_ratio",
                     "followup_days", "followup_holidays", "followup_workdays", "region_code",
                     "evaluation_timeout_s", "no_show_undo_s", "staffed_hours",
                     "unattended_grace_min", "calendar", "booking_no_show",
                     "booking_max_wait_min")


def read_config_file(path) -> dict:
    """The parsed file; its mappings know their lines (``sourcefiles.Lined``) for messages."""
    data = read_yaml(path)
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
        "department_en": _text(entry, "department_en", where, required=False),
        "hours": list(hours), "daily_quota": _optional_int(entry, "daily_quota", where),
        "requires_id": bool(entry.get("requires_id", False) or entry.get("id_card_only")),
        "id_card_only": bool(entry.get("id_card_only", False)),
        "max_wait_min": _optional_int(entry, "max_wait_min", where),
        "max_service_min": _optional_int(entry, "max_service_min", where),
        "warn_waiting": _optional_int(entry, "warn_waiting", where),
        "position": position, "active": True,
        **_requeue_values(entry, where),
    }


def _requeue_values(entry: dict, where: str) -> dict:
    """过号顺延: ``no_show_requeue`` places back (0 = off), at most ``no_show_requeue_max`` times."""
    places = _optional_int(entry, "no_show_requeue", where)
    times = _optional_int(entry, "no_show_requeue_max", where)
    return {"no_show_requeue": 0 if places is None else places,
            "no_show_requeue_max": 1 if times is None else times}


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
    booking = _booking_options(entry.get("services") or [], svc, code)
    if booking:
        options["booking"] = booking
    parse_no_show_rule(options.get("booking_no_show"), f"hall {code} booking_no_show")
    if "calendar" in options:  # dates from YAML become text, checked (and kept) as given
        hall_calendar({"calendar": options["calendar"]})
        options["calendar"] = _plain(options["calendar"])
    _optional_int(options, "no_show_undo_s", f"hall {code}")
    try:  # the hours windows are expected staffed (空岗), for services without hours
        parse_hours(options.get("staffed_hours"))
    except DomainError as error:
        raise invalid_request(f"hall {code}: 'staffed_hours' {error.message}")
    return {"code": code, "name": _text(entry, "name", f"hall {code}"),
            "name_en": _text(entry, "name_en", f"hall {code}", required=False), "timezone": tz,
            "options": options, "services": svc, "windows": wins}


def _booking_options(entries: list, svc: list[dict], code: str) -> dict:
    """Each service's ``booking:`` (预约), checked against its hours and daily quota."""
    booking = {}
    for entry, values in zip(entries, svc):
        spec = entry.get("booking")
        where_ = f"hall {code} service {values['code']}"
        if parse_booking(spec, where_, parse_hours(values["hours"]), values["daily_quota"]):
            booking[values["code"]] = _plain(spec)
    return booking


def _plain(value):
    """A JSON-storable copy: dates as ``YYYY-MM-DD``, keys as text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def _validated_at_line(entry) -> dict:
    try:
        return _validated_hall(entry)
    except DomainError as error:
        line = where(entry)
        if line:
            error.message = f"{line}: {error.message}"
            error.args = (error.message,)
        raise


def load_config(ctx, data: dict) -> list[str]:
    """Apply a parsed configuration; returns one line per hall saying what it holds now."""
    validated = [_validated_at_line(h) for h in data.get("halls") or []]
    source = getattr(data, "source", "")
    plans = network.plan(data, Path(source).parent if source else Path.cwd())
    summary = []
    with ctx.db.write() as conn:
        for hall in validated:
            bookings.check_config_keeps(conn, stored.hall_id(conn, hall["code"]), hall,
                                        local_day(ctx.clock(), hall["timezone"]))
            hall_id = stored.save_hall(conn, hall["code"], {
                k: hall[k] for k in ("name", "name_en", "timezone", "options")})
            service_ids = stored.sync_services(conn, hall_id, hall["services"])
            stored.sync_windows(conn, hall_id, hall["windows"], service_ids)
            summary.append(f"{hall['code']}: {len(hall['services'])} services, "
                           f"{len(hall['windows'])} windows")
        summary += network.apply(conn, plans)
    ctx.halls.invalidate()
    hall_tree.forget(ctx)  # managers' subtrees: this process at once, others within its TTL
    accounts.forget_cached(ctx)  # the principals cached with the old subtrees
    return summary
