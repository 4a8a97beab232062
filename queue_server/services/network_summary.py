"""``GET /network/summary``: every hall of a supervisor's subtree with its live figures and
status, and the roll-up of them all (the city's 电子监察 at a glance).

Also the rows of the live pushes (``hall_rows``): the same figures for the halls that changed.
The status rule is ``domain.network_status``; the figures' definitions ``network_figures``.
"""

from queue_server.domain.network import subtree
from queue_server.domain.network_status import hall_status, status_counts
from queue_server.services import network, queues
from queue_server.services.accounts import forbidden
from queue_server.storage.network_figures import hall_figures

# Figures that add up across halls; the roll-up's rates are computed from the sums.
ADDITIVE = ("waiting", "windows", "windows_staffed", "windows_open", "issued", "called", "served",
            "evaluations", "bad_reviews", "alerts_red", "alerts_yellow")


def scope(ctx, principal, root: str | None) -> list[dict]:
    """The halls of the caller's scope (parents first), cut to ``root``'s subtree if given."""
    halls = network.scoped_halls(ctx, principal)  # 401 / 403 for anyone but managers, admins
    if root is None or root == "":
        return halls
    if not network.in_scope(ctx, principal, root):
        raise forbidden("this hall is outside your part of the network")
    parents = {h["code"]: h["parent"] for h in halls}
    below = set(subtree(root, parents))
    return [dict(h, parent=h["parent"] if h["code"] != root else None)
            for h in halls if h["code"] in below]


def hall_rows(ctx, conn, places: list[dict], now) -> list[dict]:
    """One row per hall of ``places`` (code, name, level, parent): its figures and status."""
    infos = [ctx.halls.get(p["code"]) for p in places]
    figures = hall_figures(conn, infos, now)
    rows = []
    for place, info in zip(places, infos):
        row = dict(place, name_en=info.name_en, **figures[info.id])
        row["status"] = hall_status(row)
        rows.append(row)
    return rows


def roll_up(rows: list[dict]) -> dict:
    """The subtree's totals: sums, the longest wait anywhere, rates from the sums."""
    total = {key: sum(r[key] for r in rows) for key in ADDITIVE}
    total["longest_wait_s"] = max((r["longest_wait_s"] for r in rows), default=0)
    called = total["called"]
    total["avg_wait_s"] = (round(sum(r["avg_wait_s"] * r["called"] for r in rows
                                     if r["called"]) / called, 1) if called else None)
    rated = total["evaluations"]
    total["satisfaction_rate"] = (round((rated - total["bad_reviews"]) / rated, 4)
                                  if rated else None)
    total["halls"] = len(rows)
    total["statuses"] = status_counts(r["status"] for r in rows)
    return total


def summary(ctx, principal, root: str | None = None) -> dict:
    places = scope(ctx, principal, root)
    now = ctx.clock()
    rows = ctx.db.read_only(lambda conn: hall_rows(ctx, conn, places, now)) if places else []
    top = ctx.halls.get(places[0]["code"]) if places else None
    return {"root": top.code if top else None,
            "now": queues.local_iso(now, top) if top else None,
            "total": roll_up(rows), "halls": rows}
