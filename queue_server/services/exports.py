"""Reports as spreadsheets: CSV (UTF-8 with BOM, so Excel shows the Chinese) and Excel (.xlsx).

Both carry exactly the figures of ``GET …/reports`` (same keys, same rounding), under Chinese
headers, with the whole hall's figures as the last row, labelled 全厅: it is the hall's total,
not the sum of the rows (a ticket never called has no window or staff row). The code column
of a by-staff report is the staff number (工号), not the internal user id. In Excel, durations
are time cells (``[h]:mm:ss``) and rates percentages; the CSV keeps plain seconds and fractions.
Every text cell goes through ``spreadsheet.safe_cell`` (no formula runs from a cell).
"""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from queue_server.services.spreadsheet import csv_text, safe_cell

DIMENSION_HEADERS = {"hall": "大厅", "department": "部门", "service": "事项", "window": "窗口",
                     "staff": "工作人员", "hour": "时段", "day": "日期"}
COLUMNS = (
    ("issued", "取号数"), ("served", "办结数"), ("no_show", "过号数"), ("transfers", "转移数"),
    ("avg_wait_s", "平均等候时长(秒)"), ("p90_wait_s", "90%等候时长(秒)"),
    ("avg_handling_s", "平均办理时长(秒)"), ("p90_handling_s", "90%办理时长(秒)"),
    ("evaluations", "评价数"), ("bad_reviews", "差评数"), ("satisfaction_rate", "满意率"),
    ("bad_review_rate", "差评率"), ("evaluation_coverage", "评价覆盖率"),
    ("pause_s", "暂停时长(秒)"), ("alerts", "预警数"),
)
TOTAL_LABEL = "全厅"  # the whole hall's figures (not a sum of the rows above it)
DURATIONS = ("avg_wait_s", "p90_wait_s", "avg_handling_s", "p90_handling_s", "pause_s")
RATES = ("satisfaction_rate", "bad_review_rate", "evaluation_coverage")
DURATION_FORMAT = "[h]:mm:ss"
RATE_FORMAT = "0.0%"


def headers(by: str) -> list[str]:
    return ["工号" if by == "staff" else "代码", DIMENSION_HEADERS[by]] + [
        title for _, title in COLUMNS]


def _code(report: dict, row: dict):
    return (row.get("staff_no") or "") if report["by"] == "staff" else row["key"]


def table(report: dict) -> list[list]:
    """The report as rows of cells: a header row, one row per group, the whole hall."""
    rows = [headers(report["by"])]
    for row in report["rows"]:
        rows.append([_code(report, row), row["label"]] + [row[k] for k, _ in COLUMNS])
    if report["by"] != "hall":
        rows.append([TOTAL_LABEL, report["hall_name"]] + [report["total"][k] for k, _ in COLUMNS])
    return rows


def title(report: dict) -> str:
    return f"{report['hall_name']} 统计报表 {report['from']} 至 {report['to']}"


def filename(report: dict, extension: str) -> str:
    return f"hallq-{report['hall']}-{report['by']}-{report['from']}-{report['to']}.{extension}"


def to_csv(report: dict) -> bytes:
    return csv_text(table(report)).encode("utf-8")


def _xlsx_headers(by: str) -> list[str]:
    """Excel's headers: a duration is a time cell there, so its title drops "(秒)"."""
    return [h.replace("(秒)", "") for h in headers(by)]


def _xlsx_row(cells: list) -> list:
    """Durations in days (Excel's time unit), texts made safe."""
    keys = [None, None] + [k for k, _ in COLUMNS]
    return [value / 86400 if key in DURATIONS and value is not None else safe_cell(value)
            for key, value in zip(keys, cells)]


def _number_formats(sheet) -> None:
    for index, (key, _) in enumerate(COLUMNS, start=3):
        fmt = DURATION_FORMAT if key in DURATIONS else RATE_FORMAT if key in RATES else None
        if fmt:
            for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                cell.number_format = fmt


def to_xlsx(report: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "报表"
    sheet.append([safe_cell(title(report))])
    sheet["A1"].font = Font(bold=True, size=14)
    body = table(report)
    sheet.append(_xlsx_headers(report["by"]))
    for row in body[1:]:
        sheet.append(_xlsx_row(row))
    _number_formats(sheet)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "C3"
    for column, width in zip("ABCDEFGHIJKLMNOPQ", [12, 22] + [14] * 15):
        sheet.column_dimensions[column].width = width
    charts = book.create_sheet("等候分布")
    charts.append(["等候时长(分钟)", "人数"])
    for bucket in report["charts"]["wait_distribution"]:
        charts.append([safe_cell(bucket["minutes"]), bucket["tickets"]])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
