"""``queue-server simulate``: a discrete-event hall day through the real service layer.

A scenario (YAML, see ``examples/sim-city-centre.yaml``) gives the day's hours, the services
(visits, handling time as a lognormal mean and sigma, wait limit), the arrival weights by hour
(morning peak, lunch gap), the windows (services in preference order, breaks), the no-show and
priority shares, and the share of served tickets the clerk then transfers to another service
(``transfer_share``; ``transfer_to: {A: [B]}`` names where, else any other service; a ticket is
transferred at most once, and its measured wait is to its first call). The simulator makes a
temporary SQLite database, loads the hall, and plays the day on a simulated clock
(``Context(clock=…)``): citizens take tickets with ``services.tickets.issue_ticket`` and
clerks press call-next, finish, transfer and no-show with ``services.calling`` /
``services.no_show`` — the very code the API runs. The wait forecast is made again after
every change, as the server's coalesced re-estimation does.

Everything random comes from one ``random.Random(seed)``: a seed gives the same day.
What it measures is in ``simulation_report``.
"""

import heapq
import math
import random
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from queue_server.domain.commands import IssueTicket
from queue_server.domain.errors import DomainError

NO_SHOW_WAIT_S = 60     # a clerk waits this long for a called citizen who does not come
OVERTIME_S = 2 * 3600   # windows go on serving after closing, at most this long
CHECKS_AFTER_S = (600, 1800)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Record:
    """One ticket's life as the simulator saw it."""
    id: int
    service: str
    issued_at: datetime
    priority: bool
    estimate_s: int
    naive_s: int
    called_at: datetime | None = None
    outcome: str = "waiting"  # served / no_show / waiting
    transfers: int = 0        # times served and transferred to another service
    service_now: str | None = None  # the service it was transferred to (measured: its first)
    checks: dict = field(default_factory=dict)  # seconds after issue -> (estimate, naive, at)


def _at(day: date, hhmm: str, zone) -> datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return datetime.combine(day, time(hours, minutes), zone)


class Day:
    """One simulated hall day; ``run()`` returns the records and the idle-window findings."""

    def __init__(self, scenario: dict, seed: int = 1, workdir: str | None = None,
                 history_days: int = 0, measure: bool = True):
        self.sc, self.rng = scenario, random.Random(seed)
        self.measure = measure  # False (the staffing planner): waits only, no estimate checks
        self.zone = ZoneInfo(scenario.get("timezone", "Asia/Shanghai"))
        self.measured = date.fromisoformat(str(scenario.get("date", "2026-03-02")))
        self.history_days = history_days
        self.workdir = workdir
        self.clock = Clock(_at(self.measured, "00:00", self.zone))
        self._start_day(self.measured)
        self.dirty = False

    def _start_day(self, day: date) -> None:
        """Fresh bookkeeping for ``day`` (the database and its history stay)."""
        self.day = day
        self.opens = _at(day, self.sc.get("open", "09:00"), self.zone)
        self.closes = _at(day, self.sc.get("close", "17:00"), self.zone)
        self.clock.now = self.opens
        self.events: list = []
        self._n = 0
        self.records: dict[int, Record] = {}
        self.waiting: dict[int, Record] = {}
        self.window_state: dict[int, str] = {}  # idle / serving / break / break-pending
        self.current: dict[int, int | None] = {}
        self.idle_past_limit: set[int] = set()

    # --- setup -------------------------------------------------------------------------
    def _hall_config(self) -> dict:
        hours = self.sc.get("service_hours") or [
            f"{self.sc.get('open', '09:00')}-{self.sc.get('close', '17:00')}"]
        services = [{"code": s["code"], "name": s.get("name", s["code"]),
                     "max_wait_min": s.get("max_wait_min"), "hours": s.get("hours") or hours,
                     "max_service_min": s.get("max_service_min")}
                    for s in self.sc["services"]]
        windows = [{"number": w["number"], "name": f"{w['number']}号窗口",
                    "services": list(w["services"])} for w in self.sc["windows"]]
        return {"halls": [{"code": "sim", "name": self.sc.get("name", "模拟大厅"),
                           "timezone": str(self.zone), "allow_priority": True,
                           "services": services, "windows": windows}]}

    def _setup(self, folder: Path) -> None:
        from queue_server.services import accounts
        from queue_server.services.config_loader import load_config
        from queue_server.services.context import Context
        from queue_server.services.principals import Principal
        from queue_server.settings import Settings
        from queue_server.storage.db import Database

        db = Database(f"sqlite:///{folder / 'sim.sqlite3'}")
        db.upgrade()
        settings = Settings(database_url=f"sqlite:///{folder / 'sim.sqlite3'}",
                            secret_key="simulation-" + "x" * 32, async_mode="threading",
                            password_hash_method="pbkdf2:sha256:1000",
                            call_policy=self.sc.get("call_policy", "preference"))
        self.ctx = Context(db, settings, clock=self.clock, publish=self._published)
        load_config(self.ctx, self._hall_config())
        self.hall = self.ctx.halls.get("sim")
        token = accounts.add_device(self.ctx, "sim-kiosk", "kiosk", self.hall.id)
        self.kiosk = accounts.authenticate(self.ctx, token)
        user_id = accounts.add_user(self.ctx, "sim-clerk", "simulation-password", "manager",
                                    self.hall.id)
        self.clerk = Principal("user", user_id, "manager", self.hall.id,
                               scope=frozenset({self.hall.id}))

    def _published(self, events) -> None:
        self.dirty = True

    # --- the event queue -----------------------------------------------------------------
    def at(self, when: datetime, kind: str, *args) -> None:
        self._n += 1
        heapq.heappush(self.events, (when, self._n, kind, args))

    def _plan_arrivals(self) -> None:
        hall_weights = {int(h): float(w)
                        for h, w in (self.sc.get("arrivals_by_hour") or {}).items()}
        hours = list(range(self.opens.hour, self.closes.hour + (1 if self.closes.minute else 0)))
        for service in self.sc["services"]:
            own = service.get("arrivals_by_hour")  # a service's own profile: absent hours = 0
            weights = hall_weights if own is None else dict.fromkeys(hours, 0.0) | {
                int(h): float(w) for h, w in own.items()}
            if not sum(weights.get(h, 1.0) for h in hours):
                continue
            for hour in hours:
                start = max(self.opens, datetime.combine(self.day, time(hour), self.zone))
                end = min(self.closes, start.replace(minute=0) + timedelta(hours=1))
                share = weights.get(hour, 1.0) / sum(weights.get(h, 1.0) for h in hours)
                rate = service["visits"] * share / 3600.0  # per second of that hour
                t = start
                while rate > 0:
                    t += timedelta(seconds=self.rng.expovariate(rate))
                    if t >= end:
                        break
                    priority = self.rng.random() < self.sc.get("priority_share", 0.0)
                    self.at(t, "arrive", service["code"], priority)

    def _plan_windows(self) -> None:
        for w in self.sc["windows"]:
            number = w["number"]
            self.window_state[number], self.current[number] = "idle", None
            for spec in w.get("breaks") or []:  # first: a window closed at opening stays so
                start, end = spec.split("-")
                self.at(_at(self.day, start, self.zone), "break", number)
                self.at(_at(self.day, end, self.zone), "resume", number)
            self.at(self.opens, "free", number)

    # --- the run --------------------------------------------------------------------------
    def run(self) -> "Day":
        """Play ``history_days`` days before the scenario's date (the hall's history: handling
        times, pauses), then the measured day; the records are those of the measured day."""
        with tempfile.TemporaryDirectory(prefix="hallq-sim-", dir=self.workdir) as folder:
            self._setup(Path(folder))
            try:
                for back in range(self.history_days, -1, -1):
                    self._start_day(self.measured - timedelta(days=back))
                    self._plan_arrivals()
                    self._plan_windows()
                    self._loop()
            finally:
                self.ctx.close()
        return self

    def _loop(self) -> None:
        stop = self.closes + timedelta(seconds=OVERTIME_S)
        while self.events:
            when, _, kind, args = heapq.heappop(self.events)
            if when > stop:
                break
            self.clock.now = when
            self._refresh()
            getattr(self, "_on_" + kind)(*args)
            self._check_idle()

    def _refresh(self) -> None:
        """The coalesced re-estimation: once per burst of changes, before the next request."""
        if self.dirty and self.measure:
            from queue_server.services import estimates

            estimates.refresh(self.ctx, self.hall)
            self.dirty = False

    def _service_spec(self, code: str) -> dict:
        return next(s for s in self.sc["services"] if s["code"] == code)

    def _handling_s(self, code: str) -> float:
        spec = self._service_spec(code)
        sigma = float(spec.get("handling_sigma", 0.5))
        mu = math.log(float(spec["handling_min"]) * 60) - sigma * sigma / 2
        return self.rng.lognormvariate(mu, sigma)

    def _on_arrive(self, code: str, priority: bool) -> None:
        from queue_server.services import tickets
        from queue_server.simulation_report import naive_now

        command = IssueTicket(code, priority=priority)
        try:
            view, _ = tickets.issue_ticket(self.ctx, self.kiosk, "sim", command)
        except DomainError:
            return  # closed or quota: the citizen goes home
        naive = naive_now(self, code, view["waiting_ahead"]) if self.measure else 0
        record = Record(view["id"], code, self.clock.now, priority, view["estimated_wait_s"],
                        naive)
        self.records[record.id] = record
        self.waiting[record.id] = record
        for after in CHECKS_AFTER_S if self.measure else ():
            self.at(self.clock.now + timedelta(seconds=after), "check", record.id, after)
        self._wake_idle(code)

    def _on_check(self, ticket_id: int, after: int) -> None:
        from queue_server.simulation_report import check_now

        if ticket_id in self.waiting and self.records[ticket_id].called_at is None:
            self.records[ticket_id].checks[after] = check_now(self, ticket_id)

    def _wake_idle(self, code: str) -> None:
        for w in self.sc["windows"]:
            if code in w["services"] and self.window_state[w["number"]] == "idle":
                self._on_free(w["number"])

    def _on_free(self, number: int) -> None:
        """The clerk ends the current ticket (if any) and calls the next one."""
        from queue_server.services import calling

        if self.window_state[number] in ("break", "closed"):
            return
        try:
            view = calling.call_next(self.ctx, self.clerk, "sim", number)
        except DomainError:  # nobody waits for this window
            self.window_state[number], self.current[number] = "idle", None
            return
        self.window_state[number], self.current[number] = "serving", view["id"]
        record = self.waiting.pop(view["id"])
        if record.called_at is None:  # a transferred ticket's wait is to its first call
            record.called_at = self.clock.now
        if self.rng.random() < self.sc.get("no_show_share", 0.0):
            record.outcome = "no_show"
            self.at(self.clock.now + timedelta(seconds=NO_SHOW_WAIT_S), "no_show", number)
        else:
            record.outcome = "served"
            code = record.service_now or record.service
            end = self.clock.now + timedelta(seconds=self._handling_s(code))
            target = self._transfer_target(code) if not record.transfers else None
            if target is None:
                self.at(end, "done", number)
            else:  # served here, then sent on to another service's queue
                self.at(end, "transfer", number, target)

    def _transfer_target(self, code: str) -> str | None:
        """With ``transfer_share``, a served ticket is transferred to another service
        (``transfer_to`` if the scenario names one for ``code``, else any other service)."""
        share = float(self.sc.get("transfer_share", 0.0))
        if share <= 0 or self.rng.random() >= share:
            return None
        named = (self.sc.get("transfer_to") or {}).get(code)
        others = [s["code"] for s in self.sc["services"] if s["code"] != code]
        choices = list(named) if named else others
        return self.rng.choice(choices) if choices else None

    def _on_transfer(self, number: int, code: str) -> None:
        """The clerk transfers the current ticket (``services.calling.transfer``, as the API
        does): it waits again in ``code``'s queue, keeping its place in time."""
        from queue_server.domain.commands import TransferTicket
        from queue_server.services import calling

        ticket_id = self.current[number]
        if self.window_state[number] not in ("serving", "break-pending") or ticket_id is None:
            return
        calling.transfer(self.ctx, self.clerk, "sim", number, TransferTicket(service=code))
        record = self.records[ticket_id]
        record.service_now, record.outcome = code, "waiting"
        record.transfers += 1
        self.waiting[ticket_id] = record
        self.current[number] = None
        if self.window_state[number] == "break-pending":
            self._pause(number, finish=False)
        else:
            self._on_free(number)
        self._wake_idle(code)

    def _on_done(self, number: int) -> None:
        if self.window_state[number] == "serving":
            self._on_free(number)
        elif self.window_state[number] == "break-pending":
            self._pause(number, finish=True)

    def _on_no_show(self, number: int) -> None:
        from queue_server.services import no_show

        no_show.no_show(self.ctx, self.clerk, "sim", number)
        self.current[number] = None
        if self.window_state[number] == "break-pending":
            self._pause(number, finish=False)
        else:
            self._on_free(number)

    def _on_break(self, number: int) -> None:
        if self.window_state[number] == "serving" and self.current[number] is not None:
            self.window_state[number] = "break-pending"  # the clerk finishes first
        else:
            self._pause(number, finish=False)

    def _pause(self, number: int, finish: bool) -> None:
        from queue_server.services import calling

        if finish and self.current[number] is not None:
            calling.finish(self.ctx, self.clerk, "sim", number)
        self.current[number] = None
        calling.set_paused(self.ctx, self.clerk, "sim", number, True, "休息")
        self.window_state[number] = "break"

    def _on_resume(self, number: int) -> None:
        from queue_server.services import calling

        if self.window_state[number] == "break-pending":  # the break is over before it began
            self.window_state[number] = "serving"
            return
        calling.set_paused(self.ctx, self.clerk, "sim", number, False)
        self.window_state[number] = "idle"
        self._on_free(number)

    def _check_idle(self) -> None:
        """Tickets waiting past their limit while a window that serves them sits idle."""
        idle = [w for w in self.sc["windows"] if self.window_state[w["number"]] == "idle"]
        if not idle or not self.waiting:
            return
        for record in self.waiting.values():
            limit = self._service_spec(record.service).get("max_wait_min")
            if limit is None or record.id in self.idle_past_limit:
                continue
            if (self.clock.now - record.issued_at).total_seconds() >= limit * 60 and any(
                    record.service in w["services"] for w in idle):
                self.idle_past_limit.add(record.id)


def read_scenario(path) -> dict:
    import yaml

    with open(path, encoding="utf-8") as stream:
        data = yaml.safe_load(stream)
    if not isinstance(data, dict) or not data.get("services") or not data.get("windows"):
        raise ValueError(f"{path}: a scenario needs 'services' and 'windows'")
    return data


def run_file(path, seed: int = 1, history_days: int = 0) -> str:
    """Simulate the scenario file's day; the truth table as text."""
    return run_scenario(read_scenario(path), seed, history_days, str(path))


def run_scenario(scenario: dict, seed: int = 1, history_days: int = 0, name: str = "") -> str:
    """Simulate the scenario's day; the truth table as text."""
    import time as wall

    from queue_server.simulation_report import summary, table

    started = wall.perf_counter()
    day = Day(scenario, seed, history_days=history_days).run()
    return table(scenario.get("name", name), seed, summary(day),
                 wall.perf_counter() - started, history_days)
