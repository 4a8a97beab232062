"""Reports as spreadsheets: CSV (UTF-8 with BOM, so Excel shows the Chinese) and Excel (.xlsx).

Both carry exactly the figures of ``GET …/reports`` (same keys, same rounding), under Chinese
headers, with the hall total as the last row.
"""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

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
TOTAL_LABEL = "合计"


def headers(by: str) -> list[str]:
    return ["代码", DIMENSION_HEADERS[by]] + [title for _, title in COLUMNS]


def table(report: dict) -> list[list]:
    """The report as rows of cells: a header row, one row per group, the total."""
    rows = [headers(report["by"])]
    for row in report["rows"]:
        rows.append([row["key"], row["label"]] + [row[k] for k, _ in COLUMNS])
    if report["by"] != "hall":
        rows.append([TOTAL_LABEL, report["hall_name"]] + [report["total"][k] for k, _ in COLUMNS])
    return rows


def title(report: dict) -> str:
    return f"{report['hall_name']} 统计报表 {report['from']} 至 {report['to']}"


def filename(report: dict, extension: str) -> str:
    return f"hallq-{report['hall']}-{report['by']}-{report['from']}-{report['to']}.{extension}"


def to_csv(report: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in table(report):
        writer.writerow(["" if cell is None else cell for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(report: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "报表"
    sheet.append([title(report)])
    sheet["A1"].font = Font(bold=True, size=14)
    for row in table(report):
        sheet.append(row)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "C3"
    for column, width in zip("ABCDEFGHIJKLMNOPQ", [12, 22] + [14] * 15):
        sheet.column_dimensions[column].width = width
    charts = book.create_sheet("等候分布")
    charts.append(["等候时长(分钟)", "人数"])
    for bucket in report["charts"]["wait_distribution"]:
        charts.append([bucket["minutes"], bucket["tickets"]])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
