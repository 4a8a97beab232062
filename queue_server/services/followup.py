"""Bad-review follow-up (差评回访整改): a case per bad review, its deadline, call-back, outcome.

Every bad review (不满意 / 非常不满意) gets a case, due within the hall's ``followup_days``
working days (default 5; weekends and ``followup_holidays`` skipped). Cases are opened from the
evaluations themselves (``sync_cases``): however a bad review was recorded, the next listing or
supervision pass opens its case, dated from the review, so the deadline never depends on when
someone looked. A manager records the call-back (回访), then closes the case with an outcome:
``fixed`` (at once), ``fix_by_date`` (a rectification ledger entry with a due date and measure)
or ``explained``. An open case past its deadline raises one ``followup_overdue`` alert, cleared
when the case closes.
"""

from datetime import date, timedelta

from queue_server.domain import workdays
from queue_server.domain.alerts import Wanted
from queue_server.domain.commands import CASE_OUTCOMES, CloseCase, RecordCallback
from queue_server.domain.errors import DomainError, invalid_request, not_found
from queue_server.domain.grades import BAD_GRADES, LABELS_ZH
from queue_server.domain.numbering import local_day
from queue_server.services import followup_phone, periods, queues, spreadsheet
from queue_server.services.accounts import require_hall_manager, require_hall_watcher
from queue_server.storage import followups as stored
from queue_server.storage.alerts import raise_alert

OVERDUE_KIND = "followup_overdue"
BAD_REVIEW_KIND = "bad_review"  # raised by the supervisor (services/supervisor.py)
OUTCOMES = CASE_OUTCOMES
OUTCOME_LABELS_ZH = {"fixed": "立即整改", "fix_by_date": "限期整改", "explained": "解释说明"}


def case_number(hall, row) -> str:
    opened = local_day(row["opened_at"], hall.timezone)
    return f"HF{opened:%Y%m%d}{row['id']:05d}"


def _subject(case_id: int) -> str:
    return f"followup:{case_id}"


def sync_cases(conn, hall) -> int:
    """Open a case for every bad review of the hall that has none; returns how many."""
    days, calendar = workdays.followup_rules(hall.options)
    rows = stored.reviews_without_case(conn, hall.id, BAD_GRADES)
    for row in rows:
        opened_day = local_day(row["created_at"], hall.timezone)
        stored.open_case(conn, dict(
            hall_id=hall.id, evaluation_id=row["id"], ticket_id=row["ticket_id"],
            service_id=row["service_id"], window_id=row["window_id"],
            staff_user_id=row["staff_user_id"], grade=row["grade"], status="open",
            opened_at=row["created_at"],
            deadline=workdays.add_working_days(calendar, opened_day, days)))
    return len(rows)


def raise_overdue(conn, hall, now) -> list[int]:
    """One open ``followup_overdue`` alert per open case past its deadline; the new alert ids."""
    today = local_day(now, hall.timezone)
    raised = []
    for row in stored.overdue_cases(conn, hall.id, today):
        alert_id = raise_alert(conn, hall.id, Wanted(
            OVERDUE_KIND, _subject(row["id"]), "red", ticket_id=row["ticket_id"],
            window_id=row["window_id"], service_id=row["service_id"],
            data={"case": row["id"], "case_number": case_number(hall, row),
                  "deadline": row["deadline"].isoformat()}), now)
        if alert_id is not None:
            raised.append(alert_id)
    return raised


def check_hall(ctx, hall, now=None) -> list[int]:
    """Open missing cases and raise overdue alerts for one hall (idempotent)."""
    now = now or ctx.clock()
    with ctx.db.write() as conn:
        sync_cases(conn, hall)
        return raise_overdue(conn, hall, now)


def run_once(ctx, now=None) -> list[int]:
    """For the supervision loop: every hall's missing cases and overdue alerts."""
    raised = []
    for hall in ctx.halls.all():
        raised += check_hall(ctx, hall, now)
    return raised


# ---- reading -------------------------------------------------------------------------------

def case_view(hall, row, today: date) -> dict:
    _, calendar = workdays.followup_rules(hall.options)
    service = hall.service_by_id(row["service_id"])
    window = hall.window_by_id(row["window_id"])
    open_ = row["status"] == "open"
    return {
        "id": row["id"], "case_number": case_number(hall, row), "status": row["status"],
        "ticket": row["number"], "service": service.code, "service_name": service.name,
        "department": service.department, "window": window.number if window else None,
        "staff": row["staff_name"], "grade": row["grade"], "grade_label": LABELS_ZH[row["grade"]],
        "comment": row["comment"], "channel": row["channel"],
        "phone": followup_phone.mask(row["citizen_phone"]),  # whole only on request
        "opened_at": queues.local_iso(row["opened_at"], hall),
        "deadline": row["deadline"].isoformat(),
        "working_days_left": workdays.working_days_left(today, row["deadline"], calendar)
        if open_ else None,
        "overdue": workdays.is_overdue(today, row["deadline"]) if open_ else
        local_day(row["closed_at"], hall.timezone) > row["deadline"],
        "callback_at": queues.local_iso(row["callback_at"], hall),
        "callback_note": row["callback_note"], "outcome": row["outcome"],
        "outcome_label": OUTCOME_LABELS_ZH.get(row["outcome"]), "outcome_note": row["outcome_note"],
        "rectification": None if row["measure"] is None else {
            "measure": row["measure"], "responsible": row["responsible"],
            "due_date": row["due_date"].isoformat()},
        "closed_at": queues.local_iso(row["closed_at"], hall),
    }


def list_cases(ctx, principal, hall_code: str, status: str | None = None) -> list[dict]:
    hall = ctx.halls.get(hall_code)
    require_hall_watcher(principal, hall.id)
    if status not in (None, "open", "closed", "overdue"):
        raise invalid_request("status must be open, closed or overdue")
    now = ctx.clock()
    check_hall(ctx, hall, now)
    today = local_day(now, hall.timezone)
    with ctx.db.read() as conn:
        rows = stored.case_views(conn, hall.id, status="open" if status == "overdue" else status,
                                 deadline_before=today if status == "overdue" else None)
    return [case_view(hall, row, today) for row in rows]


def get_case(ctx, principal, hall_code: str, case_id: int) -> dict:
    hall = ctx.halls.get(hall_code)
    require_hall_watcher(principal, hall.id)
    check_hall(ctx, hall)
    with ctx.db.read() as conn:
        rows = stored.case_views(conn, hall.id, case_id)
    if not rows:
        raise not_found("unknown_case", f"no follow-up case {case_id} in this hall")
    return case_view(hall, rows[0], local_day(ctx.clock(), hall.timezone))


# ---- the manager's work --------------------------------------------------------------------

def _open_case(conn, hall, case_id: int):
    row = stored.case(conn, hall.id, case_id)
    if row is None:
        raise not_found("unknown_case", f"no follow-up case {case_id} in this hall")
    if row["status"] != "open":
        raise DomainError("case_closed", "this follow-up case is closed")
    return row


def record_callback(ctx, principal, hall_code: str, case_id: int,
                    command: RecordCallback) -> dict:
    """The call-back to the citizen (回访核实): what was learnt. Recorded again, it replaces."""
    hall = ctx.halls.get(hall_code)
    require_hall_manager(principal, hall.id)
    note = command.note
    check_hall(ctx, hall)
    with ctx.db.write() as conn:
        _open_case(conn, hall, case_id)
        stored.update_case(conn, case_id, callback_at=ctx.clock(), callback_by=principal.user_id,
                           callback_note=note)
    return get_case(ctx, principal, hall_code, case_id)


def close_case(ctx, principal, hall_code: str, case_id: int, command: CloseCase) -> dict:
    """Close with an outcome; ``fix_by_date`` needs ``fix_by`` and ``measure`` and writes the
    rectification ledger entry. The call-back must have been recorded first."""
    hall = ctx.halls.get(hall_code)
    require_hall_manager(principal, hall.id)
    outcome, note = command.outcome, command.note
    due, measure, responsible = command.fix_by, command.measure, command.responsible
    now = ctx.clock()
    if due is not None and due < local_day(now, hall.timezone):
        raise invalid_request("fix_by must not be in the past")
    check_hall(ctx, hall, now)
    with ctx.db.write() as conn:
        row = _open_case(conn, hall, case_id)
        if row["callback_at"] is None:
            raise DomainError("callback_required", "record the call-back (回访) before closing")
        if outcome == "fix_by_date":
            stored.add_ledger_entry(conn, dict(
                hall_id=hall.id, case_id=case_id, measure=measure, responsible=responsible,
                due_date=due, created_at=now, created_by=principal.user_id))
        stored.update_case(conn, case_id, status="closed", outcome=outcome, outcome_note=note,
                           closed_at=now, closed_by=principal.user_id)
        followup_phone.purge(conn, case_id)  # the call-back is done: the number goes
        stored.clear_alerts(conn, hall.id, OVERDUE_KIND, now, subject=_subject(case_id))
        # The supervisor's bad-review alert (差评预警) of this ticket: its follow-up is done.
        stored.clear_alerts(conn, hall.id, BAD_REVIEW_KIND, now, ticket_id=row["ticket_id"],
                            acknowledged_at=now, acknowledged_by=principal.user_id,
                            ack_note=f"{OUTCOME_LABELS_ZH[outcome]}：{note}"[:500])
    return get_case(ctx, principal, hall_code, case_id)


# ---- the ledger (台账) ---------------------------------------------------------------------

LEDGER_COLUMNS = [
    ("case_number", "案件编号"), ("status", "状态"), ("opened_at", "差评时间"),
    ("ticket", "票号"), ("service_name", "事项"), ("department", "部门"), ("window", "窗口"),
    ("staff", "工作人员"), ("grade_label", "评价等级"), ("comment", "评价内容"),
    ("phone", "回访电话"),
    ("deadline", "整改时限"), ("callback_at", "回访时间"), ("callback_note", "回访情况"),
    ("outcome_label", "处理结果"), ("outcome_note", "处理说明"), ("measure", "整改措施"),
    ("responsible", "责任人"), ("due_date", "整改期限"), ("closed_at", "办结时间"),
    ("overdue", "是否超期"),
]


def day_range(ctx, hall, date_from, date_to) -> tuple[date, date]:
    """``from``/``to`` query dates (local days, inclusive); default: the last 30 days."""
    today = local_day(ctx.clock(), hall.timezone)
    return periods.checked(periods.parse_day(date_from, today - timedelta(days=30), "from"),
                           periods.parse_day(date_to, today, "to"))


def ledger(ctx, principal, hall_code: str, date_from=None, date_to=None) -> list[dict]:
    """Every case opened in the range (local days), as ledger rows."""
    hall = ctx.halls.get(hall_code)
    require_hall_watcher(principal, hall.id)
    start, end = day_range(ctx, hall, date_from, date_to)
    rows = [case for case in list_cases(ctx, principal, hall_code)
            if start.isoformat() <= case["opened_at"][:10] <= end.isoformat()]
    for case in rows:
        fix = case["rectification"] or {}
        case.update(measure=fix.get("measure"), responsible=fix.get("responsible"),
                    due_date=fix.get("due_date"))
    return sorted(rows, key=lambda c: (c["opened_at"], c["id"]))


def ledger_csv(rows: list[dict]) -> str:
    """The ledger as CSV: times in the hall's local time (YYYY-MM-DD HH:MM:SS), texts safe
    from formula injection (``spreadsheet``)."""
    lines = [[label for _, label in LEDGER_COLUMNS]]
    for row in rows:
        values = []
        for key, _ in LEDGER_COLUMNS:
            value = spreadsheet.local_time(row.get(key))
            if key == "status":
                value = "已办结" if value == "closed" else "处理中"
            elif key == "overdue":
                value = "是" if value else "否"
            values.append(value)
        lines.append(values)
    return spreadsheet.csv_text(lines)
