"""CSV and Excel exports open with their readers, carry Chinese headers and the API's figures."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.supervision.conftest import act, issue

QUERY = "from=2026-03-02&to=2026-03-02&by=service"


@pytest.fixture
def busy(client, kiosk, accts, clock):
    staff = accts.user("staff", windows=(1,))
    for minutes in (3, 7, 12):
        issue(client, kiosk)
        clock.advance(minutes=minutes)
        act(client, staff, "call-next")
        clock.advance(minutes=minutes * 2)
    act(client, staff, "finish")
    issue(client, kiosk, "B")


def _api(client, manager):
    return client.get(f"/api/v1/halls/h1/reports?{QUERY}", headers=manager).get_json()


def _xlsx(client, manager):
    response = client.get(f"/api/v1/halls/h1/reports.xlsx?{QUERY}", headers=manager)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data))["报表"]


def _csv(client, manager):
    response = client.get(f"/api/v1/halls/h1/reports.csv?{QUERY}", headers=manager)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_excel_has_chinese_headers(client, manager, busy):
    sheet = _xlsx(client, manager)
    headers = [c.value for c in sheet[2]]
    assert headers[:4] == ["代码", "事项", "取号数", "办结数"] and "90%等候时长" in headers


def test_excel_rows_match_the_api_figures(client, manager, busy):
    api = _api(client, manager)
    sheet = _xlsx(client, manager)
    headers = [c.value for c in sheet[2]]
    cells = [dict(zip(headers, (c.value for c in row))) for row in sheet.iter_rows(min_row=3)]
    expected = [(r["key"], r["issued"], r["served"], r["avg_wait_s"], r["p90_wait_s"],
                 r["avg_handling_s"]) for r in api["rows"]] + [
        ("全厅", api["total"]["issued"], api["total"]["served"], api["total"]["avg_wait_s"],
         api["total"]["p90_wait_s"], api["total"]["avg_handling_s"])]
    assert [(c["代码"], c["取号数"], c["办结数"], _seconds(c["平均等候时长"]),
             _seconds(c["90%等候时长"]), _seconds(c["平均办理时长"])) for c in cells] == expected


def _seconds(cell):
    """An Excel time cell (openpyxl reads it as a timedelta) back in seconds, to 0.1 s."""
    return None if cell is None else round(cell.total_seconds(), 1)


def test_csv_rows_match_the_api_figures(client, manager, busy):
    api = _api(client, manager)
    rows = _csv(client, manager)
    body = {r[0]: r for r in rows[1:]}
    assert (body["A"][2], body["A"][7], body["全厅"][2]) == (
        str(api["rows"][0]["issued"]), str(api["rows"][0]["p90_wait_s"]),
        str(api["total"]["issued"]))


def test_csv_starts_with_a_bom_for_excel(client, manager, busy):
    response = client.get(f"/api/v1/halls/h1/reports.csv?{QUERY}", headers=manager)
    assert response.data.startswith("\ufeff代码".encode("utf-8"))


def test_export_is_a_download(client, manager):
    response = client.get(f"/api/v1/halls/h1/reports.xlsx?{QUERY}", headers=manager)
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="hallq-h1-service-2026-03-02-2026-03-02.xlsx"')


def test_export_needs_a_manager(client, kiosk):
    assert client.get(f"/api/v1/halls/h1/reports.csv?{QUERY}", headers=kiosk).status_code == 403


def test_excel_durations_are_time_cells_in_hours_minutes_seconds(client, manager, busy):
    sheet = _xlsx(client, manager)
    headers = [c.value for c in sheet[2]]
    column = headers.index("平均等候时长") + 1
    cells = [sheet.cell(row=r, column=column) for r in range(3, sheet.max_row + 1)]
    assert {c.number_format for c in cells if c.value is not None} == {"[h]:mm:ss"}


def test_excel_rates_are_percentages(client, manager, busy):
    sheet = _xlsx(client, manager)
    column = [c.value for c in sheet[2]].index("评价覆盖率") + 1
    assert sheet.cell(row=3, column=column).number_format == "0.0%"


def test_the_last_row_is_labelled_whole_hall_in_csv_and_excel(client, manager, busy):
    sheet = _xlsx(client, manager)
    assert (_csv(client, manager)[-1][0], sheet.cell(row=sheet.max_row, column=1).value) == (
        "全厅", "全厅")
