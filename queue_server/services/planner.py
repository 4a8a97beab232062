"""The staffing planner (``POST /halls/{hall}/planner``): a weekday's demand from the hall's
history, "what if" window changes, and the simulated waits by hour.

The scenario is the hall's average such weekday (``history_scenario``); the changes and the
figures are ``queue_server.planning``'s. The simulation runs in a child process (a few seconds
of CPU must never hold up the server's event loop), at most ``MAX_RUNS`` at a time per server
process; more answer ``busy`` (503).
"""

import json
import subprocess
import sys
import threading

from queue_server.domain.errors import DomainError, invalid_request
from queue_server.planning import MAX_WAIT_TARGET_MIN, apply_changes
from queue_server.services.accounts import require_hall_watcher
from queue_server.services.history_scenario import scenario_from_history

MAX_RUNS = 2
RUN_TIMEOUT_S = 120
MAX_WINDOWS = 200
_runs = threading.BoundedSemaphore(MAX_RUNS)


def _int(body: dict, key: str, default, low: int, high: int):
    value = body.get(key, default)
    if value is None and default is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid_request(f"{key} must be a whole number from {low} to {high}")
    return value


def parse(body, hall) -> dict:
    """The request's fields, checked: ``weekday`` (0 = Monday), ``days``, ``seed``,
    ``target_wait_min`` and ``windows`` (the changes)."""
    if not isinstance(body, dict):
        raise invalid_request("the body must be a JSON object")
    request = {"weekday": _int(body, "weekday", None, 0, 6), "days": _int(body, "days", 20, 1, 366),
               "seed": _int(body, "seed", 1, 0, 2 ** 31),
               "target_wait_min": _int(body, "target_wait_min", 20, 1, MAX_WAIT_TARGET_MIN)}
    windows = body.get("windows", [])
    if not isinstance(windows, list) or len(windows) > MAX_WINDOWS:
        raise invalid_request(f"windows must be a list of at most {MAX_WINDOWS} changes")
    codes = {s.code for s in hall.services if s.active}
    changes, seen = [], set()
    for change in windows:
        if not isinstance(change, dict):
            raise invalid_request("each window change must be an object")
        number = _int(change, "number", 0, 1, 9999)
        if number in seen:
            raise invalid_request(f"window {number} is changed twice")
        seen.add(number)
        services = change.get("services")
        if services is not None and (not isinstance(services, list) or not all(
                isinstance(c, str) and c in codes for c in services)
                or len(set(services)) != len(services)):
            raise invalid_request("services must be a list of the hall's service codes, "
                                  "each once")
        hours = change.get("closed_hours", [])
        if not isinstance(hours, list) or not all(
                isinstance(h, int) and not isinstance(h, bool) and 0 <= h <= 23 for h in hours):
            raise invalid_request("closed_hours must be a list of hours from 0 to 23")
        changes.append({"number": number, "services": services, "closed_hours": hours})
    request["windows"] = changes
    return request


def _simulate(scenario: dict, seed: int, target: int) -> dict:
    if not _runs.acquire(blocking=False):
        raise DomainError("busy", "the planner is simulating other plans; try again shortly")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "queue_server.planning"], capture_output=True,
            input=json.dumps({"scenario": scenario, "seed": seed, "target_wait_min": target}),
            text=True, timeout=RUN_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise DomainError("busy", "the simulation took too long; try fewer changes") from None
    finally:
        _runs.release()
    if done.returncode != 0:
        raise RuntimeError(f"planner simulation failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def plan(ctx, principal, hall_code: str, body) -> dict:
    """The planner's answer: the scenario's windows and services and the simulated figures."""
    hall = ctx.halls.get(hall_code)
    require_hall_watcher(principal, hall.id)
    request = parse(body, hall)
    base = scenario_from_history(ctx, hall, request["days"], request["weekday"])
    scenario = apply_changes(base, request["windows"])
    if not scenario["windows"]:
        raise invalid_request("the plan leaves no window serving anything")
    names_en = {s.code: s.name_en for s in hall.services}
    result = _simulate(scenario, request["seed"], request["target_wait_min"])
    return {
        "hall": hall.code, "weekday": request["weekday"], "seed": request["seed"],
        "target_wait_min": request["target_wait_min"], "history": base["history"],
        "open": scenario["open"], "close": scenario["close"],
        "services": [{"code": s["code"], "name": s["name"], "name_en": names_en.get(s["code"]),
                      "visits": s["visits"], "handling_min": s["handling_min"],
                      "max_wait_min": s["max_wait_min"]} for s in scenario["services"]],
        "windows": [{"number": w["number"], "services": w["services"], "breaks": w["breaks"],
                     "closed_hours": w.get("closed_hours", [])} for w in scenario["windows"]],
        "result": result,
    }
