"""五件 cases (办件): recorded at the window when a ticket is finished, then worked by the
clerk or the department (or a department system with a device token) until closed.

``accept`` records one case of a ticket (call it again for each further matter); ``transition``
moves a case on and writes its history; ``deadline_changes`` gives the supervisor the 红黄牌
that change today, from the cases due for a change alone.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from queue_server.domain import cases as rules
from queue_server.domain.alerts import CASE_DEADLINE, Wanted
from queue_server.domain.errors import DomainError, invalid_request, not_found
from queue_server.domain.idnumber import id_number_hash, mask_name, validate_id_number
from queue_server.domain.numbering import local_day
from queue_server.domain.workdays import hall_calendar
from queue_server.services import case_lookup, catalogue, followup_phone
from queue_server.services.principals import require_in_scope, require_window_actor
from queue_server.storage import cases as stored
from queue_server.storage import tickets as stored_tickets

NAME_MAX = 40
LIST_MAX = 200


def require_case_worker(principal, hall_id: int) -> None:
    """Staff of the hall, a department system (device) of the hall, its managers, an admin."""
    if principal is not None and principal.hall_id == hall_id and (
            principal.is_user("staff") or principal.is_device("department")):
        return
    require_in_scope(principal, hall_id, message="only the hall's staff, managers and "
                     "department systems may work its cases")


def _who(principal) -> tuple:
    return principal.user_id, principal.device_id


def _case(conn, hall, case_id, lock=False):
    row = stored.one(conn, hall.id, case_id, lock) if isinstance(case_id, int) else None
    if row is None:
        raise not_found("unknown_case", f"hall {hall.code} has no case {case_id!r}")
    return row


def case_view(row, history=None, today: date | None = None) -> dict:
    view = {
        "id": row["id"], "number": row["number"], "ticket_id": row["ticket_id"],
        "matter": row["matter_code"], "matter_name": row["matter_name"],
        "department": row["department"], "kind": row["kind"],
        "kind_name": rules.KINDS[row["kind"]], "state": row["state"],
        "state_name": rules.STATES[row["state"]], "name": row["name_masked"],
        "phone": row["phone_masked"], "accepted_at": row["accepted_at"].isoformat(),
        "accepted_on": row["accepted_on"].isoformat(),
        "promised_on": _iso(row["promised_on"]), "statutory_on": _iso(row["statutory_on"]),
        "finished_at": _iso(row["finished_at"]), "lead_department": row["lead_department"],
        "co_departments": row["co_departments"] or [], "note": row["note"],
        "real_name": row["id_hash"] is not None,
    }
    if today is not None and row["finished_at"] is None:
        view["deadline_level"] = rules.deadline_level(today, row["warn_on"], row["promised_on"])
    if history is not None:
        view["history"] = [{"state": h["state"], "at": h["at"].isoformat(),
                            "user_id": h["user_id"], "device_id": h["device_id"],
                            "note": h["note"]} for h in history]
    return view


def _iso(value):
    return None if value is None else value.isoformat()


# ---- acceptance at the window ------------------------------------------------------------

def _ticket_hash(conn, hall, ticket_id):
    """The citizen of the ticket the case comes from (None: no ticket or no real name)."""
    if ticket_id is None:
        return None
    if isinstance(ticket_id, bool) or not isinstance(ticket_id, int):
        raise invalid_request("ticket must be a ticket id")
    ticket = stored_tickets.ticket(conn, ticket_id) if 0 < ticket_id < 2 ** 63 else None
    if ticket is None or ticket["hall_id"] != hall.id:
        raise not_found("unknown_ticket", f"hall {hall.code} has no ticket {ticket_id}")
    if ticket["status"] not in ("called", "done"):
        raise DomainError("ticket_not_finished", "cases are recorded for a ticket being served "
                          "or finished")
    return ticket["id_hash"]


def _citizen(ctx, body: dict, today: date) -> dict:
    name = rules.check_text(body.get("name"), "name", NAME_MAX)
    phone = body.get("phone")
    id_number = body.get("id_number")
    if id_number is not None and not isinstance(id_number, str):
        raise invalid_request("id_number must be a text")
    return {"name_masked": mask_name(name) if name else None,
            "phone_masked": followup_phone.mask(followup_phone.parse(phone)) if phone else None,
            "id_hash": id_number_hash(validate_id_number(id_number, today=today),
                                      ctx.id_hash_key) if id_number else None}


def _promised(body, accepted_on, promised_on, statutory_on):
    value = body.get("promised_on")
    if value is None:
        return promised_on
    try:
        day = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None:
        raise invalid_request("promised_on must be a date (YYYY-MM-DD)")
    return rules.check_promised_on(accepted_on, day, statutory_on)


def _outcome_fields(body: dict, outcome: str, kind: str, matter) -> dict:
    """What a kind or outcome adds: 联办 departments, 补正 materials, 不予受理 reason."""
    fields = {"lead_department": None, "co_departments": None,
              "note": rules.check_text(body.get("note"), "note", rules.NOTE_MAX)}
    if outcome == rules.REFUSED:
        fields["note"] = rules.check_text(body.get("reason"), "reason", rules.NOTE_MAX,
                                          required=True)
    elif outcome == rules.CORRECTION:
        materials = body.get("materials", list(matter.materials))
        if not isinstance(materials, list) or not all(isinstance(m, str) for m in materials):
            raise invalid_request("materials must be a list of texts")
        fields["note"] = "；".join(m.strip() for m in materials if m.strip())[:rules.NOTE_MAX]
    elif kind == "joint":
        fields["lead_department"], fields["co_departments"] = rules.check_departments(
            body.get("lead_department", matter.department), body.get("co_departments"))
    return fields


def _parse_accept(ctx, hall, body: dict, today: date) -> dict:
    outcome = body.get("outcome", "accept")
    if outcome not in rules.OUTCOMES:
        raise invalid_request(f"outcome must be one of {', '.join(rules.OUTCOMES)}")
    matter = catalogue.matter(ctx, hall.code, body.get("matter"))
    kind = rules.check_kind(body.get("kind", matter.kind))
    promised_on, statutory_on = rules.deadlines(hall_calendar(hall.options), today, kind,
                                                matter.promised_days, matter.statutory_days)
    if outcome != "accept":
        promised_on = statutory_on = None
    elif kind != "immediate":
        promised_on = _promised(body, today, promised_on, statutory_on)
    calendar = hall_calendar(hall.options)
    values = {"matter_code": matter.code, "matter_name": matter.name,
              "department": matter.department, "kind": kind,
              "state": rules.initial_state(outcome, kind), "promised_on": promised_on,
              "statutory_on": statutory_on,
              "warn_on": rules.warn_on(calendar, today, promised_on),
              **_outcome_fields(body, outcome, kind, matter), **_citizen(ctx, body, today)}
    if outcome == "accept":
        values.update(rules.limits_in_days(calendar, today, kind, promised_on,
                                           matter.statutory_days))
    if values["state"] == rules.DONE:
        values.update(rules.finish_figures(calendar, today, today, promised_on))
    return values


def accept(ctx, principal, hall_code: str, window_number: int, body: dict) -> dict:
    """Record one case at a window (一件一号): the outcome of one matter of the ticket served."""
    hall = ctx.halls.get(hall_code)
    window = hall.window(window_number)
    require_window_actor(principal, hall.id, window.id)
    now = ctx.clock()
    today = local_day(now, hall.timezone)
    values = _parse_accept(ctx, hall, body, today)
    closed = values["state"] in rules.CLOSED_STATES
    with ctx.db.write() as conn:
        ticket_hash = _ticket_hash(conn, hall, body.get("ticket"))
        seq = stored.next_seq(conn, hall.id, today.year)
        number = rules.case_number(today.year, seq)
        values.update(hall_id=hall.id, year=today.year, seq=seq, number=number,
                      suffix_hashes=case_lookup.suffix_hashes(
                          ctx.id_hash_key, number, body.get("id_number"), body.get("phone")), ticket_id=body.get("ticket"),
                      id_hash=values["id_hash"] or ticket_hash, accepted_at=now,
                      accepted_on=today, finished_at=now if closed else None,
                      window_id=window.id, staff_user_id=principal.user_id)
        case_id = stored.insert_case(conn, values)
        user_id, device_id = _who(principal)
        stored.add_event(conn, case_id, rules.ACCEPTED, now, user_id, device_id, None)
        if values["state"] != rules.ACCEPTED:
            stored.add_event(conn, case_id, values["state"], now, user_id, device_id,
                             values["note"])
        row = stored.one(conn, hall.id, case_id)
    return case_view(row, today=today)


# ---- working the cases -------------------------------------------------------------------

def list_cases(ctx, principal, hall_code: str, args) -> list[dict]:
    """``mine`` (the clerk's own), ``department``, ``open``; newest first, ``before`` pages."""
    hall = ctx.halls.get(hall_code)
    require_case_worker(principal, hall.id)
    mine = _flag(args.get("mine"), "mine")
    if mine and principal.user_id is None:
        raise invalid_request("'mine' is for people; a department system lists by department")
    before = args.get("before")
    if before is not None and not (before.isdigit() and len(before) < 19):
        raise invalid_request("before must be a case id")
    department = args.get("department")
    if department is not None and not 0 < len(department) <= rules.DEPARTMENT_MAX:
        raise invalid_request("department must be a department name")
    with ctx.db.read() as conn:
        rows = stored.listed(conn, hall.id, staff_user_id=principal.user_id if mine else None,
                             department=department, open_only=_flag(args.get("open"), "open"),
                             limit=LIST_MAX, before_id=int(before) if before else None)
    today = local_day(ctx.clock(), hall.timezone)
    return [case_view(r, today=today) for r in rows]


def _flag(value, name: str) -> bool:
    if value in (None, "", "0", "false"):
        return False
    if value in ("1", "true"):
        return True
    raise invalid_request(f"'{name}' must be true or false")


def get_case(ctx, principal, hall_code: str, case_id: int) -> dict:
    hall = ctx.halls.get(hall_code)
    require_case_worker(principal, hall.id)
    with ctx.db.read() as conn:
        row = _case(conn, hall, case_id)
        history = stored.history(conn, row["id"])
    return case_view(row, history, local_day(ctx.clock(), hall.timezone))


def transition(ctx, principal, hall_code: str, case_id: int, body: dict) -> dict:
    """Move a case on (受理 → 办理中 → 办结 / 退回 / 转报), with who, when and a note."""
    hall = ctx.halls.get(hall_code)
    require_case_worker(principal, hall.id)
    note = rules.check_text(body.get("note"), "note", rules.NOTE_MAX)
    now = ctx.clock()
    with ctx.db.write() as conn:
        row = _case(conn, hall, case_id, lock=True)
        state = rules.check_transition(row["state"], body.get("state"))
        if state in (rules.RETURNED, rules.FORWARDED) and note is None:
            raise invalid_request(f"a note is required to make a case {state}")
        closing = state in rules.CLOSED_STATES
        values = {"state": state, "finished_at": now if closing else None}
        if state == rules.DONE:
            values.update(rules.finish_figures(hall_calendar(hall.options), row["accepted_on"],
                                               local_day(now, hall.timezone),
                                               row["promised_on"]))
        if not stored.set_state(conn, row["id"], row["state"], values):
            raise DomainError("invalid_state", "the case changed meanwhile; reload it")
        stored.add_event(conn, row["id"], state, now, *_who(principal), note)
        row = stored.one(conn, hall.id, row["id"])
        history = stored.history(conn, row["id"])
    return case_view(row, history, local_day(now, hall.timezone))


# ---- 限时办结 supervision --------------------------------------------------------------

SWEEP_BATCH = 250  # cases whose level changes per read and write (the write lock held short)


@dataclass(frozen=True)
class DeadlineChange:
    """One case's 限时办结 level moving from ``was`` to ``level`` (None: no alert), or only its
    next day moving on (``level == was``); ``wanted`` is the alert to raise or re-level."""
    case_id: int
    was: str | None
    level: str | None
    due_on: date | None
    closed: bool
    wanted: Wanted | None = None
    alert_id: int | None = None  # the case's open alert, when it has one


def deadline_changes(conn, hall, now, limit: int | None = None) -> list[DeadlineChange]:
    """Yellow for each open case from its warning day, red once its promised day has ended,
    cleared when the case closes: what must change today, from the cases due for a change
    (``alert_due_on``) and the closed cases whose alert is still open. Two indexed range
    reads of a few rows, however many cases are open; at most ``limit`` of each per pass."""
    today, limit, changes = local_day(now, hall.timezone), limit or SWEEP_BATCH, []
    for r in stored.level_due_cases(conn, hall.id, today, limit):
        level = rules.deadline_level(today, r.warn_on, r.promised_on)
        changes.append(DeadlineChange(r.id, r.alert_level, level,
                                      _next_change(level, r.warn_on, r.promised_on), False,
                                      _wanted(r, level), r.alert_id))
    changes += [DeadlineChange(r.id, r.alert_level, None, None, True, alert_id=r.alert_id)
                for r in stored.closed_with_alert(conn, hall.id, limit)]
    return changes


def _next_change(level, warn_on, promised_on):
    """The day an open case's level next changes: its warning day, then the day after its
    promised day; none once red (it stays red until the case closes)."""
    if level is None:
        return warn_on
    if level == "yellow" and promised_on is not None:
        return promised_on + timedelta(days=1)
    return None


def _wanted(r, level) -> Wanted | None:
    if level is None:
        return None
    return Wanted(CASE_DEADLINE, f"case:{r.id}", level, window_id=r.window_id,
                  data={"case": r.number, "matter": r.matter_code, "department": r.department,
                        "promised_on": r.promised_on.isoformat() if r.promised_on else None})
