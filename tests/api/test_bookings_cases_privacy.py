"""Bookings (预约) and cases (办件) keep to issue 16's rules: after a citizen books, checks in
and has a case accepted with the ID number and phone, no table holds the number (nor the birth
date that masking hides) nor the whole phone number, and no answer shows them."""

import pytest
from sqlalchemy import select

from queue_server.services.config_loader import load_config
from queue_server.storage.models import Base
from tests.api.counter_helpers import serve_one
from tests.api.test_cases_api import MATTERS, accept
from tests.api.test_privacy import cell_text
from tests.bookings.conftest import booking_hall, person

HALL = "/api/v1/halls/h1"
PERSON = person(7)
PHONE = "13987654321"


def _leaks(text: str) -> bool:
    return PERSON in text or PERSON[6:14] in text or PHONE in text


@pytest.fixture
def answers(ctx, client, kiosk, staff1, accts):
    config = booking_hall()
    config["halls"][0].update(level="city", catalogue={"matters": MATTERS})
    load_config(ctx, config)
    seen = []
    booked = client.post(f"{HALL}/bookings", json={
        "service": "D", "day": "2026-03-03", "slot": "09:00", "id_number": PERSON,
        "phone": PHONE})
    code = booked.get_json()["code"]
    seen += [booked, client.post(f"{HALL}/bookings/{code}/lookup",
                                 json={"id_last4": PERSON[-4:]})]
    served = serve_one(client, kiosk, staff1)
    case = accept(client, staff1, {"ticket": served["id"], "matter": "CN-001",
                                   "phone": PHONE, "id_number": PERSON})
    manager = accts.user("manager")
    seen += [case, client.get(f"{HALL}/cases", headers=manager),
             client.get(f"{HALL}/cases/{case.get_json()['id']}", headers=manager),
             client.get(f"{HALL}/cases/lookup", query_string={
                 "number": case.get_json()["number"], "suffix": PHONE[-4:]}),
             client.get(f"{HALL}/bookings?day=2026-03-03", headers=manager)]
    assert all(r.status_code < 300 for r in seen), [r.get_json() for r in seen]
    return [r.get_data(as_text=True) for r in seen]


def test_no_answer_shows_the_number_or_the_phone(answers):
    assert [a[:80] for a in answers if _leaks(a)] == []


def test_no_table_holds_the_number_or_the_phone(ctx, answers):
    found = []
    with ctx.db.read() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(select(table)).mappings():
                found += [f"{table.name}.{column}" for column, value in row.items()
                          if value is not None and _leaks(cell_text(value))]
    assert found == []
