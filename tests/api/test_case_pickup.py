"""窗口送达 at the kiosk: a 取件 ticket for a done case, by its number or a swiped ID card, goes
to the window that holds the result ahead of the ordinary tickets already waiting."""

from queue_server.domain.idnumber import make_id_number
from queue_server.services import card_reads
from tests.api.test_cases_api import ID_NUMBER, accept, catalogued, served  # noqa: F401

URL = "/api/v1/halls/h1/cases/pickup"


def _done_case(client, staff1, accts, served):  # noqa: F811
    case = accept(client, staff1, {"ticket": served["id"], "matter": "CN-001",
                                   "id_number": ID_NUMBER}).get_json()
    done = client.post(f"/api/v1/halls/h1/cases/{case['id']}/state", json={"state": "done"},
                       headers=accts.device("department"))
    assert done.status_code == 200, done.get_json()
    return case


def _ordinary(client, kiosk, count=2):
    return [client.post("/api/v1/halls/h1/tickets", json={"service": "A"},
                        headers=kiosk).get_json()["number"] for _ in range(count)]


def test_a_pickup_ticket_by_number_is_called_first_at_the_holding_window(
        client, kiosk, staff1, accts, served):  # noqa: F811
    case = _done_case(client, staff1, accts, served)
    _ordinary(client, kiosk)
    pickup = client.post(URL, json={"number": case["number"]}, headers=kiosk)
    assert pickup.status_code == 201, pickup.get_json()
    body = pickup.get_json()
    assert (body["pickup"]["case"], body["pickup"]["window"], body["waiting_ahead"]) == (
        case["number"], 1, 0)
    staff2 = accts.user("staff", windows=(2,))
    at_two = client.post("/api/v1/halls/h1/windows/2/call-next", headers=staff2).get_json()
    at_one = client.post("/api/v1/halls/h1/windows/1/call-next", headers=staff1).get_json()
    assert at_two["ticket"]["number"] != body["number"]
    assert at_one["ticket"]["number"] == body["number"]


def test_a_pickup_ticket_by_swiped_card(client, kiosk, staff1, accts, served, ctx):  # noqa: F811
    case = _done_case(client, staff1, accts, served)
    with ctx.db.read() as conn:
        kiosk_id = conn.exec_driver_sql("SELECT id FROM devices WHERE kind = 'kiosk'").scalar()
    ref = card_reads.keep_swipe(ctx, kiosk_id, ID_NUMBER)["ref"]
    pickup = client.post(URL, json={"card_ref": ref}, headers=kiosk)
    assert pickup.status_code == 201, pickup.get_json()
    assert pickup.get_json()["pickup"]["case"] == case["number"]
    assert ID_NUMBER not in pickup.get_data(as_text=True)
    other = card_reads.keep_swipe(ctx, kiosk_id, make_id_number("11010519491231003"))["ref"]
    none = client.post(URL, json={"card_ref": other}, headers=kiosk)
    assert (none.status_code, none.get_json()["error"]["code"]) == (404, "unknown_case")


def test_an_open_case_is_not_ready_and_an_unknown_one_is_404(client, kiosk, staff1,
                                                               served):  # noqa: F811
    case = accept(client, staff1, {"ticket": served["id"], "matter": "CN-001"}).get_json()
    open_case = client.post(URL, json={"number": case["number"]}, headers=kiosk)
    assert (open_case.status_code, open_case.get_json()["error"]["code"],
            open_case.get_json()["error"]["details"]["promised_on"]) == (
        409, "case_not_ready", case["promised_on"])
    unknown = client.post(URL, json={"number": "2026-999999"}, headers=kiosk)
    assert (unknown.status_code, unknown.get_json()["error"]["code"]) == (404, "unknown_case")


def test_bad_bodies_are_400_and_outsiders_401(client, kiosk, catalogued):  # noqa: F811
    for body in ({}, {"number": "2026-000001", "card_ref": "x" * 20}, {"number": 5},
                 {"number": "x" * 21}, {"card_ref": "short"}):
        assert client.post(URL, json=body, headers=kiosk).status_code == 400, body
    assert client.post(URL, json={"number": "2026-000001"}).status_code == 401
