"""What ``queue-server simulate`` measures, and the truth table it prints.

- the estimate shown on the ticket at issue (``estimated_wait_s``) against the real wait (issue
  to first call), next to the naive formula (``domain.estimate.estimate_wait_s``: people ahead
  × trimmed mean of the latest 20 handling times ÷ open windows serving the service) computed at
  the same moment from the same database;
- the same 10 and 30 minutes after issue, for the tickets still waiting then (against the wait
  left);
- the longest wait per service, the share called within the service's limit, and the tickets
  that waited past their limit while a window serving their service sat idle.
"""

from queue_server.domain.estimate import estimate_wait_s
from queue_server.services import estimates, queues
from queue_server.storage import tickets as stored_tickets
from queue_server.storage import windows as stored_windows

NAIVE_SAMPLES = 20


def naive_now(day, code: str, ahead: int) -> int:
    """The naive formula as the server computed it before the forecast, at the clock's now."""
    service = day.hall.service(code)
    with day.ctx.db.read() as conn:
        rows = stored_tickets.latest_handling(conn, service.id, NAIVE_SAMPLES)
        open_ids = stored_windows.open_window_ids(conn, day.hall.id)
    samples = [(f - c).total_seconds() for c, f in rows if c is not None]
    serving = sum(1 for w in day.hall.windows_serving(service.id) if w.id in open_ids)
    return estimate_wait_s(ahead, samples, serving, estimates.default_handling_s(day.ctx, service))


def check_now(day, ticket_id: int) -> tuple:
    """(estimate, naive, now) for a ticket still waiting."""
    with day.ctx.db.read() as conn:
        row = stored_tickets.ticket(conn, ticket_id)
        estimate = estimates.ticket_wait_s(day.ctx, conn, day.hall, row)
        ahead = queues.waiting_ahead(conn, row, day.hall, day.clock.now)
    code = day.hall.service_by_id(row["service_id"]).code
    return estimate, naive_now(day, code, ahead), day.clock.now


def _mae(pairs: list) -> float | None:
    return sum(abs(a - b) for a, b in pairs) / len(pairs) / 60 if pairs else None


def summary(day) -> dict:
    records = list(day.records.values())
    called = [r for r in records if r.called_at is not None]
    real = {r.id: (r.called_at - r.issued_at).total_seconds() for r in called}
    result = {
        "issued": len(records),
        "served": sum(1 for r in records if r.outcome == "served"),
        "no_show": sum(1 for r in records if r.outcome == "no_show"),
        "left_waiting": sum(1 for r in records if r.outcome == "waiting"),
        "mae_min": {"at issue": (_mae([(r.estimate_s, real[r.id]) for r in called]),
                                 _mae([(r.naive_s, real[r.id]) for r in called]), len(called))},
        "idle_past_limit": len(day.idle_past_limit),
        "services": {},
    }
    for after in (600, 1800):
        rows = [(r.checks[after], (r.called_at - r.checks[after][2]).total_seconds())
                for r in called if after in r.checks]
        result["mae_min"][f"{after // 60} min after"] = (
            _mae([(c[0], left) for c, left in rows]), _mae([(c[1], left) for c, left in rows]),
            len(rows))
    end = day.clock.now
    for spec in day.sc["services"]:
        mine = [r for r in records if r.service == spec["code"]]
        waits = [((r.called_at or end) - r.issued_at).total_seconds() for r in mine]
        limit = spec.get("max_wait_min")
        within = [real[r.id] <= limit * 60 for r in mine if r.id in real] if limit else []
        result["services"][spec["code"]] = {
            "name": spec.get("name", spec["code"]), "issued": len(mine),
            "longest_min": max(waits) / 60 if waits else 0.0,
            "within_limit": sum(within) / len(within) if within else None}
    return result


def _fmt(value, pattern="{:.1f}") -> str:
    return "-" if value is None else pattern.format(value)


def table(name: str, seed: int, data: dict, seconds: float, history_days: int = 0) -> str:
    history = f", after {history_days} day(s) of history" if history_days else ""
    lines = [f"{name} (seed {seed}{history}): issued {data['issued']} = served {data['served']} + "
             f"no-show {data['no_show']} + left waiting {data['left_waiting']}; "
             f"simulated in {seconds:.1f} s",
             "",
             f"{'mean absolute error (min)':<28}{'forecast':>10}{'naive':>10}{'tickets':>9}"]
    for label, (ours, naive, count) in data["mae_min"].items():
        lines.append(f"{label:<28}{_fmt(ours):>10}{_fmt(naive):>10}{count:>9}")
    lines += ["", f"{'service':<22}{'issued':>8}{'longest wait (min)':>20}{'within limit':>14}"]
    for code, row in data["services"].items():
        label = f"{code} {row['name']}"
        lines.append(f"{label:<22}{row['issued']:>8}{row['longest_min']:>20.1f}"
                     f"{_fmt(row['within_limit'], '{:.0%}'):>14}")
    lines += ["", "tickets waiting past their limit while a window serving them was idle: "
              f"{data['idle_past_limit']}"]
    return "\n".join(lines)
