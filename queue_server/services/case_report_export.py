"""限时办结 reports as spreadsheets: CSV (UTF-8 with BOM) and Excel (.xlsx), exactly the figures
of ``GET …/cases/report`` (same keys, same rounding) under Chinese headers, the whole hall's
figures last (全厅). Rates are percentages in Excel, fractions in the CSV. Every text cell goes
through ``spreadsheet.safe_cell``."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from queue_server.services.spreadsheet import csv_text, safe_cell

GROUP_HEADERS = {"matter": "事项", "department": "部门", "kind": "办件类型", "window": "窗口",
                 "staff": "工作人员"}
COLUMNS = (
    ("cases", "登记件数"), ("accepted", "受理件数"), ("corrections", "补正件数"),
    ("refused", "不予受理件数"), ("done", "办结件数"), ("on_time", "按时办结件数"),
    ("open", "在办件数"), ("overdue", "超期件数"), ("done_rate", "办结率"),
    ("on_time_rate", "按时办结率"), ("avg_working_days", "平均办理工作日"),
    ("avg_promised_days", "平均承诺工作日"), ("avg_statutory_days", "平均法定工作日"),
    ("compression", "承诺压缩率"),
)
RATES = ("done_rate", "on_time_rate", "compression")
TOTAL_LABEL = "全厅"


def table(report: dict) -> list[list]:
    """A header row, one row per group, the whole hall."""
    rows = [["代码", GROUP_HEADERS[report["by"]]] + [title for _, title in COLUMNS]]
    for row in report["rows"]:
        rows.append([row["key"], row["label"]] + [row[k] for k, _ in COLUMNS])
    rows.append([TOTAL_LABEL, report["hall_name"]] + [report["total"][k] for k, _ in COLUMNS])
    return rows


def filename(report: dict, extension: str) -> str:
    return (f"hallq-cases-{report['hall']}-{report['by']}-{report['from']}-{report['to']}"
            f".{extension}")


def to_csv(report: dict) -> bytes:
    return csv_text(table(report)).encode("utf-8")


def to_xlsx(report: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "限时办结"
    sheet.append([safe_cell(f"{report['hall_name']} 办件统计 {report['from']} 至 {report['to']}")])
    sheet["A1"].font = Font(bold=True, size=14)
    for row in table(report):
        sheet.append([safe_cell(cell) for cell in row])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for index, (key, _) in enumerate(COLUMNS, start=3):
        if key in RATES:
            for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                cell.number_format = "0.0%"
    sheet.freeze_panes = "C3"
    for column, width in zip("ABCDEFGHIJKLMNOP", [14, 24] + [13] * 14):
        sheet.column_dimensions[column].width = width
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
