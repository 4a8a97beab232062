"""Sign-in under attack (issue 16, item 2): a name locks after repeated failures (429 with
Retry-After, even for the right password), each address is rate-limited (Flask-Limiter, in Redis
when the message queue is Redis), the slow hash runs off the event loop; and sign-out."""

import uuid

import pytest

from queue_server.app import create_app
from queue_server.services import accounts
from tests.conftest import PASSWORD, require_services

TOKEN = "/api/v1/auth/token"


@pytest.fixture
def user(ctx):
    accounts.add_user(ctx, "clerk", PASSWORD, "staff", ctx.halls.get("h1").id, (1,))
    return "clerk"


def sign_in(client, name, password, address="10.0.0.1"):
    return client.post(TOKEN, json={"username": name, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_repeated_failures_lock_the_name_even_for_the_right_password(client, ctx, user):
    for _ in range(ctx.settings.login_max_failures):
        assert sign_in(client, user, "wrong password").status_code == 401
    locked = sign_in(client, user, PASSWORD)
    assert locked.status_code == 429
    assert locked.get_json()["error"]["code"] == "too_many_attempts"
    assert 0 < int(locked.headers["Retry-After"]) <= ctx.settings.login_lockout_s


def test_the_lock_ends_and_a_success_resets_the_count(client, ctx, clock, user):
    for _ in range(ctx.settings.login_max_failures):
        sign_in(client, user, "wrong password")
    clock.advance(seconds=ctx.settings.login_lockout_s + 1)
    assert sign_in(client, user, PASSWORD).status_code == 200
    assert sign_in(client, user, "wrong password").status_code == 401
    assert sign_in(client, user, PASSWORD).status_code == 200


def test_unknown_names_lock_too(client, ctx):
    for _ in range(ctx.settings.login_max_failures):
        assert sign_in(client, "nobody", "x").status_code == 401
    assert sign_in(client, "nobody", "x").status_code == 429


def test_one_address_is_rate_limited_across_names(db_url, clock, tmp_path):
    app = create_app({"database_url": db_url, "async_mode": "threading",
                      "secret_key": "test-secret", "login_rate_limit": "3 per minute",
                      "password_hash_method": "pbkdf2:sha256:1000"}, clock=clock)
    client = app.test_client()
    answers = [sign_in(client, f"name{i}", "x").status_code for i in range(4)]
    assert answers == [401, 401, 401, 429]
    refused = sign_in(client, "name9", "x")
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 0
    assert sign_in(client, "name9", "x", address="10.0.0.2").status_code == 401
    app.extensions["hallq"].close()


@pytest.mark.parametrize("hops", [0, 1])
def test_behind_a_proxy_the_limit_is_per_forwarded_address(db_url, clock, hops):
    """Behind nginx every request comes from 127.0.0.1: with ``proxy_hops`` 1 the limit counts
    the client nginx names in X-Forwarded-For; with 0 (no proxy) that header is the client's
    own claim and is ignored, so forging it does not escape the limit."""
    app = create_app({"database_url": db_url, "async_mode": "threading",
                      "secret_key": "test-secret", "login_rate_limit": "2 per minute",
                      "proxy_hops": hops, "password_hash_method": "pbkdf2:sha256:1000"},
                     clock=clock)
    client = app.test_client()

    def via_proxy(client_address):
        return client.post(TOKEN, json={"username": "x", "password": "x"},
                           environ_base={"REMOTE_ADDR": "127.0.0.1"},
                           headers={"X-Forwarded-For": client_address}).status_code

    assert [via_proxy("203.0.113.7") for _ in range(3)] == [401, 401, 429]
    assert via_proxy("203.0.113.8") == (401 if hops else 429)
    app.extensions["hallq"].close()


def test_the_password_hash_runs_through_the_offload(client, ctx, user):
    offloaded = []

    def offload(work):
        offloaded.append(work)
        return work()

    ctx.db.offload = offload
    assert sign_in(client, user, PASSWORD).status_code == 200
    assert sign_in(client, user, "wrong password").status_code == 401
    assert len(offloaded) == 2


def test_logout_ends_the_token_on_the_server(client, user):
    token = sign_in(client, user, PASSWORD).get_json()["token"]
    headers = {"Authorization": "Bearer " + token}
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 401


def test_a_device_cannot_log_out(client, kiosk):
    assert client.post("/api/v1/auth/logout", headers=kiosk).status_code == 403


@pytest.mark.redis
def test_the_address_limit_is_shared_through_redis(db_url, clock):
    import redis

    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        if require_services():
            pytest.fail("Redis is required but not reachable")
        pytest.skip("Redis not reachable on 127.0.0.1:6379")
    limit = "2 per minute"
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
    apps = [create_app({"database_url": db_url, "async_mode": "threading", "secret_key": "s",
                        "message_queue": url, "login_rate_limit": limit,
                        "password_hash_method": "pbkdf2:sha256:1000"}, clock=clock)
            for _ in range(2)]
    first, second = (app.test_client() for app in apps)
    assert sign_in(first, "a", "x", address).status_code == 401
    assert sign_in(second, "b", "x", address).status_code == 401
    assert sign_in(first, "c", "x", address).status_code == 429
    for app in apps:
        app.extensions["hallq"].close()


def test_a_redis_outage_does_not_refuse_sign_ins(db_url, clock):
    app = create_app({"database_url": db_url, "async_mode": "threading", "secret_key": "s",
                      "message_queue": "redis://127.0.0.1:1/0", "login_rate_limit": "2 per minute",
                      "password_hash_method": "pbkdf2:sha256:1000"}, clock=clock)
    client = app.test_client()
    answers = [sign_in(client, f"n{i}", "x").status_code for i in range(3)]
    assert answers == [401, 401, 429]  # counted in memory meanwhile
    app.extensions["hallq"].close()
