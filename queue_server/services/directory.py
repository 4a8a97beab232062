"""What halls, services and windows exist, cached briefly in memory.

Configuration changes rarely (``load-config``), but every request needs it: a short time-to-live
keeps the hot path free of configuration queries while another process's ``load-config`` still
shows within seconds. Dynamic state (window paused, current ticket) is never cached here.
"""

from dataclasses import dataclass, field

from queue_server.caching import TtlCache
from queue_server.domain.errors import invalid_request, not_found
from queue_server.domain.hours import parse_hours
from queue_server.storage import halls as stored

TTL_S = 5.0


@dataclass(frozen=True)
class ServiceInfo:
    id: int
    code: str
    name: str
    name_en: str
    department: str
    hours: tuple
    hours_spec: tuple
    daily_quota: int | None
    requires_id: bool
    max_wait_min: int | None
    max_service_min: int | None
    warn_waiting: int | None
    position: int
    active: bool = True
    no_show_requeue: int = 0      # 过号顺延: places back (0 = off) …
    no_show_requeue_max: int = 1  # … at most this many times
    department_en: str = ""  # "" = English pages show the Chinese department
    id_card_only: bool = False  # only a swiped card (card_ref), never a typed ID number

    @property
    def max_wait_s(self) -> int | None:
        return None if self.max_wait_min is None else self.max_wait_min * 60


@dataclass(frozen=True)
class WindowInfo:
    id: int
    number: int
    name: str
    service_ids: tuple  # preference order
    active: bool = True


@dataclass(frozen=True)
class HallInfo:
    id: int
    code: str
    name: str
    timezone: str
    options: dict
    services: tuple
    windows: tuple
    _service_by_code: dict = field(default_factory=dict, repr=False)
    _service_by_id: dict = field(default_factory=dict, repr=False)
    _window_by_number: dict = field(default_factory=dict, repr=False)
    _window_by_id: dict = field(default_factory=dict, repr=False)
    name_en: str = ""  # "" = English pages show the Chinese name

    def service(self, code) -> ServiceInfo:
        if not isinstance(code, str):
            raise invalid_request("service must be a service code such as \"A\"")
        info = self._service_by_code.get(code)
        if info is None:
            raise not_found("unknown_service", f"hall {self.code} has no service {code!r}")
        return info

    def service_by_id(self, service_id: int) -> ServiceInfo:
        return self._service_by_id[service_id]

    def window(self, number) -> WindowInfo:
        info = self._window_by_number.get(number) if isinstance(number, int) else None
        if info is None:
            raise not_found("unknown_window", f"hall {self.code} has no window {number!r}")
        return info

    def window_by_id(self, window_id: int | None) -> WindowInfo | None:
        return self._window_by_id.get(window_id)

    def windows_serving(self, service_id: int) -> list[WindowInfo]:
        return [w for w in self.windows if service_id in w.service_ids]


class HallDirectory:
    def __init__(self, ctx):
        self._ctx = ctx
        self._cache: TtlCache[tuple[dict, dict]] = TtlCache(TTL_S, max_entries=1)

    def invalidate(self) -> None:
        self._cache.forget()

    def get(self, code) -> HallInfo:
        hall = self._halls()[0].get(code)
        if hall is None:
            raise not_found("unknown_hall", f"no hall {code!r}")
        return hall

    def by_id(self, hall_id: int) -> HallInfo:
        return self._halls()[1][hall_id]

    def all(self) -> list[HallInfo]:
        return list(self._halls()[0].values())

    def _halls(self) -> tuple[dict, dict]:
        """(by code, by id), loaded at most ``TTL_S`` ago."""
        fresh = self._cache.peek("halls")
        if fresh is not None:
            return fresh
        if self._ctx.db.in_transaction():
            held = self._cache.peek("halls", stale_ok=True)
            if held is not None:
                return held  # inside a use case's transaction: the loaded copy is recent enough
        return self._cache.get("halls", self._load)

    def _load(self) -> tuple[dict, dict]:
        with self._ctx.db.read() as conn:
            loaded = load_halls(conn)
        return {h.code: h for h in loaded}, {h.id: h for h in loaded}


def load_halls(conn) -> list[HallInfo]:
    # Inactive services and windows stay known by id: old tickets and reports refer to them.
    service_rows = stored.all_services(conn)
    services_by_hall: dict[int, list[ServiceInfo]] = {}
    for row in service_rows:
        services_by_hall.setdefault(row["hall_id"], []).append(_service_info(row))
    links = stored.window_links(conn)
    service_ids_by_window: dict[int, list[int]] = {}
    for link in links:
        service_ids_by_window.setdefault(link.window_id, []).append(link.service_id)
    window_rows = stored.all_windows(conn)
    windows_by_hall: dict[int, list[WindowInfo]] = {}
    for row in window_rows:
        info = WindowInfo(
            row["id"], row["number"], row["name"], tuple(service_ids_by_window.get(row["id"], ())),
            row["active"],
        )
        windows_by_hall.setdefault(row["hall_id"], []).append(info)
    result = []
    for row in stored.all_halls(conn):
        all_svcs = services_by_hall.get(row["id"], [])
        all_wins = windows_by_hall.get(row["id"], [])
        svcs = tuple(s for s in all_svcs if s.active)
        wins = tuple(w for w in all_wins if w.active)
        result.append(
            HallInfo(
                row["id"], row["code"], row["name"], row["timezone"], row["options"] or {},
                svcs, wins,
                {s.code: s for s in svcs}, {s.id: s for s in all_svcs},
                {w.number: w for w in wins}, {w.id: w for w in all_wins},
                name_en=row["name_en"] or "",
            )
        )
    return result


def _service_info(row) -> ServiceInfo:
    hours_spec = tuple(row["hours"] or ())
    return ServiceInfo(
        row["id"], row["code"], row["name"], row["name_en"] or "", row["department"] or "",
        parse_hours(list(hours_spec)), hours_spec, row["daily_quota"], bool(row["requires_id"]),
        row["max_wait_min"], row["max_service_min"], row["warn_waiting"], row["position"],
        bool(row["active"]),
        no_show_requeue=row["no_show_requeue"] or 0,
        no_show_requeue_max=row["no_show_requeue_max"] if row["no_show_requeue_max"] is not None
        else 1,
        department_en=row["department_en"] or "",
        id_card_only=bool(row["id_card_only"]),
    )
