"""效能排名 as an Excel sheet: the rows of ``GET /network/ranking`` under Chinese headers, in
rank order; durations as time cells, satisfaction as a percentage, texts through ``safe_cell``
(a hall or department name never runs as a formula)."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from queue_server.domain.network import LEVEL_NAMES
from queue_server.services.exports import DURATION_FORMAT, RATE_FORMAT
from queue_server.services.network_ranking import COLUMNS
from queue_server.services.spreadsheet import safe_cell

DURATIONS = ("avg_wait_s", "avg_handling_s")


def title(ranking: dict) -> str:
    what = "各大厅" if ranking["by"] == "hall" else "各部门"
    return f"{ranking['root_name']} {what}效能排名 {ranking['from']} 至 {ranking['to']}"


def filename(ranking: dict) -> str:
    return f"ranking-{ranking['root']}-{ranking['by']}-{ranking['from']}-{ranking['to']}.xlsx"


def _headers(by: str) -> list[str]:
    first = ["名次", "编码", "大厅", "层级"] if by == "hall" else ["名次", "部门"]
    return first + [name.replace("(秒)", "") for _, name in COLUMNS]


def _cells(by: str, row: dict) -> list:
    first = ([row["rank"], safe_cell(row["key"]), safe_cell(row["label"]),
              LEVEL_NAMES.get(row.get("level"), "")] if by == "hall"
             else [row["rank"], safe_cell(row["label"])])
    figures = [row[key] / 86400 if key in DURATIONS and row[key] is not None else row[key]
               for key, _ in COLUMNS]
    return first + figures


def to_xlsx(ranking: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "效能排名"
    sheet.append([safe_cell(title(ranking))])
    sheet["A1"].font = Font(bold=True, size=14)
    by = ranking["by"]
    sheet.append(_headers(by))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in ranking["rows"]:
        sheet.append(_cells(by, row))
    offset = 5 if by == "hall" else 3
    for index, (key, _) in enumerate(COLUMNS, start=offset):
        fmt = DURATION_FORMAT if key in DURATIONS else RATE_FORMAT \
            if key == "satisfaction_rate" else None
        if fmt:
            for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                cell.number_format = fmt
    sheet.freeze_panes = "A3"
    for column, width in zip("ABCDEFGHIJK", [6, 14, 26, 16] + [12] * 7):
        sheet.column_dimensions[column].width = width
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
