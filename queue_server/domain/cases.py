"""五件 cases (办件): kinds, states and their transitions, the 受理编号, the 红黄牌 deadline rule.

Every matter accepted at a window is one of five kinds (即办件 done on the spot, 承诺件 within a
promised number of working days, 联办件 with a lead and co-departments, 代办件 forwarded upward
by a village or town, 上报件 awaiting a higher level's approval). The clerk may also answer 补正
(materials missing: the 一次性告知 list) or 不予受理 (refused, with a reason): both are recorded
as cases too, closed at once, so every served matter leaves a trace.

States: 受理 → 办理中 → 办结 / 退回 / 转报. A case is *open* until it reaches a closed state.
Deadlines are working days on the hall's calendar (``domain/workdays``): yellow (黄牌) once 80 %
of the promised time has passed, red (红牌) once the promised day has ended.
Standard library only.
"""

import math
from datetime import date

from queue_server.domain.catalogue import KINDS
from queue_server.domain.errors import DomainError, invalid_request
from queue_server.domain.workdays import WorkCalendar, add_working_days

ACCEPTED, IN_PROGRESS, DONE, RETURNED, FORWARDED = (
    "accepted", "in_progress", "done", "returned", "forwarded")
CORRECTION, REFUSED = "correction", "refused"  # outcomes at the window, closed at once
STATES = {ACCEPTED: "受理", IN_PROGRESS: "办理中", DONE: "办结", RETURNED: "退回",
          FORWARDED: "转报", CORRECTION: "补正", REFUSED: "不予受理"}
OPEN_STATES = (ACCEPTED, IN_PROGRESS)
CLOSED_STATES = (DONE, RETURNED, FORWARDED, CORRECTION, REFUSED)
TRANSITIONS = {
    ACCEPTED: (IN_PROGRESS, DONE, RETURNED, FORWARDED),
    IN_PROGRESS: (DONE, RETURNED, FORWARDED),
}
OUTCOMES = ("accept", CORRECTION, REFUSED)
WARN_RATIO = 0.8
NOTE_MAX = 500
DEPARTMENT_MAX = 100
MAX_CO_DEPARTMENTS = 10


def check_kind(kind) -> str:
    if not isinstance(kind, str) or kind not in KINDS:
        raise invalid_request(f"kind must be one of {', '.join(KINDS)}")
    return kind


def check_transition(current: str, wanted) -> str:
    """``wanted`` if a case in ``current`` may move there; 409 ``invalid_state`` otherwise."""
    if not isinstance(wanted, str) or wanted not in STATES:
        raise invalid_request(f"state must be one of {', '.join(STATES)}")
    if wanted not in TRANSITIONS.get(current, ()):
        raise DomainError("invalid_state", f"a case in state {current} ({STATES[current]}) "
                          f"cannot become {wanted} ({STATES[wanted]})")
    return wanted


def case_number(year: int, seq: int) -> str:
    """受理编号: the year and the hall's sequence of that year, ``2026-000123``."""
    return f"{year}-{seq:06d}"


def initial_state(outcome: str, kind: str) -> str:
    """A case's state once recorded: 即办件 are done on the spot."""
    if outcome != "accept":
        return outcome
    return DONE if kind == "immediate" else ACCEPTED


def deadlines(calendar: WorkCalendar, accepted_on: date, kind: str, promised_days,
              statutory_days) -> tuple:
    """``(promised_on, statutory_on)``: the last working days, None where the matter has no
    limit; a 即办件 has none (it is done on the spot)."""
    if kind == "immediate":
        return None, None
    promised = None if promised_days is None else add_working_days(calendar, accepted_on,
                                                                   promised_days)
    statutory = None if statutory_days is None else add_working_days(calendar, accepted_on,
                                                                     statutory_days)
    return promised, statutory


def check_promised_on(accepted_on: date, promised_on: date, statutory_on) -> date:
    """A promised day the clerk edited: not before acceptance, never past the statutory day."""
    if promised_on < accepted_on:
        raise invalid_request("promised_on must not be before the day of acceptance")
    if statutory_on is not None and promised_on > statutory_on:
        raise invalid_request(f"promised_on must be on or before the statutory limit "
                              f"{statutory_on.isoformat()}")
    return promised_on


def working_days_between(calendar: WorkCalendar, start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    count, day = 0, start
    while day < end:
        day = date.fromordinal(day.toordinal() + 1)
        count += calendar.is_workday(day)
    return count


def warn_on(calendar: WorkCalendar, accepted_on: date, promised_on) -> date | None:
    """The day a case turns yellow: once 80 % (rounded up) of its promised working days have
    passed. None without a promised day."""
    if promised_on is None:
        return None
    days = working_days_between(calendar, accepted_on, promised_on)
    return add_working_days(calendar, accepted_on, math.ceil(days * WARN_RATIO))


def limits_in_days(calendar: WorkCalendar, accepted_on: date, kind: str, promised_on,
                   statutory_days) -> dict:
    """The promised and statutory working days of an accepted case, for the reports (the
    promised days counted to the promised day, which the clerk may have moved)."""
    if kind == "immediate":
        return {"promised_days": 0, "statutory_days": statutory_days or 0}
    promised = None if promised_on is None else working_days_between(calendar, accepted_on,
                                                                      promised_on)
    return {"promised_days": promised, "statutory_days": statutory_days}


def finish_figures(calendar: WorkCalendar, accepted_on: date, done_on: date, promised_on) -> dict:
    """What 办结 records for the reports: working days taken, and whether by the promised day."""
    return {"working_days": working_days_between(calendar, accepted_on, done_on),
            "on_time": promised_on is None or done_on <= promised_on}


def deadline_level(today: date, warn_day, promised_on) -> str | None:
    """``red`` after the promised day, ``yellow`` from the warning day, else None."""
    if promised_on is not None and today > promised_on:
        return "red"
    if warn_day is not None and today >= warn_day:
        return "yellow"
    return None


def check_text(value, name: str, limit: int, required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip() and not required):
        if required:
            raise invalid_request(f"{name} is required")
        return None
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > limit:
        raise invalid_request(f"{name} must be a text of at most {limit} characters")
    return value.strip()


def check_departments(lead, co) -> tuple:
    """A 联办件's lead department and co-departments (a list of texts, lead not repeated)."""
    lead = check_text(lead, "lead_department", DEPARTMENT_MAX, required=True)
    if not isinstance(co, list) or not co or len(co) > MAX_CO_DEPARTMENTS:
        raise invalid_request(f"co_departments must list 1 to {MAX_CO_DEPARTMENTS} departments")
    names = [check_text(d, "co_departments", DEPARTMENT_MAX, required=True) for d in co]
    if lead in names or len(set(names)) != len(names):
        raise invalid_request("co_departments must differ from each other and from the lead")
    return lead, names
