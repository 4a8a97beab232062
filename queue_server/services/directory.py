"""What halls, services and windows exist, cached briefly in memory.

Configuration changes rarely (``load-config``), but every request needs it: a short time-to-live
keeps the hot path free of configuration queries while another process's ``load-config`` still
shows within seconds. Dynamic state (window paused, current ticket) is never cached here.
"""

import time
from dataclasses import dataclass, field

from sqlalchemy import select

from queue_server.domain.errors import invalid_request, not_found
from queue_server.domain.hours import parse_hours
from queue_server.storage.models import halls, services, window_services, windows

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
        self._loaded_at = 0.0
        self._by_code: dict[str, HallInfo] = {}
        self._by_id: dict[int, HallInfo] = {}

    def invalidate(self) -> None:
        self._loaded_at = 0.0

    def get(self, code) -> HallInfo:
        self._refresh()
        hall = self._by_code.get(code)
        if hall is None:
            raise not_found("unknown_hall", f"no hall {code!r}")
        return hall

    def by_id(self, hall_id: int) -> HallInfo:
        self._refresh()
        return self._by_id[hall_id]

    def all(self) -> list[HallInfo]:
        self._refresh()
        return list(self._by_code.values())

    def _refresh(self) -> None:
        if time.monotonic() - self._loaded_at < TTL_S:
            return
        if self._by_code and self._ctx.db.in_transaction():
            return  # inside a use case's transaction: the loaded copy is recent enough
        with self._ctx.db.read() as conn:
            loaded = load_halls(conn)
        self._by_code = {h.code: h for h in loaded}
        self._by_id = {h.id: h for h in loaded}
        self._loaded_at = time.monotonic()


def load_halls(conn) -> list[HallInfo]:
    # Inactive services and windows stay known by id: old tickets and reports refer to them.
    service_rows = conn.execute(
        select(services).order_by(services.c.position, services.c.id)
    ).mappings()
    services_by_hall: dict[int, list[ServiceInfo]] = {}
    for row in service_rows:
        services_by_hall.setdefault(row["hall_id"], []).append(_service_info(row))
    links = conn.execute(select(window_services).order_by(window_services.c.position)).all()
    service_ids_by_window: dict[int, list[int]] = {}
    for link in links:
        service_ids_by_window.setdefault(link.window_id, []).append(link.service_id)
    window_rows = conn.execute(select(windows).order_by(windows.c.number)).mappings()
    windows_by_hall: dict[int, list[WindowInfo]] = {}
    for row in window_rows:
        info = WindowInfo(
            row["id"], row["number"], row["name"], tuple(service_ids_by_window.get(row["id"], ())),
            row["active"],
        )
        windows_by_hall.setdefault(row["hall_id"], []).append(info)
    result = []
    for row in conn.execute(select(halls).order_by(halls.c.id)).mappings():
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
    )
