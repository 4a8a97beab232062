"""The ID-hash key's rules reach bookings and cases too (issue 16, items 1 and 13): they hold
hashes made with the key (a booking's ID hash and code check, a case's ID hash and lookup
hashes), so a changed key under them stops the server, the rotation forgets them, and a closed
case does not keep its ticket's hash past the retention. On SQLite and on PostgreSQL (a case's
lookup hashes are JSON, where a missing value may be JSON ``null``)."""

import shutil

import pytest

from queue_server.services import privacy
from queue_server.services.config_loader import load_config
from queue_server.services.context import Context
from queue_server.settings import load_settings
from tests.api.test_cases_api import ID_NUMBER, accept, catalogued, served  # noqa: F401
from tests.bookings.conftest import booking_hall, person

LONG = "k" * 40
HALL = "/api/v1/halls/h1"
LOOKUP = f"{HALL}/cases/lookup"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, template_db, tmp_path):
    if request.param == "postgres":
        return request.getfixturevalue("pg_url")
    path = tmp_path / "hallq.sqlite3"
    shutil.copy(template_db, path)
    return f"sqlite:///{path}"


def _new_key(ctx) -> Context:
    return Context(ctx.db, load_settings({"secret_key": LONG, "id_hash_key": "n" * 40,
                                          "database_url": ctx.settings.database_url},
                                         environ={}))


def _book(ctx, client) -> dict:
    load_config(ctx, booking_hall())
    response = client.post(f"{HALL}/bookings", json={
        "service": "D", "day": "2026-03-03", "slot": "09:00", "id_number": person(1),
        "phone": "13812341234"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _case(client, staff1, served, matter="CN-001"):  # noqa: F811
    response = accept(client, staff1, {"ticket": served["id"], "matter": matter,
                                       "phone": "13812345678", "id_number": ID_NUMBER})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _forget_tickets(ctx):
    """Leave only what the booking or the case holds (the served ticket's hash goes)."""
    with ctx.db.write() as conn:
        conn.exec_driver_sql("UPDATE tickets SET id_hash = NULL")


def test_a_changed_key_under_bookings_stops_the_server(ctx, client):
    privacy.verify_id_hash_key(ctx)
    _book(ctx, client)
    with pytest.raises(privacy.KeyMismatch):
        privacy.verify_id_hash_key(_new_key(ctx))


def test_a_changed_key_under_cases_stops_the_server(ctx, client, staff1, served):  # noqa: F811
    privacy.verify_id_hash_key(ctx)
    _case(client, staff1, served)
    _forget_tickets(ctx)
    with pytest.raises(privacy.KeyMismatch):
        privacy.verify_id_hash_key(_new_key(ctx))


def test_cases_without_citizen_details_hold_nothing_keyed(ctx, client, staff1,
                                                         served):  # noqa: F811
    privacy.verify_id_hash_key(ctx)
    accept(client, staff1, {"ticket": served["id"], "matter": "CN-001"})
    _forget_tickets(ctx)
    privacy.verify_id_hash_key(_new_key(ctx))  # the new key is taken


def test_the_rotation_forgets_the_hashes_of_bookings(ctx, client):
    privacy.verify_id_hash_key(ctx)
    booking = _book(ctx, client)
    counts = privacy.forget_all_id_hashes(_new_key(ctx))
    assert (counts["bookings"], counts["blacklist"]) == (1, 0)
    with ctx.db.read() as conn:
        assert conn.exec_driver_sql("SELECT id_hash, id_check FROM bookings").all() == [
            (None, "")]
    # The old code check matches nothing any more, and the new key is taken.
    found = client.post(f"{HALL}/bookings/{booking['code']}/lookup",
                        json={"id_last4": person(1)[-4:]})
    assert found.status_code == 404
    privacy.verify_id_hash_key(_new_key(ctx))


def test_the_rotation_forgets_the_hashes_of_cases(ctx, client, staff1, served):  # noqa: F811
    privacy.verify_id_hash_key(ctx)
    case = _case(client, staff1, served)
    assert client.get(LOOKUP, query_string={"number": case["number"],
                                            "suffix": "5678"}).status_code == 200
    assert privacy.forget_all_id_hashes(_new_key(ctx))["cases"] == 1
    with ctx.db.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM cases WHERE id_hash IS NOT NULL"
                                    ).scalar() == 0
    privacy.verify_id_hash_key(_new_key(ctx))  # nothing keyed with the old key is left


def test_a_closed_case_does_not_keep_its_hash_past_the_retention(ctx, client, staff1, clock,
                                                                served):  # noqa: F811
    _case(client, staff1, served, matter="JY-001")  # 即办件: closed at once
    open_case = _case(client, staff1, served)
    clock.advance(days=ctx.settings.id_hash_retention_days, seconds=1)
    privacy.purge_id_hashes(ctx)
    with ctx.db.read() as conn:
        kept = conn.exec_driver_sql("SELECT number FROM cases WHERE id_hash IS NOT NULL"
                                    ).scalars().all()
    assert kept == [open_case["number"]]  # the open case still needs its lookup
    assert client.get(LOOKUP, query_string={"number": open_case["number"],
                                            "suffix": "5678"}).status_code == 200
