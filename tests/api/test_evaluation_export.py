"""The GB/T 39046 field form of evaluations: fields, grade codes and their stated direction."""

import csv
import io

import pytest

from tests.api.counter_helpers import rate, serve_one, set_hall_options

EXPORT = "/api/v1/halls/h1/evaluations/export?from=2026-03-01&to=2026-03-31"


@pytest.fixture
def rated(client, ctx, accts, kiosk):
    """Two visits at window 1: rated 非常满意 and 非常不满意 (with text)."""
    set_hall_options(ctx, "h1", region_code="371402")
    staff = accts.user("staff", windows=(1,))
    evaluator = accts.device("evaluator", window=1)
    first, second = serve_one(client, kiosk, staff), serve_one(client, kiosk, staff)
    rate(client, evaluator, first["id"], "very_satisfied")
    rate(client, evaluator, second["id"], "very_dissatisfied", "态度差")


def test_json_export_has_the_standard_fields(client, rated, manager):
    record = client.get(EXPORT, headers=manager).get_json()["records"][0]
    assert set(record) >= {"case_number", "channel", "evaluator", "evaluated_at", "grade_code",
                           "text", "region_code"}


def test_grade_codes_run_from_1_very_satisfied_to_5_very_dissatisfied(client, rated, manager):
    records = client.get(EXPORT, headers=manager).get_json()["records"]
    assert [(r["grade_code"], r["grade_name"]) for r in records] == [(1, "非常满意"),
                                                                      (5, "非常不满意")]


def test_json_export_states_the_code_direction(client, rated, manager):
    direction = client.get(EXPORT, headers=manager).get_json()["grade_code_direction"]
    assert direction.startswith("1 = 非常满意") and "5 = 非常不满意" in direction


def test_case_number_region_and_text_are_filled(client, rated, manager):
    record = client.get(EXPORT, headers=manager).get_json()["records"][1]
    assert (record["case_number"], record["region_code"], record["text"]) == (
        "h1-20260302-A002", "371402", "态度差")


def test_evaluator_is_anonymous(client, rated, manager):
    record = client.get(EXPORT, headers=manager).get_json()["records"][0]
    assert record["evaluator"].startswith("匿名")


def test_csv_header_states_the_code_direction(client, rated, manager):
    text = client.get(EXPORT + "&format=csv", headers=manager).get_data(as_text=True)
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert "评价等级代码(GB/T 39046: 1=非常满意 … 5=非常不满意)" in header


def test_csv_rows_carry_the_codes(client, rated, manager):
    text = client.get(EXPORT + "&format=csv", headers=manager).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    column = "评价等级代码(GB/T 39046: 1=非常满意 … 5=非常不满意)"
    assert [r[column] for r in rows] == ["1", "5"]


def test_export_outside_the_range_is_empty(client, rated, manager):
    url = "/api/v1/halls/h1/evaluations/export?from=2026-02-01&to=2026-02-28"
    assert client.get(url, headers=manager).get_json()["records"] == []


def test_staff_cannot_export(client, rated, accts):
    staff = accts.user("staff", windows=(1,))
    assert client.get(EXPORT, headers=staff).status_code == 403
