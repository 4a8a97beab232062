"""The permission matrix: who may call what (401 without a valid token, 403 when not allowed)."""

import pytest

WHO = ["anonymous", "bad_token", "kiosk", "kiosk_h2", "display", "led", "evaluator1",
       "caller1", "caller2", "caller_h2", "staff1", "staff2", "manager", "manager_h2", "admin"]


@pytest.fixture
def who(client, accts):
    made = {
        "anonymous": {}, "bad_token": {"Authorization": "Bearer not-a-token"},
        "kiosk": accts.device("kiosk"), "kiosk_h2": accts.device("kiosk", hall="h2"),
        "display": accts.device("display"), "led": accts.device("led", window=1),
        "evaluator1": accts.device("evaluator", window=1),
        "caller1": accts.device("caller", window=1), "caller2": accts.device("caller", window=2),
        "caller_h2": accts.device("caller", hall="h2", window=1),
        "staff1": accts.user("staff", windows=(1,)), "staff2": accts.user("staff", windows=(2,)),
        "manager": accts.user("manager"), "manager_h2": accts.user("manager", hall="h2"),
        "admin": accts.user("admin"),
    }
    # Someone works each window a caller keypad belongs to: a caller device acts only then.
    on_duty = {"h1": {1: made["staff1"], 2: made["staff2"]},
               "h2": {1: accts.user("staff", hall="h2", windows=(1,))}}
    for hall, windows in on_duty.items():
        for number, headers in windows.items():
            assert client.post(f"/api/v1/halls/{hall}/windows/{number}/sign-in",
                               headers=headers).status_code == 200
    return made


def expected(allowed: set, name: str) -> str:
    if name in ("anonymous", "bad_token"):
        return "401"
    return "ok" if name in allowed else "403"


def outcome(response) -> str:
    """"401"/"403" for a refusal (in the JSON error shape), "ok" for an answer from past the
    permission check (2xx, or a 4xx about the request or the queue), the status otherwise: a
    5xx is never "ok"."""
    status = response.status_code
    if status in (401, 403):
        assert response.get_json()["error"]["code"] in ("unauthenticated", "forbidden")
        return str(status)
    return "ok" if status < 500 else f"server error {status}"


ISSUERS = {"kiosk", "staff1", "staff2", "manager", "admin"}
WINDOW_1_ACTORS = {"staff1", "caller1", "manager", "admin"}
COUNTER_READERS = {"staff1", "manager", "admin"}  # the counter page's state: people only
MANAGERS = {"manager", "admin"}


@pytest.mark.parametrize("name", WHO)
def test_issue_ticket(client, who, name):
    response = client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=who[name])
    assert outcome(response) == expected(ISSUERS, name)


@pytest.mark.parametrize("action", ["call-next", "recall", "finish", "no-show", "transfer",
                                    "pause", "resume"])
@pytest.mark.parametrize("name", WHO)
def test_window_actions(client, who, name, action):
    response = client.post(f"/api/v1/halls/h1/windows/1/{action}", json={"service": "B"},
                           headers=who[name])
    assert outcome(response) == expected(WINDOW_1_ACTORS, name)


@pytest.mark.parametrize("name", WHO)
def test_counter_state(client, who, name):
    response = client.get("/api/v1/halls/h1/windows/1/counter", headers=who[name])
    assert outcome(response) == expected(COUNTER_READERS, name)


@pytest.mark.parametrize("action", ["call-next", "recall", "finish", "no-show", "transfer",
                                    "pause", "resume"])
def test_caller_of_a_window_nobody_works_gets_not_signed_in(client, who, action):
    client.post("/api/v1/halls/h1/windows/1/sign-out", headers=who["staff1"])
    response = client.post(f"/api/v1/halls/h1/windows/1/{action}", json={"service": "B"},
                           headers=who["caller1"])
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "not_signed_in")


@pytest.mark.parametrize("path", ["stats", "alerts"])
@pytest.mark.parametrize("name", WHO)
def test_manager_reads(client, who, name, path):
    response = client.get(f"/api/v1/halls/h1/{path}", headers=who[name])
    assert outcome(response) == expected(MANAGERS, name)


@pytest.mark.parametrize("name", WHO)
def test_evaluation_only_by_the_serving_windows_evaluator(client, who, name):
    ticket = client.post("/api/v1/halls/h1/tickets", json={"service": "A"},
                         headers=who["kiosk"]).get_json()
    client.post("/api/v1/halls/h1/windows/1/call-next", headers=who["staff1"])
    client.post("/api/v1/halls/h1/windows/1/finish", headers=who["staff1"])
    response = client.post(f"/api/v1/tickets/{ticket['id']}/evaluation",
                           json={"grade": "satisfied"}, headers=who[name])
    assert outcome(response) == expected({"evaluator1"}, name)


@pytest.mark.parametrize("path", ["/api/v1/halls/h1/services", "/api/v1/halls/h1/snapshot",
                                  "/healthz", "/api/v1/openapi.json"])
def test_public_reads_need_no_token(client, path):
    assert client.get(path).status_code == 200


def test_401_names_the_bearer_scheme(client):
    response = client.post("/api/v1/halls/h1/tickets", json={"service": "A"})
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_malformed_authorization_header_is_401(client):
    response = client.post("/api/v1/halls/h1/tickets", json={"service": "A"},
                           headers={"Authorization": "Basic abc"})
    assert response.get_json()["error"]["code"] == "unauthenticated"


def test_revoked_device_is_refused(client, ctx, accts):
    from queue_server.services.accounts import revoke_device

    headers = accts.device("kiosk")
    revoke_device(ctx, ctx.halls.get("h1").id, "kiosk-1")
    response = client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=headers)
    assert response.status_code == 401


def test_expired_user_token_is_refused(client, accts, clock):
    headers = accts.user("manager")
    clock.advance(hours=13)
    assert client.get("/api/v1/halls/h1/stats", headers=headers).status_code == 401


def test_new_password_signs_the_user_out(client, ctx, accts):
    from queue_server.services.accounts import set_password

    headers = accts.user("manager")
    set_password(ctx, "manager1", "another password")
    assert client.get("/api/v1/halls/h1/stats", headers=headers).status_code == 401
