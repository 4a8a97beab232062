"""The citizen's call-back phone on a bad-review follow-up case (回访电话).

Optional, given on the evaluator's bad-review screen. Only a mainland mobile number is taken
(``1[3-9]`` and nine more digits). It is personal information: every list and export shows it
masked (``138****1234``); a manager sees it whole only by asking for it explicitly
(``GET /halls/{hall}/followups/{id}/phone``), and each such view is logged (who, which case,
never the number). Cases are never deleted, so the number is erased when its case closes: the
call-back it was for is done by then.
"""

import logging

from queue_server.domain.commands import parse_phone
from queue_server.domain.errors import DomainError, not_found
from queue_server.services.accounts import require_hall_manager
from queue_server.storage import followups as stored

log = logging.getLogger(__name__)
parse = parse_phone  # the check lives with the command that carries the number


def mask(phone: str | None) -> str | None:
    """``13812341234`` → ``138****1234``."""
    return None if not phone else phone[:3] + "****" + phone[-4:]


def store(conn, evaluation_id: int, phone: str) -> None:
    """Keep the number with the (open) case of this bad review."""
    if not stored.set_phone_of_review(conn, evaluation_id, phone):
        raise DomainError("case_closed", "the follow-up of this review is closed")


def purge(conn, case_id: int) -> None:
    """Erase the number (the case is closing)."""
    stored.update_case(conn, case_id, citizen_phone=None)


def reveal(ctx, principal, hall_code: str, case_id: int) -> dict:
    """The whole number, for the manager who is about to call back; the view is logged."""
    hall = ctx.halls.get(hall_code)
    require_hall_manager(principal, hall.id)
    with ctx.db.read() as conn:
        row = stored.case(conn, hall.id, case_id)
    if row is None:
        raise not_found("unknown_case", f"no follow-up case {case_id} in this hall")
    if row["citizen_phone"] is None:
        raise not_found("no_phone", "no phone number is kept for this case")
    log.info("personal data viewed: user %s saw the call-back phone of follow-up case %s "
             "(hall %s)", principal.id, case_id, hall.code)
    return {"case": case_id, "phone": row["citizen_phone"]}
