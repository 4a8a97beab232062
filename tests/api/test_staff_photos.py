"""Staff photos served to the window evaluator, and what the evaluator's idle screen is told."""

import pytest

from queue_server.realtime import protocol
from queue_server.services import accounts, profiles
from tests.conftest import PASSWORD
from tests.services.test_profiles import image_bytes


@pytest.fixture
def zhang(ctx, client):
    """A staff member of window 1 with a staff number and a JPEG photo, signed in there."""
    accounts.add_user(ctx, "zhang", PASSWORD, "staff", ctx.halls.get("h1").id, (1,), "张三",
                      staff_no="0123", photo=image_bytes("JPEG"))
    token = client.post("/api/v1/auth/token",
                        json={"username": "zhang", "password": PASSWORD}).get_json()["token"]
    headers = {"Authorization": "Bearer " + token}
    assert client.post("/api/v1/halls/h1/windows/1/sign-in", headers=headers).status_code == 200
    return headers


def _evaluator_state(app, accts) -> dict:
    token = accts.device("evaluator", window=1)["Authorization"].split(" ", 1)[1]
    socket = app.extensions["socketio"].test_client(
        app, namespace=protocol.EVALUATOR_NAMESPACE, auth={"token": token})
    states = [e["args"][0] for e in socket.get_received(protocol.EVALUATOR_NAMESPACE)
              if e["name"] == protocol.EVALUATOR_STATE]
    socket.disconnect(namespace=protocol.EVALUATOR_NAMESPACE)
    return states[-1]


def test_evaluator_is_told_name_staff_number_and_photo(app, accts, zhang):
    staff = _evaluator_state(app, accts)["staff"]
    assert (staff["name"], staff["staff_no"], staff["photo_url"].startswith(
        "/api/v1/halls/h1/staff-photos/")) == ("张三", "0123", True)


def test_evaluator_gets_no_photo_url_when_there_is_none(app, ctx, accts, zhang):
    profiles.set_profile(ctx, "zhang", photo=None)
    assert _evaluator_state(app, accts)["staff"]["photo_url"] is None


def test_photo_url_serves_the_image(app, client, accts, zhang):
    url = _evaluator_state(app, accts)["staff"]["photo_url"]
    response = client.get(url)
    assert (response.status_code, response.mimetype, response.data[:3]) == (
        200, "image/jpeg", b"\xff\xd8\xff")


def test_photo_is_cached_for_good(app, client, accts, zhang):
    response = client.get(_evaluator_state(app, accts)["staff"]["photo_url"])
    cache = response.cache_control
    assert (cache.public, cache.max_age, cache.immutable, response.headers["ETag"] != "") == (
        True, profiles.PHOTO_CACHE_S, True, True)


def test_photo_answers_304_to_its_etag(app, client, accts, zhang):
    url = _evaluator_state(app, accts)["staff"]["photo_url"]
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_photo_is_not_sniffed_as_something_else(app, client, accts, zhang):
    response = client.get(_evaluator_state(app, accts)["staff"]["photo_url"])
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_replaced_photo_is_gone_from_its_old_url(app, ctx, client, accts, zhang):
    url = _evaluator_state(app, accts)["staff"]["photo_url"]
    profiles.set_profile(ctx, "zhang", photo=image_bytes("PNG"))
    response = client.get(url)
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "unknown_photo")


def test_a_guessed_key_is_404(client, zhang):
    assert client.get("/api/v1/halls/h1/staff-photos/1").status_code == 404


def test_a_photo_is_served_only_under_its_owners_hall(app, client, accts, zhang):
    url = _evaluator_state(app, accts)["staff"]["photo_url"]
    assert client.get(url.replace("/halls/h1/", "/halls/h2/")).status_code == 404


def test_me_shows_own_staff_number_and_photo(client, zhang):
    me = client.get("/api/v1/halls/h1/me", headers=zhang).get_json()
    assert (me["staff_no"], me["photo_url"].startswith("/api/v1/halls/h1/staff-photos/")) == (
        "0123", True)


def test_without_a_staff_number_none_is_shown(app, accts, client):
    staff = accts.user("staff", windows=(1,))
    client.post("/api/v1/halls/h1/windows/1/sign-in", headers=staff)
    assert _evaluator_state(app, accts)["staff"]["staff_no"] is None
