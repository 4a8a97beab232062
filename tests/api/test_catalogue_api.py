"""GET /api/v1/halls/{hall}/matters: what can I do here, by service (public)."""

import copy

import pytest

from queue_server.services.config_loader import load_config
from tests.conftest import TEST_HALL

MATTERS = [
    {"code": "BDC-002", "name": "二手房转移登记", "department": "不动产登记中心",
     "levels": ["city", "county"], "kind": "联办件", "statutory_days": 30, "promised_days": 3,
     "requires_id": True, "materials": ["申请表", "不动产权证书"]},
    {"code": "RS-001", "name": "社会保障卡申领", "department": "人社局", "kind": "承诺件",
     "statutory_days": 20, "promised_days": 10},
    {"code": "GA-009", "name": "户口迁出", "department": "公安局", "levels": ["city"]},
]


@pytest.fixture
def catalogued(ctx):
    config = copy.deepcopy(TEST_HALL)
    hall = config["halls"][0]
    hall.update(level="city", catalogue={"matters": MATTERS})
    hall["services"][0]["matters"] = ["BDC-002"]
    hall["services"][1]["matters"] = ["RS-001"]
    load_config(ctx, config)
    return ctx


def test_the_answer_lists_matters_by_service(client, catalogued):
    answer = client.get("/api/v1/halls/h1/matters").get_json()
    by_service = {s["code"]: [m["code"] for m in s["matters"]] for s in answer["services"]}
    assert (answer["level"], by_service, [m["code"] for m in answer["other_matters"]]) == (
        "city", {"A": ["BDC-002"], "B": ["RS-001"], "C": [], "D": []}, ["GA-009"])


def test_a_matter_carries_its_limits_kind_and_materials(client, catalogued):
    matter = client.get("/api/v1/halls/h1/matters").get_json()["services"][0]["matters"][0]
    assert matter == {"code": "BDC-002", "name": "二手房转移登记", "department": "不动产登记中心",
                      "levels": ["city", "county"], "kind": "joint", "kind_name": "联办件",
                      "statutory_days": 30, "promised_days": 3, "requires_id": True,
                      "materials": ["申请表", "不动产权证书"]}


def test_a_hall_without_a_catalogue_answers_empty_lists(client):
    answer = client.get("/api/v1/halls/h2/matters").get_json()
    assert answer == {"hall": "h2", "level": None, "other_matters": [],
                      "services": [{"code": "A", "name": "综合", "name_en": "", "matters": []}]}


def test_an_unknown_hall_is_404(client):
    response = client.get("/api/v1/halls/nowhere/matters")
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "unknown_hall")


def test_documented_matter_fields_are_the_served_ones(client, catalogued):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    matter = client.get("/api/v1/halls/h1/matters").get_json()["services"][0]["matters"][0]
    assert set(matter) == set(schemas["Matter"]["properties"])


def test_the_guide_page_lists_matters_with_materials(client, catalogued):
    page = client.get("/matters/h1").get_data(as_text=True)
    assert all(text in page for text in ("办事指南", "二手房转移登记", "联办件", "承诺时限 3个工作日",
                                         "不动产权证书", "需本人身份证", "其他可代办事项"))


def test_the_guide_page_speaks_english_on_request(client, catalogued):
    page = client.get("/matters/h1?lang=en").get_data(as_text=True)
    assert "What can I do here" in page and "Promised 3 working days" in page


def test_the_guide_page_of_a_hall_without_matters_says_so(client):
    assert "本大厅尚未登记可办事项" in client.get("/matters/h2").get_data(as_text=True)


def test_the_guide_page_of_an_unknown_hall_is_404(client):
    assert client.get("/matters/nowhere").status_code == 404


def test_the_guide_page_runs_no_script(client, catalogued):
    response = client.get("/matters/h1")
    assert "<script" not in response.get_data(as_text=True) and \
        "script-src 'self'" in response.headers["Content-Security-Policy"]
