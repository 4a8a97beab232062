"""Wait estimates in real time over HTTP: the forecast's truth table from a live server.

``queue-server simulate`` drives the service layer on a simulated clock. This bench asks the
same question of the real thing: a ``queue-server serve`` subprocess (eventlet, temporary
SQLite, hall provisioned through the CLI) on the real clock, driven over HTTP only. It plays a
compressed hall period of a scenario (default ``examples/sim-town-centre.yaml``, from its
opening, ``--scale`` hall seconds per real second, ``--minutes`` real minutes of arrivals):

- a kiosk client issues the scenario's arrivals (``simulation.Day``'s seeded arrival plan: rates
  per service varying by hour, a priority share) with ``POST /halls/{hall}/tickets``;
- one clerk client per window calls next (``call-next`` finishes the ticket before), holds the
  ticket for a lognormal handling time (the scenario's mean and sigma, scaled), no-shows the
  scenario's share after ``NO_SHOW_WAIT_S``, takes the window's breaks that fall in the period
  (finish, ``pause``, ``resume``), and calls again; an idle clerk is woken by a new ticket (as
  the counter page's push would) or retries every ``IDLE_POLL_S``;
- 10 and 30 hall minutes after issue a phone client reads ``GET /track/{token}``.

For every ticket it records the estimate the server told (``estimated_wait_s``) and the real
wait (issue to call on this process's clock), and computes the naive formula from what the
clients know (``domain.estimate.estimate_wait_s``: people ahead from the answer × trimmed mean
of the latest 20 handling times the clerks measured for that service ÷ the windows serving it
that are not paused). The table is ``simulation_report``'s, in hall minutes; below it, where
the error is, by service and by half hour of issue.

The server's own constants are those of a real hall (on the real clock): the coalescing
second, the handling-time cache (``HANDLING_TTL_S``), the arrival rate over the last half hour
(``ARRIVALS_WINDOW_S``), a pause's default length; compressed, they weigh ``--scale`` times
more. Only settings scale: ``HALLQ_DEFAULT_HANDLING_S`` and the services' wait limits (whole
minutes, so rounded; the effective limits are printed).

    .venv/bin/python bench/bench_estimate_live.py [--seed 1] [--minutes 6] [--scale 30]
"""

import argparse
import heapq
import math
import os
import random
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from queue_server.domain.estimate import estimate_wait_s, trimmed_mean  # noqa: E402
from queue_server.simulation import (CHECKS_AFTER_S, NO_SHOW_WAIT_S, Day, Record,  # noqa: E402
                                     _at, read_scenario)
from queue_server.simulation_report import NAIVE_SAMPLES, summary, table  # noqa: E402
from tests.e2e.serverproc import (PASSWORD, ApiClient, ServerProcess, noon_timezone,  # noqa: E402
                                  run_cli, server_env, sqlite_url)

HALL = "live"
DEFAULT_SCENARIO = str(REPO / "examples" / "sim-town-centre.yaml")
IDLE_POLL_S = 0.5
DEFAULT_HANDLING_S = 300.0  # the server's default (settings.default_handling_s), hall seconds
PERIOD_MIN = 30             # the breakdown's periods, hall minutes


class Live:
    """The clients' shared knowledge: tickets, handling times measured, windows paused."""

    def __init__(self, args, scenario):
        self.args, self.sc, self.scale = args, scenario, args.scale
        self.plan = Day(scenario, args.seed)  # the simulator's seeded arrivals; no database
        self.plan._plan_arrivals()
        self.opens = self.plan.opens
        self.ends = self.opens + timedelta(seconds=args.minutes * 60 * self.scale)
        self.arrivals = sorted((when, code, priority) for when, _, kind, (code, priority)
                               in self.plan.events if kind == "arrive" and when < self.ends)
        self.lock = threading.Lock()
        self.woken = threading.Condition(self.lock)
        self.generation = 0
        self.records: dict[int, Record] = {}
        self.tokens: dict[int, str] = {}
        self.waiting: set[int] = set()
        self.handled: dict[str, list] = {s["code"]: [] for s in scenario["services"]}
        self.paused: set[int] = set()
        self.checks: list = []
        self.idle_past_limit: set[int] = set()
        self.errors: list[str] = []
        self.issue_ms: list[float] = []
        self.stop = threading.Event()
        self.issuing_done = threading.Event()
        self.t0 = 0.0
        self.limits = {s["code"]: server_limit_min(s.get("max_wait_min"), self.scale)
                       for s in scenario["services"]}
        for spec in scenario["services"]:  # the report counts the limits as served
            if self.limits[spec["code"]] is not None:
                spec["max_wait_min"] = round(self.limits[spec["code"]] * self.scale)
        self.clock = None  # (summary() reads clock.now: the end of the run, hall time)

    # --- clocks --------------------------------------------------------------------------
    def hall_at(self, t: float):
        return self.opens + timedelta(seconds=(t - self.t0) * self.scale)

    def real_at(self, when) -> float:
        return self.t0 + (when - self.opens).total_seconds() / self.scale

    # --- the naive formula from what the clients know --------------------------------------
    def naive_s(self, code: str, ahead: int) -> float:
        """Hall seconds; call with the lock held."""
        samples = self.handled[code][-NAIVE_SAMPLES:]
        open_windows = sum(1 for w in self.sc["windows"]
                           if code in w["services"] and w["number"] not in self.paused)
        real = estimate_wait_s(ahead, samples, open_windows, DEFAULT_HANDLING_S / self.scale)
        return real * self.scale

    # --- the kiosk -----------------------------------------------------------------------
    def kiosk(self, url: str, token: str) -> None:
        with ApiClient(url, token) as api:
            for when, code, priority in self.arrivals:
                delay = self.real_at(when) - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                body = {"service": code, "priority": "priority" if priority else "normal"}
                sent = time.monotonic()
                status, answer = api.request("POST", f"/api/v1/halls/{HALL}/tickets", body)
                now = time.monotonic()
                self.issue_ms.append((now - sent) * 1000)
                if status != 201:
                    self.errors.append(f"issue {code}: {status} {answer}")
                    continue
                with self.woken:
                    record = Record(answer["id"], code, self.hall_at(now), priority,
                                    answer["estimated_wait_s"] * self.scale,
                                    self.naive_s(code, answer["waiting_ahead"]))
                    self.records[record.id] = record
                    self.tokens[record.id] = answer["track_token"]
                    self.waiting.add(record.id)
                    for after in CHECKS_AFTER_S:
                        heapq.heappush(self.checks, (now + after / self.scale, record.id, after))
                    self.generation += 1
                    self.woken.notify_all()
        self.issuing_done.set()

    # --- the phones ----------------------------------------------------------------------
    def phones(self, url: str) -> None:
        with ApiClient(url) as api:
            while not self.stop.is_set():
                with self.lock:
                    due = self.checks[0] if self.checks else None
                    if due is not None and due[0] <= time.monotonic():
                        heapq.heappop(self.checks)
                if due is None or due[0] > time.monotonic():
                    time.sleep(0.05)
                    continue
                _, ticket_id, after = due
                if ticket_id not in self.waiting:
                    continue
                status, answer = api.request("GET", f"/api/v1/track/{self.tokens[ticket_id]}")
                now = time.monotonic()
                if status != 200:
                    self.errors.append(f"track: {status} {answer}")
                    continue
                with self.lock:
                    record = self.records[ticket_id]
                    if answer["status"] == "waiting" and ticket_id in self.waiting:
                        record.checks[after] = (
                            answer["estimated_wait_s"] * self.scale,
                            self.naive_s(record.service, answer["waiting_ahead"]),
                            self.hall_at(now))

    # --- the clerks ----------------------------------------------------------------------
    def clerk(self, url: str, window: dict) -> None:
        number, services = window["number"], window["services"]
        rng = random.Random(f"{self.args.seed}/{number}")
        breaks = [tuple(_at(self.opens.date(), x, self.opens.tzinfo) for x in spec.split("-"))
                  for spec in window.get("breaks") or []]
        breaks = [(a, b) for a, b in breaks if self.opens <= a < self.ends]
        base = f"/api/v1/halls/{HALL}/windows/{number}"
        current = None  # (service, called at, real clock)
        with ApiClient(url) as api:
            api.login(f"staff{number}")
            while not (self.stop.is_set() and current is None):
                on_break = breaks and self.hall_at(time.monotonic()) >= breaks[0][0]
                if self.stop.is_set() or on_break:
                    if current is not None:
                        self._request(api, base + "/finish")
                        self._handled(current, time.monotonic())
                        current = None
                    if not self.stop.is_set():
                        self._take_break(api, base, number, breaks.pop(0))
                    continue
                with self.lock:
                    generation = self.generation
                    waiting_then = set(self.waiting)
                status, answer = self._request(api, base + "/call-next", ok=(200, 404))
                now = time.monotonic()
                if current is not None:
                    self._handled(current, now)
                    current = None
                if status == 404:
                    self._idle(number, services, waiting_then, now)
                    with self.woken:
                        if self.generation == generation:
                            self.woken.wait(IDLE_POLL_S)
                    continue
                current = self._serve(api, base, answer["ticket"], rng, now)

    def _serve(self, api, base, ticket, rng, now):
        with self.lock:
            record = self.records.get(ticket["id"])
            self.waiting.discard(ticket["id"])
        if record is None:
            self.errors.append(f"called a ticket this bench did not issue: {ticket}")
            return None
        record.called_at = self.hall_at(now)
        if rng.random() < self.sc.get("no_show_share", 0.0):
            record.outcome = "no_show"
            time.sleep(NO_SHOW_WAIT_S / self.scale)
            self._request(api, base + "/no-show")
            return None
        record.outcome = "served"
        spec = next(s for s in self.sc["services"] if s["code"] == ticket["service"])
        sigma = float(spec.get("handling_sigma", 0.5))
        mu = math.log(float(spec["handling_min"]) * 60) - sigma * sigma / 2
        time.sleep(rng.lognormvariate(mu, sigma) / self.scale)
        return ticket["service"], now

    def _handled(self, current, now) -> None:
        code, called = current
        with self.lock:
            self.handled[code].append(now - called)

    def _take_break(self, api, base, number, span) -> None:
        start, end = span
        if self.hall_at(time.monotonic()) >= end:  # over before the clerk got to it
            return
        self._request(api, base + "/pause", {"reason": "休息"})
        with self.lock:
            self.paused.add(number)
        while time.monotonic() < self.real_at(end) and not self.stop.is_set():
            time.sleep(0.05)
        self._request(api, base + "/resume")
        with self.lock:
            self.paused.discard(number)

    def _idle(self, number, services, waiting_then, now) -> None:
        """queue_empty: tickets of the window's services this client knew waiting past their
        limit when it asked (the simulator's 'waited past the limit while a window was idle')."""
        with self.lock:
            for ticket_id in waiting_then & self.waiting:
                record = self.records[ticket_id]
                limit = self.limits.get(record.service)
                if (record.service in services and limit is not None
                        and (self.hall_at(now) - record.issued_at).total_seconds()
                        >= limit * self.scale * 60):
                    self.idle_past_limit.add(ticket_id)

    def _request(self, api, path, body=None, ok=(200,)):
        status, answer = api.request("POST", path, body)
        if status not in ok:
            self.errors.append(f"{path}: {status} {answer}")
        return status, answer


def server_limit_min(hall_min, scale: float) -> int | None:
    """A hall wait limit on the compressed clock: whole minutes, at least one."""
    return None if hall_min is None else max(1, round(hall_min / scale))


def hall_config(live: Live) -> dict:
    config = live.plan._hall_config()
    hall = config["halls"][0]
    hall.update(code=HALL, timezone=noon_timezone())
    for service in hall["services"]:
        service.pop("hours", None)  # the period played is within the hours: always open
        service["max_wait_min"] = live.limits[service["code"]]
    return config


def provision(live: Live, env: dict, folder: Path) -> str:
    path = folder / "live.yaml"
    path.write_text(yaml.safe_dump(hall_config(live), allow_unicode=True), encoding="utf-8")
    run_cli(["load-config", str(path)], env, folder)
    for w in live.sc["windows"]:
        run_cli(["user", "add", f"staff{w['number']}", "--role", "staff", "--hall", HALL,
                 "--window", str(w["number"])], env, folder, PASSWORD + "\n")
    out = run_cli(["device", "add", "kiosk1", "--kind", "kiosk", "--hall", HALL], env, folder)
    return out.strip().splitlines()[-1]


def process_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def play(live: Live, server, kiosk_token: str) -> float:
    """Run the period and the drain; returns the server's CPU seconds."""
    cpu = process_cpu_s(server.process.pid)
    threads = [threading.Thread(target=live.clerk, args=(server.url, w), daemon=True)
               for w in live.sc["windows"]]
    threads.append(threading.Thread(target=live.phones, args=(server.url,), daemon=True))
    live.t0 = time.monotonic() + 2.0  # the clerks sign in first
    for thread in threads:
        thread.start()
    kiosk = threading.Thread(target=live.kiosk, args=(server.url, kiosk_token), daemon=True)
    kiosk.start()
    kiosk.join()
    drain_until = time.monotonic() + live.args.drain_minutes * 60
    while time.monotonic() < drain_until:
        with live.lock:
            if not live.waiting:
                break
        time.sleep(0.2)
    live.stop.set()
    for thread in threads:
        thread.join(60)
    live.clock = SimpleNamespace(now=live.hall_at(time.monotonic()))
    return process_cpu_s(server.process.pid) - cpu


def breakdown(records, key) -> list:
    """Rows (label, n, forecast MAE, naive MAE, forecast mean signed error, naive's), minutes."""
    groups: dict = {}
    for r in records:
        if r.called_at is not None:
            real = (r.called_at - r.issued_at).total_seconds()
            groups.setdefault(key(r), []).append((r.estimate_s - real, r.naive_s - real))
    rows = []
    for label, errors in sorted(groups.items()):
        n = len(errors)
        rows.append((label, n, sum(abs(f) for f, _ in errors) / n / 60,
                     sum(abs(v) for _, v in errors) / n / 60,
                     sum(f for f, _ in errors) / n / 60, sum(v for _, v in errors) / n / 60))
    return rows


def period_of(opens):
    def key(record) -> str:
        minutes = int((record.issued_at - opens).total_seconds() // 60)
        return (opens + timedelta(minutes=minutes - minutes % PERIOD_MIN)).strftime("%H:%M")
    return key


def print_breakdown(records, opens) -> None:
    header = (f"{'':<10}{'tickets':>8}{'MAE forecast':>14}{'MAE naive':>11}{'ratio':>7}"
              f"{'bias forecast':>15}{'bias naive':>12}")
    for title, key in (("by service", lambda r: r.service),
                       (f"by {PERIOD_MIN} hall minutes of issue", period_of(opens))):
        print(f"\nwhere the error is, {title} (minutes; bias = estimate − real, mean):")
        print(header)
        for label, n, ours, naive, bias, naive_bias in breakdown(records, key):
            ratio = f"{ours / naive:.2f}" if naive else "-"
            print(f"{label:<10}{n:>8}{ours:>14.1f}{naive:>11.1f}{ratio:>7}{bias:>+15.1f}"
                  f"{naive_bias:>+12.1f}")


class PeriodDay(Day):
    """The simulator's day cut to the period played live: the same seeded arrivals up to its
    end and none after, the breaks that begin in it and no later one (no lunch rota), the
    services open all day (the live hall has no hours), no transfers (the clerks here make
    none); the windows then serve the queue out, as the clerks here do."""

    def __init__(self, live: Live):
        zone, day = live.opens.tzinfo, live.opens.date()
        windows = [dict(w, breaks=[b for b in w.get("breaks") or []
                                   if _at(day, b.split("-")[0], zone) < live.ends])
                   for w in live.sc["windows"]]
        services = [dict(s, hours=None) for s in live.sc["services"]]
        self.ends = live.ends
        super().__init__(dict(live.sc, windows=windows, services=services, service_hours=None,
                              transfer_share=0.0), live.args.seed)

    def _plan_arrivals(self) -> None:
        super()._plan_arrivals()
        self.events = [e for e in self.events if e[0] < self.ends]
        heapq.heapify(self.events)


def control(live: Live) -> None:
    """The simulator (simulated clock, service layer in process, uncompressed) on the same
    period, seed and limits (``PeriodDay``)."""
    started = time.monotonic()
    day = PeriodDay(live).run()
    print("\n--- control: `queue-server simulate` of the same period, seed and limits ---")
    data = summary(day)
    print(table(day.sc.get("name", "scenario") + f", simulated, {live.opens:%H:%M}–"
                f"{live.ends:%H:%M}", live.args.seed, data, time.monotonic() - started))
    ours, naive, _ = data["mae_min"]["at issue"]
    if ours is not None and naive:
        print(f"\nratio at issue (forecast / naive): {ours / naive:.2f}")
    print_breakdown(day.records.values(), day.opens)


def report(live: Live, seconds: float, cpu_s: float) -> None:
    data = summary(live)
    name = live.sc.get("name", "scenario") + ", live over HTTP"
    text = table(name, live.args.seed, data, seconds).replace("simulated in", "played in")
    print(text)
    ours, naive, _ = data["mae_min"]["at issue"]
    if ours is not None and naive:
        print(f"\nratio at issue (forecast / naive): {ours / naive:.2f}   (aim ≤ 0.5)")
    print_breakdown(live.records.values(), live.opens)
    limits = ", ".join(f"{c} {m * live.scale:g}" if m else f"{c} -"
                       for c, m in live.limits.items())
    ms = sorted(live.issue_ms)
    print(f"\nhall {live.opens:%H:%M}–{live.ends:%H:%M} at {live.scale:g} hall s per real s; "
          f"wait limits as served (hall min): {limits}")
    if ms:
        print(f"issue answer p50 {ms[len(ms) // 2]:.1f} ms, max {ms[-1]:.1f} ms; server CPU "
              f"{cpu_s:.1f} s over the run; load average {os.getloadavg()[0]:.2f}")
    for error in live.errors[:10]:
        print(f"error: {error}", file=sys.stderr)
    if live.errors:
        print(f"{len(live.errors)} request errors", file=sys.stderr)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default=DEFAULT_SCENARIO)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--minutes", type=float, default=6.0,
                        help="real minutes of arrivals (then the queue is served out)")
    parser.add_argument("--scale", type=float, default=30.0,
                        help="hall seconds per real second")
    parser.add_argument("--control", action="store_true",
                        help="also simulate the same period on the simulated clock")
    parser.add_argument("--drain-minutes", type=float, default=4.0,
                        help="at most this long (real) to serve the queue out after arrivals")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    live = Live(args, read_scenario(args.scenario))
    with tempfile.TemporaryDirectory(prefix="hallq-bench-live-") as tmp:
        folder = Path(tmp)
        env = server_env(sqlite_url(folder), os.urandom(16).hex(),
                         default_handling_s=DEFAULT_HANDLING_S / args.scale)
        token = provision(live, env, folder)
        server = ServerProcess(env, folder, name="server").start()
        try:
            started = time.monotonic()
            cpu_s = play(live, server, token)
            seconds = time.monotonic() - started
        finally:
            server.stop()
    report(live, seconds, cpu_s)
    if args.control:
        control(live)
    scenario = "" if args.scenario == DEFAULT_SCENARIO else f" --scenario {args.scenario}"
    print(f"rerun: .venv/bin/python bench/bench_estimate_live.py{scenario} --seed {args.seed} "
          f"--minutes {args.minutes:g} --scale {args.scale:g}" + " --control" * args.control)
    return 0


if __name__ == "__main__":
    sys.exit(main())
