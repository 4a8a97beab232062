"""Authorization of every route and every Socket.IO namespace, found from the app itself.

``ROUTES`` classifies every ``METHOD rule`` of ``app.url_map`` by who may use it; ``NAMESPACES``
does the same for every Socket.IO namespace. The tests walk the real URL map and namespace list,
so a route or namespace added without a line here fails ``test_every_route_is_classified``.

Adding a route is one line: ``"POST /api/v1/halls/<hall>/windows/<int:number>/hold":
WINDOW_ACTORS,``. If its URL has a new argument name, add a sample for it to ``url_for_rule``.

Each route is then called by four outsiders who must be refused unless the line allows them:
anonymous (401), a kiosk device of the hall (403), staff of another window of the hall (403)
and a manager of another hall (403). Never a 5xx, never a 2xx for a refused caller.
"""

import re

import pytest
from sqlalchemy import select

from queue_server.realtime import protocol
from queue_server.services import accounts, supervisor
from queue_server.storage.models import alerts, followup_cases, tickets, user_photos
from tests.api.counter_helpers import rate, serve_one
from tests.conftest import PASSWORD, bearer
from tests.realtime.refusals import connect
from tests.services.test_profiles import image_bytes

# Who may use a route. "public" needs no token; "kiosk" is a kiosk device of the hall;
# "hall_staff" is any staff member of the hall (not only of the window in the URL). Other roles
# "any_manager" is a manager of any hall, answered about their own halls. Other roles
# (staff of the window, its caller keypad or evaluator, managers and admins of the hall) are
# documented by the line but never probed here: the outsiders below are.
PUBLIC = frozenset({"public"})
ISSUERS = frozenset({"kiosk", "hall_staff", "manager", "admin"})
WINDOW_ACTORS = frozenset({"window_staff", "caller", "manager", "admin"})
WINDOW_PEOPLE = frozenset({"window_staff", "manager", "admin"})  # people only, no keypad
HALL_USERS = frozenset({"hall_staff", "manager", "admin"})
MANAGERS = frozenset({"manager", "admin"})
EVALUATOR = frozenset({"evaluator"})
ADMINS = frozenset({"admin"})
# Any valid token of a user or device (signing out needs nothing more).
SIGNED_IN = frozenset({"kiosk", "hall_staff", "any_manager", "window_staff", "caller",
                       "manager", "admin", "evaluator"})

ROUTES = {
    "GET /api/docs": PUBLIC,
    # /metrics: loopback (the test client) or the metrics token; a remote address is refused
    # in tests/api/test_metrics.py.
    "GET /metrics": PUBLIC,
    "GET /queue/<hall_code>": PUBLIC,
    "GET /queue/<hall_code>/qr.svg": PUBLIC,
    "POST /api/v1/track/<token>/cancel": PUBLIC,
    "POST /api/v1/auth/logout": SIGNED_IN,
    "GET /api/v1/audit": ADMINS,
    "GET /api/v1/halls/<hall>/followups/<int:case_id>/phone": MANAGERS,
    "PATCH /api/v1/tickets/<int:ticket_id>/evaluation": EVALUATOR,
    "POST /api/v1/halls/<hall>/windows/<int:number>/call-number": WINDOW_ACTORS,
    "POST /api/v1/halls/<hall>/windows/<int:number>/hold": WINDOW_ACTORS,
    "POST /api/v1/halls/<hall>/windows/<int:number>/unhold": WINDOW_ACTORS,
    "POST /api/v1/halls/<hall>/windows/<int:number>/undo-no-show": WINDOW_ACTORS,
    # pages and static files
    "GET /": PUBLIC,
    "GET /favicon.ico": PUBLIC,
    "GET /healthz": PUBLIC,
    "GET /static/<path:filename>": PUBLIC,
    "GET /counter": PUBLIC,  # the page; its data needs a staff token
    "GET /counter-static/<path:filename>": PUBLIC,
    "GET /dashboard": PUBLIC,  # the page; its data needs a manager token
    "GET /followups": PUBLIC,  # the page; its data needs a manager token
    "GET /display/<hall_code>": PUBLIC,
    "GET /display/<hall_code>/window/<int:number>": PUBLIC,
    "GET /display/<hall_code>/voice/call.wav": PUBLIC,
    "GET /display-static/<path:filename>": PUBLIC,
    "GET /evaluator/<hall_code>/<int:number>": PUBLIC,  # the page; pairing needs a token
    "GET /kiosk/<hall>": PUBLIC,  # the page; pairing needs a kiosk token
    "GET /kiosk-static/<path:filename>": PUBLIC,
    "POST /kiosk/<hall>/demo-swipe": PUBLIC,  # 404 unless the demo card reader is on
    "GET /track/<token>": PUBLIC,  # the token is the secret
    "GET /matters/<hall_code>": PUBLIC,  # the citizen's 办事指南
    "GET /track/<token>/qr.svg": PUBLIC,
    # the API
    "GET /api/v1/openapi.json": PUBLIC,
    "POST /api/v1/auth/token": PUBLIC,
    "GET /api/v1/halls/<hall>/services": PUBLIC,
    "GET /api/v1/halls/<hall>/matters": PUBLIC,
    "GET /api/v1/halls/<hall>/snapshot": PUBLIC,
    "GET /api/v1/track/<token>": PUBLIC,
    "GET /api/v1/halls/<hall>/staff-photos/<key>": PUBLIC,  # the random key is the secret
    "POST /api/v1/halls/<hall>/tickets": ISSUERS,
    "GET /api/v1/halls/<hall>/booking/services": PUBLIC,
    "GET /api/v1/halls/<hall>/booking/slots": PUBLIC,
    # 五件 cases: the window's people accept; the hall's staff (and department systems,
    # not probed here) work them; the report is for watchers; the phone lookup is public.
    "POST /api/v1/halls/<hall>/windows/<int:number>/cases": WINDOW_PEOPLE,
    "GET /api/v1/halls/<hall>/cases": HALL_USERS,
    "GET /api/v1/halls/<hall>/cases/<int:case_id>": HALL_USERS,
    "POST /api/v1/halls/<hall>/cases/<int:case_id>/state": HALL_USERS,
    "GET /api/v1/halls/<hall>/cases/report": MANAGERS,
    "GET /api/v1/halls/<hall>/cases/report.csv": MANAGERS,
    "GET /api/v1/halls/<hall>/cases/report.xlsx": MANAGERS,
    "GET /api/v1/halls/<hall>/cases/lookup": PUBLIC,
    "POST /api/v1/halls/<hall>/cases/pickup": ISSUERS,  # 窗口送达 取件 at the kiosk
    "POST /api/v1/halls/<hall>/bookings": PUBLIC,
    "GET /api/v1/halls/<hall>/bookings": MANAGERS,
    "GET /api/v1/halls/<hall>/bookings/overview": MANAGERS,
    "GET /api/v1/halls/<hall>/bookings/overview.csv": MANAGERS,
    "GET /api/v1/halls/<hall>/bookings/overview.xlsx": MANAGERS,
    "GET /book/<hall>": PUBLIC,
    "GET /book/<hall>/qr/<code>.svg": PUBLIC,
    "GET /case/<hall>": PUBLIC,  # the phone page; its lookup is rate limited
    "POST /api/v1/halls/<hall>/bookings/<code>/lookup": PUBLIC,
    "POST /api/v1/halls/<hall>/bookings/<code>/cancel": PUBLIC,
    "POST /api/v1/halls/<hall>/bookings/<code>/change": PUBLIC,
    "POST /api/v1/halls/<hall>/bookings/check-in": ISSUERS,
    "POST /api/v1/tickets/<int:ticket_id>/evaluation": EVALUATOR,
    "GET /api/v1/halls/<hall>/me": HALL_USERS,
    "POST /api/v1/halls/<hall>/windows/<int:number>/call-next": WINDOW_ACTORS,
    "POST /api/v1/halls/<hall>/windows/<int:number>/recall": WINDOW_ACTORS,
    "POST /api/v1/halls/<hall>/windows/<int:number>/finish": WINDOW_ACTORS,
    "POST /api/v1/halls/<hall>/windows/<int:number>/no-show": WINDOW_ACTORS,
    "POST /api/v1/halls/<hall>/windows/<int:number>/transfer": WINDOW_ACTORS,
    "POST /api/v1/halls/<hall>/windows/<int:number>/pause": WINDOW_ACTORS,
    "POST /api/v1/halls/<hall>/windows/<int:number>/resume": WINDOW_ACTORS,
    "GET /api/v1/halls/<hall>/windows/<int:number>/counter": WINDOW_PEOPLE,
    "POST /api/v1/halls/<hall>/windows/<int:number>/sign-in": WINDOW_PEOPLE,
    "POST /api/v1/halls/<hall>/windows/<int:number>/sign-out": WINDOW_PEOPLE,
    "GET /api/v1/halls/<hall>/stats": MANAGERS,
    "GET /api/v1/halls/<hall>/alerts": MANAGERS,
    "POST /api/v1/alerts/<int:alert_id>/acknowledge": MANAGERS,
    "GET /api/v1/halls/<hall>/floor": MANAGERS,
    "GET /api/v1/halls/<hall>/reports": MANAGERS,
    "POST /api/v1/halls/<hall>/planner": MANAGERS,
    "GET /api/v1/halls/<hall>/reports.csv": MANAGERS,
    "GET /api/v1/halls/<hall>/reports.xlsx": MANAGERS,
    "GET /api/v1/halls/<hall>/evaluations/export": MANAGERS,
    "GET /api/v1/halls/<hall>/followups": MANAGERS,
    "GET /api/v1/halls/<hall>/followups/ledger": MANAGERS,
    "GET /api/v1/halls/<hall>/followups/<int:case_id>": MANAGERS,
    "POST /api/v1/halls/<hall>/followups/<int:case_id>/callback": MANAGERS,
    "POST /api/v1/halls/<hall>/followups/<int:case_id>/close": MANAGERS,
    "GET /api/v1/supervision/halls": frozenset({"any_manager"}),  # the halls they supervise
    "GET /api/v1/network": frozenset({"any_manager"}),  # the subtree they supervise
    "GET /api/v1/network/summary": frozenset({"any_manager"}),  # their subtree's figures
    "GET /api/v1/network/ranking": frozenset({"any_manager"}),
    "GET /api/v1/network/ranking.xlsx": frozenset({"any_manager"}),
}

# Socket.IO namespaces: who may connect (with ``auth={"token", "hall": "h1", "window": 1}``).
NAMESPACES = {
    protocol.DISPLAY_NAMESPACE: PUBLIC,
    protocol.KIOSK_NAMESPACE: frozenset({"kiosk"}),
    protocol.STAFF_NAMESPACE: WINDOW_PEOPLE,
    protocol.EVALUATOR_NAMESPACE: EVALUATOR,
    protocol.SUPERVISION_NAMESPACE: MANAGERS,
    protocol.NETWORK_NAMESPACE: frozenset({"any_manager"}),  # their own subtree's halls
}

# The outsiders probed, and the roles of a line that let each of them in.
OUTSIDERS = {
    "anonymous": {"public"},
    "kiosk": {"public", "kiosk"},
    "staff_of_window_2": {"public", "hall_staff"},
    "manager_of_h2": {"public", "any_manager"},
}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def app_routes(app) -> set[str]:
    return {f"{method} {rule.rule}" for rule in app.url_map.iter_rules()
            for method in rule.methods if method in METHODS}


@pytest.fixture
def outsiders(client, accts):
    staff2 = accts.user("staff", windows=(2,))
    assert client.post("/api/v1/halls/h1/windows/2/sign-in", headers=staff2).status_code == 200
    return {"anonymous": {}, "kiosk": accts.device("kiosk"), "staff_of_window_2": staff2,
            "manager_of_h2": accts.user("manager", hall="h2")}


@pytest.fixture
def samples(client, ctx, kiosk, accts):
    """Real objects of hall h1 for the URL arguments: a finished and badly rated ticket of
    window 1, its follow-up case and alert, a staff photo, a tracking token."""
    staff1 = accts.user("staff", windows=(1,))
    ticket = serve_one(client, kiosk, staff1)
    assert rate(client, accts.device("evaluator", window=1), ticket["id"],
                "very_dissatisfied").status_code == 201
    supervisor.run_once(ctx)
    accounts.add_user(ctx, "photo", PASSWORD, "staff", ctx.halls.get("h1").id, (3,), "张三",
                      photo=image_bytes("JPEG"))
    with ctx.db.read() as conn:
        return {
            "hall": "h1", "hall_code": "h1", "number": 1, "ticket_id": ticket["id"],
            "token": conn.execute(select(tickets.c.track_token)).scalars().first(),
            "filename": "no-such-file.js",
            "case_id": conn.execute(select(followup_cases.c.id)).scalar_one(),
            "alert_id": conn.execute(select(alerts.c.id)).scalars().first(),
            "key": conn.execute(select(user_photos.c.key)).scalar_one(),
            "code": "NOCODE",
        }


def url_for_rule(rule: str, samples: dict) -> str:
    def fill(match):
        name = match.group(1).split(":")[-1]
        assert name in samples, f"add a sample value for <{name}> to samples()"
        return str(samples[name])
    return re.sub(r"<([^>]+)>", fill, rule)


def call(client, route: str, samples: dict, headers: dict):
    method, rule = route.split(" ", 1)
    body = {} if method != "GET" else None
    return client.open(url_for_rule(rule, samples), method=method, json=body, headers=headers)


def test_every_route_is_classified(app):
    unclassified = sorted(app_routes(app) - set(ROUTES))
    assert unclassified == [], "classify these routes in ROUTES (one line each)"


def test_no_classification_is_stale(app):
    assert sorted(set(ROUTES) - app_routes(app)) == []


def test_every_namespace_is_classified(socketio):
    assert set(socketio.server.namespace_handlers) == set(NAMESPACES)


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_every_route_refuses_outsiders(app, client, outsiders, samples, outsider):
    wrong = {}
    # Signing out revokes the outsider's token: probe it last.
    for route in sorted(app_routes(app), key=lambda r: (r.endswith("/auth/logout"), r)):
        allowed = bool(ROUTES.get(route, frozenset()) & OUTSIDERS[outsider])
        with call(client, route, samples, outsiders[outsider]) as response:
            status = response.status_code
        if status >= 500 or (not allowed and status != (401 if outsider == "anonymous"
                                                        else 403)):
            wrong[route] = status
    assert wrong == {}


@pytest.mark.parametrize("namespace", NAMESPACES)
@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_every_namespace_refuses_outsiders(app, socketio, outsiders, namespace, outsider):
    headers = outsiders[outsider]
    auth = {"hall": "h1", "window": 1, "role": "page"}
    if headers:
        auth["token"] = bearer(headers)
    refusal = connect(app, socketio, namespace, auth)
    if NAMESPACES[namespace] & OUTSIDERS[outsider]:
        assert refusal is None
    else:
        assert refusal is not None and set(refusal) == {"code", "message"}, refusal
