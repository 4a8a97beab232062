"""Revoking a token closes the sockets it opened (issue 16, item 3): a revoked or rotated
device, a disabled user, a new password and a sign-out each disconnect /kiosk, /staff,
/evaluator and /supervision connections — at once, and by the periodic re-check when the
revocation happened in another process."""

from sqlalchemy import update

from queue_server.realtime import revocation
from queue_server.services import accounts
from queue_server.storage.models import devices
from tests.conftest import PASSWORD, bearer


def connect(app, namespace, **auth):
    client = app.extensions["socketio"].test_client(app, namespace=namespace, auth=auth)
    assert client.is_connected(namespace)
    return client


def test_a_revoked_kiosk_loses_its_page_and_agent_sockets(app, ctx, kiosk):
    page = connect(app, "/kiosk", token=bearer(kiosk), role="page")
    agent = connect(app, "/kiosk", token=bearer(kiosk), role="agent")
    name = accounts.list_devices(ctx)[0]["name"]
    accounts.revoke_device(ctx, ctx.halls.get("h1").id, name)
    assert not page.is_connected("/kiosk") and not agent.is_connected("/kiosk")


def test_a_rotated_kiosk_token_closes_the_old_sockets(app, ctx, kiosk):
    page = connect(app, "/kiosk", token=bearer(kiosk), role="page")
    name = accounts.list_devices(ctx)[0]["name"]
    new = accounts.rotate_device(ctx, ctx.halls.get("h1").id, name)
    assert not page.is_connected("/kiosk")
    assert connect(app, "/kiosk", token=new, role="page").is_connected("/kiosk")


def test_a_new_password_closes_the_staff_socket(app, ctx, accts):
    staff = accts.user("staff", windows=(1,))
    page = connect(app, "/staff", token=bearer(staff), hall="h1", window=1)
    name = [u["username"] for u in accounts.list_users(ctx) if u["role"] == "staff"][0]
    accounts.set_password(ctx, name, PASSWORD + "2")
    assert not page.is_connected("/staff")


def test_logout_closes_only_that_tokens_socket(app, ctx, client, accts):
    staff = accts.user("staff", windows=(1,))
    name = [u["username"] for u in accounts.list_users(ctx) if u["role"] == "staff"][0]
    other = client.post("/api/v1/auth/token", json={"username": name, "password": PASSWORD})
    other_headers = {"Authorization": "Bearer " + other.get_json()["token"]}
    page = connect(app, "/staff", token=bearer(staff), hall="h1", window=1)
    kept = connect(app, "/staff", token=bearer(other_headers), hall="h1", window=1)
    assert client.post("/api/v1/auth/logout", headers=staff).status_code == 204
    assert not page.is_connected("/staff")
    assert kept.is_connected("/staff")


def test_a_disabled_manager_loses_the_supervision_socket(app, ctx, manager):
    watcher = connect(app, "/supervision", token=bearer(manager), hall="h1")
    name = [u["username"] for u in accounts.list_users(ctx) if u["role"] == "manager"][0]
    accounts.set_active(ctx, name, False)
    assert not watcher.is_connected("/supervision")


def test_a_disabled_manager_loses_the_network_socket(app, ctx, manager):
    watcher = connect(app, "/network", token=bearer(manager))
    name = [u["username"] for u in accounts.list_users(ctx) if u["role"] == "manager"][0]
    accounts.set_active(ctx, name, False)
    assert not watcher.is_connected("/network")


def test_a_revoked_evaluator_loses_its_socket(app, ctx, evaluator1):
    tablet = connect(app, "/evaluator", token=bearer(evaluator1))
    name = accounts.list_devices(ctx)[0]["name"]
    accounts.revoke_device(ctx, ctx.halls.get("h1").id, name)
    assert not tablet.is_connected("/evaluator")


def test_the_recheck_closes_sockets_revoked_by_another_process(app, ctx, kiosk):
    page = connect(app, "/kiosk", token=bearer(kiosk), role="page")
    with ctx.db.write() as conn:  # as the CLI of another process would, with no queue
        conn.execute(update(devices).values(revoked_at=ctx.clock()))
    assert page.is_connected("/kiosk")
    assert revocation.sweep(app) == 1
    assert not page.is_connected("/kiosk")


def test_the_recheck_keeps_valid_sockets(app, kiosk):
    page = connect(app, "/kiosk", token=bearer(kiosk), role="page")
    assert revocation.sweep(app) == 0
    assert page.is_connected("/kiosk")

