"""Socket.IO connects with a missing, garbage, expired or revoked token on the namespaces that
need one (/staff, /evaluator, /supervision) are refused, in the documented shape:
``connect_error`` data ``{"code": "unauthenticated", "message": …}``."""

import pytest

from queue_server.realtime import protocol
from queue_server.services.accounts import revoke_device, set_password
from tests.conftest import bearer
from tests.realtime.refusals import connect

# The user each namespace is for; the evaluator is a device (its token never expires).
USER_NAMESPACES = {protocol.STAFF_NAMESPACE: "staff", protocol.SUPERVISION_NAMESPACE: "manager"}
ALL = (protocol.STAFF_NAMESPACE, protocol.EVALUATOR_NAMESPACE, protocol.SUPERVISION_NAMESPACE)


def auth_with(token=None) -> dict:
    auth = {"hall": "h1", "window": 1}
    if token is not None:
        auth["token"] = token
    return auth


def assert_unauthenticated(refusal) -> None:
    assert refusal is not None, "the connect was accepted"
    assert (set(refusal), refusal["code"], bool(refusal["message"])) == (
        {"code", "message"}, "unauthenticated", True)


def valid_token(accts, namespace: str) -> str:
    if namespace == protocol.EVALUATOR_NAMESPACE:
        return bearer(accts.device("evaluator", window=1))
    return bearer(accts.user(USER_NAMESPACES[namespace], windows=(1,)))


@pytest.mark.parametrize("namespace", ALL)
def test_a_valid_token_connects(app, socketio, accts, namespace):
    assert connect(app, socketio, namespace, auth_with(valid_token(accts, namespace))) is None


@pytest.mark.parametrize("namespace", ALL)
def test_no_token_is_refused(app, socketio, namespace):
    assert_unauthenticated(connect(app, socketio, namespace, auth_with()))


@pytest.mark.parametrize("namespace", ALL)
def test_no_auth_at_all_is_refused(app, socketio, namespace):
    assert_unauthenticated(connect(app, socketio, namespace, None))


@pytest.mark.parametrize("garbage", ["not-a-token", "", "x" * 5000, 12345, ["a"], {"t": 1}])
@pytest.mark.parametrize("namespace", ALL)
def test_a_garbage_token_is_refused(app, socketio, namespace, garbage):
    assert_unauthenticated(connect(app, socketio, namespace, auth_with(garbage)))


@pytest.mark.parametrize("namespace", list(USER_NAMESPACES))
def test_an_expired_token_is_refused(app, socketio, accts, clock, namespace):
    token = valid_token(accts, namespace)
    clock.advance(hours=13)  # user tokens last 12 hours
    assert_unauthenticated(connect(app, socketio, namespace, auth_with(token)))


@pytest.mark.parametrize("namespace", list(USER_NAMESPACES))
def test_a_revoked_user_token_is_refused(app, ctx, socketio, accts, namespace):
    token = valid_token(accts, namespace)
    set_password(ctx, f"{USER_NAMESPACES[namespace]}{accts._n}", "a new password")  # signs out
    assert_unauthenticated(connect(app, socketio, namespace, auth_with(token)))


def test_a_revoked_evaluator_is_refused(app, ctx, socketio, accts):
    token = valid_token(accts, protocol.EVALUATOR_NAMESPACE)
    revoke_device(ctx, ctx.halls.get("h1").id, f"evaluator-{accts._n}")
    assert_unauthenticated(connect(app, socketio, protocol.EVALUATOR_NAMESPACE, auth_with(token)))
