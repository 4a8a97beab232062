"""The 限时办结 report by kind (五件) and as CSV and Excel: the same figures as the JSON report,
under Chinese headers, the whole hall last."""

import csv
import io

from openpyxl import load_workbook

from tests.api.test_case_reports import built  # noqa: F401 (fixture)
from tests.api.test_cases_api import catalogued  # noqa: F401 (fixture)

URL = "/api/v1/halls/h1/cases/report"
PERIOD = "from=2026-03-01&to=2026-03-31"


def test_figures_by_kind(client, built):  # noqa: F811
    answer = client.get(f"{URL}?{PERIOD}&by=kind", headers=built).get_json()
    rows = {r["key"]: r for r in answer["rows"]}
    assert (rows["promised"]["label"], rows["promised"]["accepted"], rows["promised"]["done"],
            rows["promised"]["overdue"]) == ("承诺件", 3, 2, 1)
    assert (rows["immediate"]["label"], rows["immediate"]["done_rate"]) == ("即办件", 1.0)


def test_csv_carries_the_report_by_department(client, built):  # noqa: F811
    answer = client.get(f"{URL}?{PERIOD}&by=department", headers=built).get_json()
    response = client.get(f"{URL}.csv?{PERIOD}&by=department", headers=built)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "hallq-cases-h1-department-2026-03-01-2026-03-31.csv" in \
        response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:3] == ["代码", "部门", "登记件数"] and "超期件数" in rows[0]
    people = next(r for r in rows if r[0] == "人社局")
    overdue = rows[0].index("超期件数")
    assert int(people[overdue]) == answer["rows"][0]["overdue"] == 1
    assert rows[-1][0] == "全厅"


def test_excel_carries_rates_as_percentages(client, built):  # noqa: F811
    response = client.get(f"{URL}.xlsx?{PERIOD}&by=matter", headers=built)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    header = [c.value for c in sheet[2]]
    rate = header.index("办结率") + 1
    cn = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "CN-001")
    assert (cn[rate - 1].value, cn[rate - 1].number_format) == (0.6667, "0.0%")


def test_exports_are_for_watchers_and_refuse_a_bad_grouping(client, built, kiosk):  # noqa: F811
    assert client.get(f"{URL}.csv?{PERIOD}", headers=kiosk).status_code == 403
    bad = client.get(f"{URL}.xlsx?{PERIOD}&by=colour", headers=built)
    assert (bad.status_code, bad.get_json()["error"]["code"]) == (400, "invalid_request")
