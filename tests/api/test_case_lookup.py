"""窗口送达: the citizen's phone query by case number and the last four of the ID number or
phone. A wrong suffix answers exactly like an unknown number, and the query is rate limited."""

from tests.api.test_cases_api import ID_NUMBER, accept, catalogued, served  # noqa: F401

URL = "/api/v1/halls/h1/cases/lookup"


def _case(client, staff1, served):  # noqa: F811
    case = accept(client, staff1, {"ticket": served["id"], "matter": "CN-001",
                                   "phone": "13812345678", "id_number": ID_NUMBER}).get_json()
    return case


def test_the_right_suffix_shows_the_case_and_where_to_collect_it(client, staff1, accts, served):
    case = _case(client, staff1, served)
    by_id = client.get(URL, query_string={"number": case["number"], "suffix": "002x"})
    assert (by_id.status_code, by_id.get_json()["state"], by_id.get_json()["collect_at"]) == (
        200, "accepted", None)
    client.post(f"/api/v1/halls/h1/cases/{case['id']}/state", json={"state": "done"},
                headers=accts.device("department"))
    by_phone = client.get(URL, query_string={"number": case["number"], "suffix": "5678"})
    assert (by_phone.get_json()["done"], by_phone.get_json()["collect_at"]) == (True, "1号窗口")
    assert ID_NUMBER not in by_phone.get_data(as_text=True)
    assert (by_phone.get_json()["phone"], by_phone.get_json()["collect_window"]) == (
        "138****5678", 1)


def test_a_wrong_suffix_is_indistinguishable_from_an_unknown_number(client, staff1, served):
    case = _case(client, staff1, served)
    wrong = client.get(URL, query_string={"number": case["number"], "suffix": "1234"})
    unknown = client.get(URL, query_string={"number": "2026-999999", "suffix": "5678"})
    assert (wrong.status_code, unknown.status_code) == (404, 404)
    assert wrong.get_json() == unknown.get_json()


def test_a_case_without_citizen_details_is_never_found(client, staff1, served):
    case = accept(client, staff1, {"ticket": served["id"], "matter": "CN-001"}).get_json()
    assert client.get(URL, query_string={"number": case["number"],
                                         "suffix": "0000"}).status_code == 404


def test_bad_queries_are_400_and_guessing_is_rate_limited(client, catalogued):  # noqa: F811
    for query in ({}, {"number": "2026-000001"}, {"number": "2026-000001", "suffix": "12"},
                  {"number": "x" * 21, "suffix": "1234"},
                  {"number": "2026-000001", "suffix": "12 4"}):
        assert client.get(URL, query_string=query).status_code == 400
    statuses = [client.get(URL, query_string={"number": "2026-000001",
                                              "suffix": f"{n:04d}"}).status_code
                for n in range(10)]
    assert statuses[-1] == 429 and set(statuses) <= {404, 429}
