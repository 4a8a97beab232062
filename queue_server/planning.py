"""The staffing planner's simulation: a scenario's day with "what if" changes, waits by hour.

``apply_changes(scenario, windows)`` overrides windows of a scenario (``simulation``'s format):
``{number, services?, closed_hours?}`` changes a window's services (preference order) or closes
it for whole hours; a number the scenario lacks adds a window. ``run(scenario, seed,
target_wait_min)`` plays the day through the real service layer (``simulation.Day``, without
the estimate checks) and answers per hour of issue and per service: tickets, mean and longest
wait, the share called within the service's limit, the windows open for it, and the windows an
M/M/c queue (Erlang C) says would keep its mean wait under the target — a first guess the
manager then tries in the simulator.

Run as ``python -m queue_server.planning`` it reads ``{scenario, seed, target_wait_min}`` as
JSON on standard input and writes the answer as JSON: the server runs it in a child process so
that seconds of simulation never hold up its event loop.
"""

import json
import math
import sys
import time as wall

MAX_WAIT_TARGET_MIN = 240


def _minutes(hhmm: str) -> int:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return hours * 60 + minutes


def _hhmm(minutes: int) -> str:
    minutes = min(minutes, 23 * 60 + 59)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def merged_breaks(breaks, closed_hours) -> list[str]:
    """The window's breaks and whole closed hours as non-overlapping ``"HH:MM-HH:MM"``."""
    spans = sorted([(_minutes(a), _minutes(b)) for a, b in (s.split("-") for s in breaks)]
                   + [(h * 60, h * 60 + 60) for h in closed_hours])
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [f"{_hhmm(a)}-{_hhmm(b)}" for a, b in merged]


def apply_changes(scenario: dict, changes: list) -> dict:
    """A copy of ``scenario`` with the windows' changes (see the module docstring)."""
    result = dict(scenario)
    windows = {w["number"]: dict(w) for w in scenario["windows"]}
    for change in changes:
        window = windows.setdefault(change["number"], {"number": change["number"],
                                                        "services": [], "breaks": []})
        if change.get("services") is not None:
            window["services"] = list(change["services"])
        window["closed_hours"] = sorted(set(change.get("closed_hours") or ()))
    result["windows"] = []
    for number in sorted(windows):
        window = windows[number]
        if not window["services"]:
            continue  # a window with no service serves nobody
        window["breaks"] = merged_breaks(window.get("breaks") or [],
                                         window.get("closed_hours") or [])
        result["windows"].append(window)
    return result


def hours_of(scenario: dict) -> list[int]:
    opens, closes = _minutes(scenario.get("open", "09:00")), _minutes(
        scenario.get("close", "17:00"))
    return list(range(opens // 60, (closes + 59) // 60))


def open_share(window: dict, hour: int) -> float:
    """The share of ``hour`` the window is not on a break."""
    closed = 0
    for spec in window.get("breaks") or []:
        a, b = (_minutes(x) for x in spec.split("-"))
        closed += max(0, min(b, hour * 60 + 60) - max(a, hour * 60))
    return max(0.0, 1 - closed / 60)


def erlang_c_windows(arrivals_per_h: float, handling_min: float, target_min: float) -> int:
    """The fewest servers of an M/M/c queue whose mean wait is at most ``target_min``."""
    load = arrivals_per_h * handling_min / 60  # offered load in erlangs
    if load <= 0:
        return 0
    servers = max(1, math.ceil(load))
    while servers < 500:
        if servers > load:
            term, total = 1.0, 1.0
            for k in range(1, servers):
                term *= load / k
                total += term
            top = term * load / servers * servers / (servers - load)
            waiting = top / (total + top)  # the chance of waiting at all
            if waiting * handling_min / (servers - load) <= target_min:
                return servers
        servers += 1
    return servers


def _by_hour(day, scenario: dict, hours: list, target_min: float) -> list:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(scenario.get("timezone", "Asia/Shanghai"))
    end = day.clock.now
    rows = []
    for spec in scenario["services"]:
        limit = spec.get("max_wait_min")
        for hour in hours:
            mine = [r for r in day.records.values() if r.service == spec["code"]
                    and r.issued_at.astimezone(zone).hour == hour]
            waits = [((r.called_at or end) - r.issued_at).total_seconds() / 60 for r in mine]
            limit_min = limit if limit is not None else target_min
            windows = sum(open_share(w, hour) for w in scenario["windows"]
                          if spec["code"] in w["services"])
            rows.append({
                "service": spec["code"], "hour": hour, "tickets": len(mine),
                "mean_wait_min": round(sum(waits) / len(waits), 1) if waits else None,
                "longest_wait_min": round(max(waits), 1) if waits else None,
                "within_limit": round(sum(w <= limit_min for w in waits) / len(waits), 3)
                if waits else None,
                "windows": round(windows, 2),
                "windows_needed": erlang_c_windows(len(mine), spec["handling_min"], target_min),
            })
    return rows


def run(scenario: dict, seed: int = 1, target_wait_min: float = 20) -> dict:
    """Simulate ``scenario``'s day; the planner's figures (see the module docstring)."""
    from queue_server.simulation import Day
    from queue_server.simulation_report import summary

    started = wall.perf_counter()
    day = Day(scenario, seed, measure=False).run()
    data = summary(day)
    called = [r for r in day.records.values() if r.called_at is not None]
    waits = [(r.called_at - r.issued_at).total_seconds() / 60 for r in called]
    limits = {s["code"]: s.get("max_wait_min") or target_wait_min for s in scenario["services"]}
    within = [(r.called_at - r.issued_at).total_seconds() <= limits[r.service] * 60
              for r in called]
    return {
        "issued": data["issued"], "served": data["served"], "no_show": data["no_show"],
        "left_waiting": data["left_waiting"],
        "mean_wait_min": round(sum(waits) / len(waits), 1) if waits else None,
        "within_limit": round(sum(within) / len(within), 3) if within else None,
        "idle_past_limit": data["idle_past_limit"],
        "by_hour": _by_hour(day, scenario, hours_of(scenario), target_wait_min),
        "services": [{"code": code, "name": row["name"], "issued": row["issued"],
                      "longest_wait_min": round(row["longest_min"], 1),
                      "within_limit": row["within_limit"]}
                     for code, row in data["services"].items()],
        "seconds": round(wall.perf_counter() - started, 2),
    }


def main() -> None:
    request = json.load(sys.stdin)
    json.dump(run(request["scenario"], int(request.get("seed", 1)),
                  float(request.get("target_wait_min", 20))), sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
