"""The matter catalogue (事项目录): what a hall handles, with its time limits and materials.

A matter (事项) has a code, a name, a department, the levels that handle it, a statutory and a
promised time limit in working days (法定时限 ≥ 承诺时限), a default case kind (办件类型), the
materials to bring (申请材料, the 一次性告知 list for 补正) and whether a real name is required.

Catalogues follow the hall tree: a hall that inherits starts from its parent's catalogue (the
parent's own inherited one included), drops some codes, and adds or redefines its own. What a
hall *handles* is that catalogue filtered to matters whose levels include the hall's level.
Standard library only.
"""

from dataclasses import dataclass, field

from queue_server.domain.errors import invalid_request
from queue_server.domain.network import LEVELS, RANK

# Case kinds (五件); GB/T 39046-2020 codes 1 = 即办件, 2 = 承诺件, 9 = other.
KINDS = {"immediate": "即办件", "promised": "承诺件", "joint": "联办件", "proxy": "代办件",
         "reported": "上报件"}
KIND_GBT_CODES = {"immediate": "1", "promised": "2", "joint": "9", "proxy": "9", "reported": "9"}
_KIND_BY_NAME = {**{k: k for k in KINDS}, **{v: k for k, v in KINDS.items()}}
MAX_DAYS = 365
CODE_MAX = 40


@dataclass(frozen=True)
class Matter:
    code: str
    name: str
    department: str
    levels: tuple = ()  # empty: every level
    kind: str = "immediate"
    statutory_days: int | None = None
    promised_days: int | None = None
    materials: tuple = ()
    requires_id: bool = False

    def handled_at(self, level: str | None) -> bool:
        return level is None or not self.levels or level in self.levels

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "department": self.department,
                "levels": list(self.levels), "kind": self.kind, "kind_name": KINDS[self.kind],
                "statutory_days": self.statutory_days, "promised_days": self.promised_days,
                "materials": list(self.materials), "requires_id": self.requires_id}


@dataclass(frozen=True)
class OwnCatalogue:
    """One hall's part of the catalogue: whether it inherits, what it drops, what it adds."""

    inherits: bool = False
    drops: frozenset = field(default_factory=frozenset)
    matters: tuple = ()


def effective_catalogue(chain: list[OwnCatalogue]) -> dict[str, Matter]:
    """The catalogue of the last hall of ``chain`` (the root first): by code, in order."""
    result: dict[str, Matter] = {}
    for own in chain:
        if not own.inherits:
            result = {}
        result = {code: m for code, m in result.items() if code not in own.drops}
        for matter in own.matters:
            result[matter.code] = matter
    return result


def handled_here(catalogue: dict[str, Matter], level: str | None) -> list[Matter]:
    return [m for m in catalogue.values() if m.handled_at(level)]


def parse_matter(raw: dict, where: str) -> Matter:
    """A matter from a YAML mapping or a CSV row (lists there as ``a;b`` text); ``where`` names
    the line for messages."""
    code = _text(raw, "code", where)
    where = f"{where}: matter {code}"
    if len(code) > CODE_MAX or not code.isprintable() or " " in code:
        raise invalid_request(f"{where}: code must be at most {CODE_MAX} characters, no spaces")
    kind = _KIND_BY_NAME.get(str(raw.get("kind") or "immediate").strip())
    if kind is None:
        raise invalid_request(f"{where}: kind must be one of {', '.join(KINDS)} "
                              f"or {'/'.join(KINDS.values())}")
    statutory, promised = _days(raw, "statutory_days", where), _days(raw, "promised_days", where)
    if statutory is not None and promised is not None and promised > statutory:
        raise invalid_request(f"{where}: promised_days ({promised}) is longer than "
                              f"statutory_days ({statutory})")
    levels = _listed(raw.get("levels"), where, "levels")
    unknown = [lv for lv in levels if lv not in RANK]
    if unknown:
        raise invalid_request(f"{where}: level {unknown[0]!r} is not one of {', '.join(LEVELS)}")
    return Matter(code, _text(raw, "name", where), _text(raw, "department", where),
                  tuple(levels), kind, statutory, promised,
                  tuple(_listed(raw.get("materials"), where, "materials")),
                  _flag(raw.get("requires_id"), where))


def _text(raw: dict, key: str, where: str) -> str:
    value = raw.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise invalid_request(f"{where}: '{key}' must be a non-empty text")
    return value.strip()


def _days(raw: dict, key: str, where: str) -> int | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
        raise invalid_request(f"{where}: '{key}' must be working days from 0 to {MAX_DAYS}")
    return value


def _listed(value, where: str, key: str) -> list[str]:
    """A list, or a CSV cell with items separated by ``;`` (or the full-width ``；``)."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.replace("；", ";").split(";")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid_request(f"{where}: '{key}' must be a list of texts")
    return [v.strip() for v in value if v.strip()]


def _flag(value, where: str) -> bool:
    if value is None or value == "" or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "是", "y"):
        return True
    if text in ("0", "false", "no", "否", "n"):
        return False
    raise invalid_request(f"{where}: 'requires_id' must be true or false (是/否)")


def parse_catalogue(rows: list[tuple[dict, str]]) -> tuple:
    """Matters from ``(raw, where)`` pairs; a code used twice is refused, naming both lines."""
    seen: dict[str, str] = {}
    matters = []
    for raw, where in rows:
        if not isinstance(raw, dict):
            raise invalid_request(f"{where}: each matter must be a mapping")
        matter = parse_matter(raw, where)
        if matter.code in seen:
            raise invalid_request(f"{where}: matter {matter.code} is already defined at "
                                  f"{seen[matter.code]}")
        seen[matter.code] = where
        matters.append(matter)
    return tuple(matters)
