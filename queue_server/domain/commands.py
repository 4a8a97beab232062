"""Typed commands: what a request asks a use case to do, parsed once from its JSON body.

``api/`` (and ``realtime/``) build a command with ``Command.from_body(body)`` and the service
receives the frozen dataclass, never the raw body. ``from_body`` checks the body's shape (types,
required fields, fields that go together) and raises ``invalid_request`` with the same messages
as before; what needs the hall or the database (does the service exist, is the date in the
hall's past, may this person take a ticket) stays in the service. Pure: standard library only.
"""

import re
from dataclasses import dataclass
from datetime import date

from queue_server.domain.errors import DomainError, invalid_request
from queue_server.domain.grades import parse_grade
from queue_server.domain.tickets import parse_priority

# How the citizen rated at the window: the evaluator tablet's screen or its keypad.
EVALUATION_CHANNELS = ("evaluator", "keypad")
MAX_COMMENT = 500
# How a follow-up case (回访) ends, and the longest note a manager may write on it.
CASE_OUTCOMES = ("fixed", "fix_by_date", "explained")
MAX_NOTE = 1000
MAX_RESPONSIBLE = 100


def _service_code(value) -> str:
    if not isinstance(value, str):
        raise invalid_request("service must be a service code such as \"A\"")
    return value


@dataclass(frozen=True)
class IssueTicket:
    """取号: a ticket of ``service``, for a typed ID number or a swiped card's reference."""

    service: str
    id_number: str | None = None
    card_ref: str | None = None  # checked when redeemed (``card_reads.redeem``)
    priority: bool = False

    @classmethod
    def from_body(cls, body: dict) -> "IssueTicket":
        service = _service_code(body.get("service"))
        id_number, card_ref = body.get("id_number"), body.get("card_ref")
        if id_number is not None and not isinstance(id_number, str):
            raise invalid_request("id_number must be a string")
        if id_number and card_ref is not None:
            raise invalid_request("give id_number or card_ref, not both")
        return cls(service, id_number or None, card_ref, parse_priority(body.get("priority")))


@dataclass(frozen=True)
class TransferTicket:
    """The current ticket goes to another service's queue or to one window (exactly one)."""

    service: str | None = None
    window: int | None = None

    @classmethod
    def from_body(cls, body: dict) -> "TransferTicket":
        service, window = body.get("service"), body.get("window")
        if (service is None) == (window is None):
            raise invalid_request("give either a service or a window to transfer to")
        if service is not None:
            return cls(service=_service_code(service))
        if isinstance(window, bool) or not isinstance(window, int):
            raise invalid_request("window must be a window number")
        return cls(window=window)


@dataclass(frozen=True)
class EvaluateTicket:
    """好差评: the citizen's grade of a finished ticket, with an optional comment."""

    grade: str
    comment: str | None = None
    channel: str = "evaluator"

    @classmethod
    def from_body(cls, body: dict) -> "EvaluateTicket":
        grade = parse_grade(body.get("grade"))
        comment = body.get("comment")
        if comment is not None and (not isinstance(comment, str) or len(comment) > MAX_COMMENT):
            raise invalid_request("comment must be a string of at most 500 characters")
        channel = body.get("channel", "evaluator")
        if channel not in EVALUATION_CHANNELS:
            raise invalid_request(f"channel must be one of: {', '.join(EVALUATION_CHANNELS)}")
        return cls(grade, comment, channel)


@dataclass(frozen=True)
class SignIn:
    """A staff member takes a window; ``take_over`` signs out whoever holds it."""

    take_over: bool = False

    @classmethod
    def from_body(cls, body: dict) -> "SignIn":
        take_over = body.get("take_over", False)
        if not isinstance(take_over, bool):
            raise invalid_request("take_over must be true or false")
        return cls(take_over)


@dataclass(frozen=True)
class PauseWindow:
    """暂停服务, with an optional reason shown to the manager."""

    reason: str | None = None

    @classmethod
    def from_body(cls, body: dict) -> "PauseWindow":
        reason = body.get("reason")
        if reason is not None and (not isinstance(reason, str) or len(reason) > 200):
            raise invalid_request("reason must be a string of at most 200 characters")
        return cls(reason)


def note(body: dict, name: str, required: bool = True) -> str | None:
    """A manager's text field: non-empty, at most ``MAX_NOTE`` characters, stripped."""
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_NOTE:
        raise invalid_request(f"{name} must be a non-empty text of at most {MAX_NOTE} characters")
    return value.strip()


@dataclass(frozen=True)
class RecordCallback:
    """回访核实: what the call-back to the citizen learnt."""

    note: str

    @classmethod
    def from_body(cls, body: dict) -> "RecordCallback":
        return cls(note(body, "note"))


@dataclass(frozen=True)
class CloseCase:
    """A follow-up case closes with an outcome; ``fix_by_date`` also names the measure, who is
    responsible and the date (not in the hall's past: checked by the service)."""

    outcome: str
    note: str
    fix_by: date | None = None
    measure: str | None = None
    responsible: str = ""

    @classmethod
    def from_body(cls, body: dict) -> "CloseCase":
        outcome = body.get("outcome")
        if outcome not in CASE_OUTCOMES:
            raise invalid_request("outcome must be one of: " + ", ".join(CASE_OUTCOMES))
        text = note(body, "note")
        if outcome != "fix_by_date":
            return cls(outcome, text)
        due, measure = _fix_by(body.get("fix_by")), note(body, "measure")
        responsible = body.get("responsible") or ""
        if not isinstance(responsible, str) or len(responsible) > MAX_RESPONSIBLE:
            raise invalid_request("responsible must be a name of at most 100 characters")
        return cls(outcome, text, due, measure, responsible)


def _fix_by(value) -> date:
    try:
        day = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None:
        raise invalid_request("fix_by must be a date (YYYY-MM-DD) for outcome fix_by_date")
    return day


def _ticket_id(value, message: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid_request(message)
    return value


@dataclass(frozen=True)
class HoldTicket:
    """挂起 the current ticket; ``ticket``, when given, must be the current one."""

    ticket: int | None = None

    @classmethod
    def from_body(cls, body: dict) -> "HoldTicket":
        value = body.get("ticket")
        return cls(None if value is None else _ticket_id(value, "ticket must be a ticket id"))


@dataclass(frozen=True)
class UnholdTicket:
    """Bring a ticket the window holds back as its called ticket."""

    ticket: int

    @classmethod
    def from_body(cls, body: dict) -> "UnholdTicket":
        return cls(_ticket_id(body.get("ticket"), "ticket must be a ticket id"))


@dataclass(frozen=True)
class UndoNoShow:
    """Take the window's latest 过号 back; ``ticket``, when given, must be that one."""

    ticket: int | None = None

    @classmethod
    def from_body(cls, body: dict) -> "UndoNoShow":
        value = body.get("ticket")
        return cls(None if value is None else
                   _ticket_id(value, "ticket must be the no-show ticket's id"))


# call-next's optional body: {"finish": <ticket id or null>} names the ticket the clerk means
# to end (the one their page shows), {"confirm": true} ends whatever is current. Without either
# key the contract's behaviour stays: the current ticket is finished first, whichever it is.
ANY_CURRENT = object()
TICKET_NUMBER = re.compile(r"^[A-Z]{1,2}[0-9]{3,6}$")


def parse_finish(body: dict):
    """The ticket id (or None) the request expects to be current; ``ANY_CURRENT`` for no check."""
    confirm = body.get("confirm")
    if confirm is not None and not isinstance(confirm, bool):
        raise invalid_request("confirm must be true or false")
    if confirm or "finish" not in body:
        return ANY_CURRENT
    expected = body["finish"]
    if expected is not None and (isinstance(expected, bool) or not isinstance(expected, int)):
        raise invalid_request("finish must be the current ticket's id, or null")
    return expected


@dataclass(frozen=True)
class CallNext:
    """叫号: call the next ticket, first finishing the current one; ``expected``: the ticket id
    (or None: no ticket) the clerk's page shows as current, or ``ANY_CURRENT`` for no check."""

    expected: object = ANY_CURRENT

    @classmethod
    def from_body(cls, body: dict) -> "CallNext":
        return cls(parse_finish(body))


@dataclass(frozen=True)
class CallNumber:
    """选呼/特呼: call one waiting number; ``expected`` as in ``CallNext``, except that with
    neither ``finish`` nor ``confirm`` the window must be free (None)."""

    number: str
    expected: object = None

    @classmethod
    def from_body(cls, body: dict) -> "CallNumber":
        value = body.get("number")
        if not isinstance(value, str) or not TICKET_NUMBER.match(value.strip().upper()):
            raise invalid_request("number must be a ticket number such as \"A012\"")
        expected = parse_finish(body)
        if expected is ANY_CURRENT and body.get("confirm") is not True:
            expected = None  # a new call: with neither key the window must be free
        return cls(value.strip().upper(), expected)


MOBILE = re.compile(r"1[3-9]\d{9}")


def parse_phone(value) -> str:
    """A mainland mobile number, spaces and dashes allowed; 400 ``invalid_phone`` otherwise."""
    digits = re.sub(r"[\s-]", "", value) if isinstance(value, str) else ""
    if not MOBILE.fullmatch(digits):
        raise DomainError("invalid_phone", "phone must be a mainland mobile number "
                          "(11 digits starting 13-19)")
    return digits


@dataclass(frozen=True)
class AmendEvaluation:
    """Reasons/comment and the call-back phone added to a rating just taken. ``set_comment``:
    the body named a comment (an empty one clears it)."""

    comment: str | None = None
    set_comment: bool = False
    phone: str | None = None

    @classmethod
    def from_body(cls, body: dict) -> "AmendEvaluation":
        if not {"comment", "phone"} & body.keys():
            raise invalid_request("give comment and/or phone")
        comment = body.get("comment")
        if comment is not None and (not isinstance(comment, str) or len(comment) > MAX_COMMENT):
            raise invalid_request(f"comment must be a string of at most {MAX_COMMENT} characters")
        comment = comment.strip() or None if comment is not None else None
        phone = parse_phone(body.get("phone")) if body.get("phone") else None
        return cls(comment, "comment" in body, phone)


PRINT_FAULTS = ("paper_out", "offline", "unknown", "error")  # and "expired", set by the server


@dataclass(frozen=True)
class PrintResult:
    """A kiosk agent's answer for a print job (the ``print_result`` event): printed, or failed
    with a fault (an unknown fault counts as "error")."""

    job: int
    ok: bool
    fault: str | None = None

    @classmethod
    def from_body(cls, body) -> "PrintResult":
        if not isinstance(body, dict):
            raise invalid_request("a print result is an object {job, ok, fault?}")
        job, ok, fault = body.get("job"), body.get("ok"), body.get("fault")
        if isinstance(job, bool) or not isinstance(job, int) or not isinstance(ok, bool):
            raise invalid_request("job must be a job id and ok true or false")
        if ok:
            return cls(job, True)
        return cls(job, False, fault if fault in PRINT_FAULTS else "error")


@dataclass(frozen=True)
class AcknowledgeAlert:
    """A manager has seen an alert and says what was done."""

    note: str

    @classmethod
    def from_body(cls, body: dict) -> "AcknowledgeAlert":
        value = body.get("note")
        if not isinstance(value, str) or not value.strip() or len(value) > 500:
            raise invalid_request("note must be a non-empty string of at most 500 characters")
        return cls(value.strip())
