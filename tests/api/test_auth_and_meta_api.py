"""Signing in, the health check, the OpenAPI document and the JSON error shape."""

import pytest

from tests.conftest import PASSWORD


def test_token_for_right_password(client, accts):
    accts.user("staff", windows=(1,))
    body = client.post("/api/v1/auth/token",
                       json={"username": "staff1", "password": PASSWORD}).get_json()
    assert body["role"] == "staff" and len(body["token"]) >= 40


@pytest.mark.parametrize("username, password", [("staff1", "wrong"), ("nobody", PASSWORD)])
def test_wrong_credentials_are_401_invalid_credentials(client, accts, username, password):
    accts.user("staff", windows=(1,))
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert (response.status_code, response.get_json()["error"]["code"]) == (401, "invalid_credentials")


@pytest.mark.parametrize("body", [{}, {"username": 1, "password": "x"}, {"username": "a"}])
def test_malformed_sign_in_is_invalid_request(client, body):
    response = client.post("/api/v1/auth/token", json=body)
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, "invalid_request")


def test_passwords_are_stored_with_scrypt_by_default():
    from queue_server.settings import load_settings

    assert load_settings({"secret_key": "x"}, environ={}).password_hash_method == "scrypt"


def test_passwords_are_stored_hashed(ctx, accts):
    accts.user("staff", windows=(1,))
    with ctx.db.read() as conn:
        stored = conn.exec_driver_sql("SELECT password_hash FROM users").scalar()
    assert stored.startswith("pbkdf2:") and PASSWORD not in stored


def test_tokens_are_stored_hashed(ctx, client, accts):
    headers = accts.user("staff", windows=(1,))
    token = headers["Authorization"].split()[1]
    with ctx.db.read() as conn:
        stored = [r[0] for r in conn.exec_driver_sql("SELECT token_hash FROM api_tokens")]
    assert token not in stored and len(stored) == 1


def test_healthz_answers_ok(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_healthz_is_503_when_the_database_is_gone(client, ctx, tmp_path):
    from sqlalchemy import create_engine

    ctx.db.engine.dispose()
    ctx.db.engine = create_engine(f"sqlite:///{tmp_path}")  # a directory: cannot be opened
    response = client.get("/healthz")
    assert (response.status_code, response.get_json()["error"]["code"]) == (
        503, "database_unavailable")


def test_unknown_api_path_is_404_in_the_error_shape(client):
    response = client.get("/api/v1/nothing")
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "not_found")


def test_wrong_method_is_405_in_the_error_shape(client):
    response = client.get("/api/v1/halls/h1/tickets")
    assert (response.status_code, response.get_json()["error"]["code"]) == (405, "method_not_allowed")


def _flask_paths(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if not (rule.rule.startswith("/api/") or rule.rule == "/healthz"):
            continue
        path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((path.replace("{number}", "{number}"), method.lower()))
    return routes


def _documented(document) -> set[tuple[str, str]]:
    return {(path, method) for path, ops in document["paths"].items() for method in ops}


def test_openapi_describes_exactly_the_served_routes(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert _documented(document) == _flask_paths(app)


def test_openapi_is_version_3(client):
    assert client.get("/api/v1/openapi.json").get_json()["openapi"].startswith("3.")


def test_unexpected_failure_answers_500_in_the_error_shape(client, monkeypatch):
    from queue_server.services import queues

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(queues, "services_summary", broken)
    response = client.get("/api/v1/halls/h1/services")
    assert (response.status_code, response.get_json()["error"]["code"]) == (500, "internal_error")


def test_documented_ticket_fields_are_the_served_ones(client, kiosk):
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["Ticket"]
    ticket = client.post("/api/v1/halls/h1/tickets", json={"service": "A"}, headers=kiosk)
    assert set(ticket.get_json()) == set(schema["properties"])


def test_documented_service_fields_are_the_served_ones(client):
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["Service"]
    service = client.get("/api/v1/halls/h1/services").get_json()[0]
    assert set(service) == set(schema["properties"])


def test_every_token_of_repeated_sign_ins_stays_valid(client, accts):
    accts.user("manager")
    tokens = [client.post("/api/v1/auth/token", json={"username": "manager1",
                                                      "password": PASSWORD}).get_json()["token"]
              for _ in range(5)]
    statuses = [client.get("/api/v1/halls/h1/stats",
                           headers={"Authorization": "Bearer " + t}).status_code
                for t in tokens * 2]
    assert statuses == [200] * 10


def test_favicon_is_served_not_a_404(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        assert b"<svg" in response.data
