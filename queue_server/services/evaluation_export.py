"""Evaluations in the field form of GB/T 39046-2020 (政务服务平台基础数据规范), CSV and JSON.

Fields: case number (办件编号), channel code and name (评价渠道), evaluator (评价人), time (评价时间),
grade code (评价等级代码) with its direction stated, text (评价内容) and region (行政区划代码, the hall
option ``region_code``). The grade code is GB/T 39046's: **1 = 非常满意 … 5 = 非常不满意** (the
opposite of several provincial upload APIs, which count 1 = 非常不满意); the direction is written
into the JSON header and into the CSV column title, so nobody has to guess.

The channel code is the national 好差评 data interface's 评价渠道 (``pf``): 1 = PC端, 2 = 移动端,
3 = App端, 4 = 政务大厅平板电脑端, 5 = 政务大厅其他终端, 6 = 电话, 7 = 短信. A window evaluator
tablet is 4, an evaluator keypad 5, a QR code scanned with a phone 2; the table is stated in the
JSON header and the CSV column title in the same way.

The citizen rates anonymously at the window: the evaluator field names the channel's device and
the ticket, never a person (no ID number is ever exported).
"""

from datetime import timedelta

from queue_server.domain.grades import LABELS_ZH, gbt39046_code
from queue_server.domain.numbering import local_midnight_utc
from queue_server.services import queues
from queue_server.services.accounts import require_hall_watcher
from queue_server.services.followup import day_range
from queue_server.services.spreadsheet import csv_text
from queue_server.storage import evaluations as stored_evaluations

STANDARD = "GB/T 39046-2020"
GRADE_DIRECTION = "1 = 非常满意 (very satisfied) … 5 = 非常不满意 (very dissatisfied)"
# 评价渠道 (pf) of the national 好差评 data interface.
CHANNEL_NAMES = {1: "PC端", 2: "移动端", 3: "App端", 4: "政务大厅平板电脑端",
                 5: "政务大厅其他终端", 6: "电话", 7: "短信"}
CHANNEL_CODE_TABLE = ", ".join(f"{code} = {name}" for code, name in CHANNEL_NAMES.items())
# Our channels (``evaluations.channel``) → pf.
CHANNEL_CODES = {"evaluator": 4, "keypad": 5, "qr": 2, "mobile": 2, "app": 3, "web": 1,
                 "phone": 6, "sms": 7}
FIELDS = [
    ("case_number", "办件编号"),
    ("channel_code", "评价渠道代码(pf: " + CHANNEL_CODE_TABLE.replace(" = ", "=") + ")"),
    ("channel_name", "评价渠道"), ("evaluator", "评价人"),
    ("evaluated_at", "评价时间"),
    ("grade_code", "评价等级代码(GB/T 39046: 1=非常满意 … 5=非常不满意)"),
    ("grade_name", "评价等级"), ("text", "评价内容"), ("region_code", "行政区划代码"),
    ("service", "事项"), ("department", "部门"), ("window", "窗口"), ("staff", "工作人员"),
]


def channel(stored: str) -> tuple[int | None, str]:
    """The pf code and its name for a stored channel; an unknown channel keeps its own name."""
    code = CHANNEL_CODES.get(stored)
    return code, CHANNEL_NAMES[code] if code else stored


def case_number(hall, row) -> str:
    """The visit's case number: hall, local day and ticket number (unique in a hall)."""
    return f"{hall.code}-{row['local_date']:%Y%m%d}-{row['number']}"


def records(ctx, principal, hall_code: str, date_from=None, date_to=None) -> dict:
    hall = ctx.halls.get(hall_code)
    require_hall_watcher(principal, hall.id)
    start, end = day_range(ctx, hall, date_from, date_to)
    since = local_midnight_utc(start, hall.timezone)
    until = local_midnight_utc(end + timedelta(days=1), hall.timezone)
    with ctx.db.read() as conn:
        rows = stored_evaluations.records(conn, hall.id, since, until)
    region = str(hall.options.get("region_code", ""))
    result = []
    for row in rows:
        service = hall.service_by_id(row["service_id"])
        window = hall.window_by_id(row["window_id"])
        channel_code, channel_name = channel(row["channel"])
        result.append({
            "case_number": case_number(hall, row),
            "channel_code": channel_code, "channel_name": channel_name,
            "evaluator": f"匿名({row['device_name'] or row['channel']})",
            "evaluated_at": queues.local_iso(row["created_at"], hall),
            "grade_code": gbt39046_code(row["grade"]), "grade_name": LABELS_ZH[row["grade"]],
            "text": row["comment"] or "", "region_code": region, "service": service.name,
            "department": service.department, "window": window.name if window else "",
            "staff": row["staff_name"] or "",
        })
    return {"standard": STANDARD, "grade_code_direction": GRADE_DIRECTION,
            "channel_code_table": CHANNEL_CODE_TABLE, "hall": hall.code,
            "from": start.isoformat(), "to": end.isoformat(), "records": result}


def to_csv(document: dict) -> str:
    """With a BOM so spreadsheet programs read UTF-8 Chinese; a citizen's text that starts like
    a formula is neutralised (``spreadsheet.safe_cell``)."""
    return csv_text([[label for _, label in FIELDS]]
                    + [[record[key] for key, _ in FIELDS] for record in document["records"]])
