"""The GB/T 39046 field form of evaluations: fields, grade codes and their stated direction,
channel codes (评价渠道 pf of the national 好差评 interface) and their stated table."""

import csv
import io

import pytest
from sqlalchemy import update

from queue_server.services.evaluation_export import CHANNEL_CODES, channel
from queue_server.storage.models import evaluations
from tests.api.counter_helpers import rate, serve_one, set_hall_options

CHANNEL_COLUMN = ("评价渠道代码(pf: 1=PC端, 2=移动端, 3=App端, 4=政务大厅平板电脑端, "
                  "5=政务大厅其他终端, 6=电话, 7=短信)")

EXPORT = "/api/v1/halls/h1/evaluations/export?from=2026-03-01&to=2026-03-31"


@pytest.fixture
def rated(client, ctx, accts, kiosk):
    """Two visits at window 1: rated 非常满意 and 非常不满意 (with text)."""
    set_hall_options(ctx, "h1", region_code="371402")
    staff = accts.user("staff", windows=(1,))
    evaluator = accts.device("evaluator", window=1)
    # each rated right after it was finished: an evaluator rates only the latest (issue 16)
    rate(client, evaluator, serve_one(client, kiosk, staff)["id"], "very_satisfied")
    rate(client, evaluator, serve_one(client, kiosk, staff)["id"], "very_dissatisfied", "态度差")


def test_json_export_has_the_standard_fields(client, rated, manager):
    record = client.get(EXPORT, headers=manager).get_json()["records"][0]
    assert set(record) >= {"case_number", "channel_code", "channel_name", "evaluator",
                           "evaluated_at", "grade_code", "grade_name", "text", "region_code"}


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


def test_window_evaluator_ratings_are_channel_4_hall_tablet(client, rated, manager):
    records = client.get(EXPORT, headers=manager).get_json()["records"]
    assert {(r["channel_code"], r["channel_name"]) for r in records} == {(4, "政务大厅平板电脑端")}


def test_json_export_states_the_channel_code_table(client, rated, manager):
    table = client.get(EXPORT, headers=manager).get_json()["channel_code_table"]
    assert table == ("1 = PC端, 2 = 移动端, 3 = App端, 4 = 政务大厅平板电脑端, 5 = 政务大厅其他终端, "
                     "6 = 电话, 7 = 短信")


def test_csv_has_the_channel_code_column_with_its_table_and_a_name_column(client, rated,
                                                                          manager):
    text = client.get(EXPORT + "&format=csv", headers=manager).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [(r[CHANNEL_COLUMN], r["评价渠道"]) for r in rows] == [("4", "政务大厅平板电脑端")] * 2


@pytest.mark.parametrize("stored,code,name", [
    ("evaluator", 4, "政务大厅平板电脑端"), ("keypad", 5, "政务大厅其他终端"), ("qr", 2, "移动端"),
    ("mobile", 2, "移动端"), ("web", 1, "PC端"), ("sms", 7, "短信"), ("app", 3, "App端"),
    ("phone", 6, "电话")])
def test_our_channels_map_to_the_national_codes(stored, code, name):
    assert channel(stored) == (code, name)


def test_every_channel_code_is_one_of_the_seven():
    assert set(CHANNEL_CODES.values()) <= set(range(1, 8))


def test_stored_keypad_channel_is_exported_as_5(client, ctx, rated, manager):
    with ctx.db.write() as conn:
        conn.execute(update(evaluations).values(channel="keypad"))
    records = client.get(EXPORT, headers=manager).get_json()["records"]
    assert [r["channel_code"] for r in records] == [5, 5]


def test_a_rating_from_the_evaluator_keypad_exports_as_channel_5(client, ctx, accts, kiosk,
                                                                 manager):
    staff = accts.user("staff", windows=(1,))
    evaluator = accts.device("evaluator", window=1)
    ticket = serve_one(client, kiosk, staff)
    answer = client.post(f"/api/v1/tickets/{ticket['id']}/evaluation", headers=evaluator,
                         json={"grade": "satisfied", "channel": "keypad"})
    assert answer.status_code == 201
    record = client.get(EXPORT, headers=manager).get_json()["records"][0]
    assert (record["channel_code"], record["channel_name"]) == (5, "政务大厅其他终端")


@pytest.mark.parametrize("channel", ["sms", "", 5, ["keypad"]])
def test_an_unknown_rating_channel_is_refused(client, accts, kiosk, channel):
    staff = accts.user("staff", windows=(1,))
    evaluator = accts.device("evaluator", window=1)
    ticket = serve_one(client, kiosk, staff)
    answer = client.post(f"/api/v1/tickets/{ticket['id']}/evaluation", headers=evaluator,
                         json={"grade": "satisfied", "channel": channel})
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "invalid_request"
