"""The scope matrix: every route of the URL map that names a hall, for people bound to a
subtree of a three-level network (issue 10, item 3; the rule is in docs/NETWORK.md).

    city ── county1 ── town ── village
        └── county2

``HALL_ROUTES`` classifies every ``METHOD rule`` with a ``<hall>`` or ``<hall_code>`` argument:
``ACT`` (managers act: tickets, windows, follow-up call-backs), ``WATCH`` (managers and
supervisors watch: floor, figures, alerts, reports) or ``PUBLIC`` (citizens' pages and data, no
scope). A hall route missing here fails ``test_every_hall_route_is_in_the_matrix``.

"Allowed" means the permission check let the request through: any answer but 401, 403 or a
5xx (a 404 for an unknown follow-up case or a 409 for a busy window is the use case speaking
after the check). "Refused" means 403 in the documented error shape.
"""

import re

import pytest

from queue_server.domain.alerts import WINDOW_PAUSED, Wanted
from queue_server.services.config_loader import load_config
from queue_server.storage import alerts as stored_alerts

HALLS = ("city", "county1", "county2", "town", "village")
LEVELS = {"city": ("city", None), "county1": ("county", "city"), "county2": ("county", "city"),
          "town": ("town", "county1"), "village": ("village", "town")}
TREE = {"halls": [
    {"code": code, "name": f"{code} 政务服务中心", "level": level,
     **({"parent": parent} if parent else {}),
     "services": [{"code": "A", "name": "综合"}],
     "windows": [{"number": 1, "services": ["A"]}, {"number": 2, "services": ["A"]}]}
    for code, (level, parent) in LEVELS.items()
]}

ACT, WATCH, PUBLIC = "act", "watch", "public"
HALL_ROUTES = {
    "POST /api/v1/halls/<hall>/tickets": ACT,
    "GET /api/v1/halls/<hall>/me": WATCH,
    "GET /api/v1/halls/<hall>/windows/<int:number>/counter": ACT,
    "POST /api/v1/halls/<hall>/windows/<int:number>/sign-in": ACT,
    "POST /api/v1/halls/<hall>/windows/<int:number>/sign-out": ACT,
    "POST /api/v1/halls/<hall>/windows/<int:number>/call-next": ACT,
    "POST /api/v1/halls/<hall>/windows/<int:number>/call-number": ACT,
    "POST /api/v1/halls/<hall>/windows/<int:number>/recall": ACT,
    "POST /api/v1/halls/<hall>/windows/<int:number>/finish": ACT,
    "POST /api/v1/halls/<hall>/windows/<int:number>/no-show": ACT,
    "POST /api/v1/halls/<hall>/windows/<int:number>/undo-no-show": ACT,
    "POST /api/v1/halls/<hall>/windows/<int:number>/transfer": ACT,
    "POST /api/v1/halls/<hall>/windows/<int:number>/hold": ACT,
    "POST /api/v1/halls/<hall>/windows/<int:number>/unhold": ACT,
    "POST /api/v1/halls/<hall>/windows/<int:number>/pause": ACT,
    "POST /api/v1/halls/<hall>/windows/<int:number>/resume": ACT,
    "POST /api/v1/halls/<hall>/followups/<int:case_id>/callback": ACT,
    "POST /api/v1/halls/<hall>/followups/<int:case_id>/close": ACT,
    "GET /api/v1/halls/<hall>/followups/<int:case_id>/phone": ACT,
    "POST /api/v1/halls/<hall>/windows/<int:number>/cases": ACT,
    "GET /api/v1/halls/<hall>/cases": ACT,
    "GET /api/v1/halls/<hall>/cases/report": WATCH,
    "GET /api/v1/halls/<hall>/cases/lookup": PUBLIC,
    "GET /api/v1/halls/<hall>/cases/<int:case_id>": ACT,
    "POST /api/v1/halls/<hall>/cases/<int:case_id>/state": ACT,
    "GET /api/v1/halls/<hall>/stats": WATCH,
    "GET /api/v1/halls/<hall>/alerts": WATCH,
    "GET /api/v1/halls/<hall>/floor": WATCH,
    "GET /api/v1/halls/<hall>/reports": WATCH,
    "GET /api/v1/halls/<hall>/reports.csv": WATCH,
    "GET /api/v1/halls/<hall>/reports.xlsx": WATCH,
    "GET /api/v1/halls/<hall>/evaluations/export": WATCH,
    "GET /api/v1/halls/<hall>/followups": WATCH,
    "GET /api/v1/halls/<hall>/followups/ledger": WATCH,
    "GET /api/v1/halls/<hall>/followups/<int:case_id>": WATCH,
    "GET /api/v1/halls/<hall>/services": PUBLIC,
    "GET /api/v1/halls/<hall>/matters": PUBLIC,
    "GET /api/v1/halls/<hall>/snapshot": PUBLIC,
    "GET /api/v1/halls/<hall>/staff-photos/<key>": PUBLIC,  # the random key is the secret
    "GET /api/v1/halls/<hall>/booking/services": PUBLIC,
    "GET /api/v1/halls/<hall>/booking/slots": PUBLIC,
    "POST /api/v1/halls/<hall>/bookings": PUBLIC,
    "GET /api/v1/halls/<hall>/bookings": WATCH,
    "GET /api/v1/halls/<hall>/bookings/overview": WATCH,
    "GET /api/v1/halls/<hall>/bookings/overview.csv": WATCH,
    "GET /api/v1/halls/<hall>/bookings/overview.xlsx": WATCH,
    "GET /api/v1/halls/<hall>/cases/report.csv": WATCH,
    "GET /api/v1/halls/<hall>/cases/report.xlsx": WATCH,
    "POST /api/v1/halls/<hall>/cases/pickup": ACT,
    "POST /api/v1/halls/<hall>/planner": WATCH,
    "GET /case/<hall>": PUBLIC,
    "GET /book/<hall>": PUBLIC,
    "GET /book/<hall>/qr/<code>.svg": PUBLIC,
    "POST /api/v1/halls/<hall>/bookings/<code>/lookup": PUBLIC,  # code + ID last 4 are the proof
    "POST /api/v1/halls/<hall>/bookings/<code>/cancel": PUBLIC,
    "POST /api/v1/halls/<hall>/bookings/<code>/change": PUBLIC,
    "POST /api/v1/halls/<hall>/bookings/check-in": ACT,
    "GET /kiosk/<hall>": PUBLIC,
    "POST /kiosk/<hall>/demo-swipe": PUBLIC,
    "GET /display/<hall_code>": PUBLIC,
    "GET /display/<hall_code>/window/<int:number>": PUBLIC,
    "GET /display/<hall_code>/voice/call.wav": PUBLIC,
    "GET /evaluator/<hall_code>/<int:number>": PUBLIC,
    "GET /matters/<hall_code>": PUBLIC,
    "GET /queue/<hall_code>": PUBLIC,
    "GET /queue/<hall_code>/qr.svg": PUBLIC,
}
# A minimal body the permission check sees first (tickets: a real service, so the request
# goes all the way for those allowed).
BODIES = {"POST /api/v1/halls/<hall>/tickets": {"service": "A"}}
SAMPLES = {"number": 1, "case_id": 999999, "key": "no-such-key", "code": "NOCODE"}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# Who reaches which halls: (role, the hall they were added to) -> halls of their subtree.
SUBTREES = {
    ("manager", "city"): set(HALLS),
    ("manager", "county1"): {"county1", "town", "village"},
    ("manager", "town"): {"town", "village"},
    ("supervisor", "county1"): {"county1", "town", "village"},
    ("supervisor", "city"): set(HALLS),
}


def hall_routes(app) -> set[str]:
    return {f"{method} {rule.rule}" for rule in app.url_map.iter_rules()
            for method in rule.methods
            if method in METHODS and {"hall", "hall_code"} & set(rule.arguments)}


@pytest.fixture
def network(ctx):
    load_config(ctx, TREE)


def call(client, route: str, hall: str, headers: dict):
    method, rule = route.split(" ", 1)
    url = re.sub(r"<(?:[^:>]+:)?(hall|hall_code)>", hall, rule)
    url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(SAMPLES[m.group(1)]), url)
    body = BODIES.get(route, {}) if method != "GET" else None
    return client.open(url, method=method, json=body, headers=headers)


def outcomes(client, headers: dict, routes) -> dict:
    """``{(route, hall): "allowed" | "refused" | "status N"}`` for every route and hall."""
    seen = {}
    for route in sorted(routes):
        for hall in HALLS:
            with call(client, route, hall, headers) as response:
                seen[route, hall] = verdict(response)
    return seen


def verdict(response) -> str:
    if response.status_code == 403:
        error = response.get_json().get("error", {})
        shaped = error.get("code") == "forbidden" and isinstance(error.get("message"), str)
        return "refused" if shaped else f"403 {error}"
    if response.status_code == 401 or response.status_code >= 500:
        return f"status {response.status_code}"
    return "allowed"


def expected(role: str, route_kind: str, reached: set, hall: str) -> str:
    if route_kind == PUBLIC:
        return "allowed"
    if role == "supervisor" and route_kind == ACT:
        return "refused"  # supervisors watch; they never work a window or issue a ticket
    return "allowed" if hall in reached else "refused"


def test_every_hall_route_is_in_the_matrix(app):
    assert sorted(hall_routes(app) - set(HALL_ROUTES)) == [], \
        "classify these routes in HALL_ROUTES (ACT, WATCH or PUBLIC)"


def test_the_matrix_has_no_stale_route(app):
    assert sorted(set(HALL_ROUTES) - hall_routes(app)) == []


@pytest.mark.parametrize("role, own", SUBTREES)
def test_people_reach_their_subtree_and_nothing_beside_or_above(app, client, accts, network,
                                                               role, own):
    headers = accts.user(role, own)
    seen = outcomes(client, headers, hall_routes(app))
    wrong = {key: got for key, got in seen.items()
             if got != expected(role, HALL_ROUTES[key[0]], SUBTREES[role, own], key[1])}
    assert wrong == {}


def test_village_staff_reach_their_own_hall_only(app, client, accts, network):
    headers = accts.user("staff", "village", windows=(1,))
    scoped = {r for r in hall_routes(app) if HALL_ROUTES[r] != PUBLIC}
    seen = outcomes(client, headers, scoped)
    above = {key: got for key, got in seen.items() if key[1] != "village" and got != "refused"}
    assert above == {}
    assert seen["POST /api/v1/halls/<hall>/tickets", "village"] == "allowed"


def test_a_kiosk_issues_in_its_own_hall_only(client, accts, network):
    kiosk = accts.device("kiosk", "town")
    route = "POST /api/v1/halls/<hall>/tickets"
    assert verdict(call(client, route, "town", kiosk)) == "allowed"
    assert verdict(call(client, route, "village", kiosk)) == "refused"


def test_an_unknown_hall_is_404_not_403(app, client, accts, network):
    headers = accts.user("manager", "town")
    scoped = sorted(r for r in hall_routes(app) if HALL_ROUTES[r] != PUBLIC)
    statuses = {route: call(client, route, "nowhere", headers).status_code for route in scoped}
    assert {s for s in statuses.values()} == {404}, statuses


@pytest.mark.parametrize("role, own, allowed", [
    ("manager", "county1", True), ("manager", "county2", False), ("manager", "village", False),
    ("supervisor", "city", False),
])
def test_acknowledging_an_alert_follows_its_hall(ctx, client, accts, network, role, own,
                                                 allowed):
    town = ctx.halls.get("town").id
    with ctx.db.write() as conn:
        alert_id = stored_alerts.raise_alert(conn, town,
                                              Wanted(WINDOW_PAUSED, "window:1", "yellow"),
                                              ctx.clock())
    response = client.post(f"/api/v1/alerts/{alert_id}/acknowledge", json={"note": "已处理"},
                           headers=accts.user(role, own))
    assert (response.status_code == 200) is allowed
    assert allowed or response.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("path", ["/api/v1/supervision/halls", "/api/v1/network"])
@pytest.mark.parametrize("role", ["manager", "supervisor"])
def test_hall_lists_hold_the_subtree_only(client, accts, network, path, role):
    answer = client.get(path, headers=accts.user(role, "county1")).get_json()
    assert {h["code"] for h in answer} == {"county1", "town", "village"}
