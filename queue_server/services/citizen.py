"""What a citizen sees and does on their own: the phone page's extras and the rating's follow-up.

- ``track_view``: the tracking answer (``tickets.track``) plus the windows that serve the
  ticket's service and what each is doing now (``window_states``).
- ``cancel``: the citizen gives up a waiting ticket from the phone page (``POST
  /track/{token}/cancel``). Only a waiting ticket can be cancelled (409 ``not_cancellable``
  otherwise); cancelling twice answers the cancelled ticket again. A cancelled ticket leaves the
  queue, the screens and the waiting counts, and frees the one-waiting-ticket-per-person rule
  (the partial unique index covers waiting and called tickets only).
- ``amend_evaluation``: the grade is recorded on the tap; the reasons, the comment and the
  citizen's call-back phone are added to that same evaluation afterwards, by the same evaluator
  device, within ``AMEND_WINDOW_S``.

One window state, the same words everywhere: ``closed`` 未开放 (nobody signed in), ``paused``
暂停, ``waiting`` 等候叫号 (open, nobody at the counter), ``serving`` 办理中.
"""

from datetime import timedelta

from queue_server.domain import grades as grade_rules
from queue_server.domain.commands import AmendEvaluation
from queue_server.domain.errors import DomainError, invalid_request
from queue_server.domain.tickets import CANCELLED, WAITING
from queue_server.services import floor, followup, followup_phone, queues
from queue_server.services import tickets as ticket_service
from queue_server.services.accounts import forbidden, unauthenticated
from queue_server.services.context import Event
from queue_server.storage import evaluations as stored_evaluations
from queue_server.storage import tickets as stored

AMEND_WINDOW_S = 300  # reasons, comment and phone may follow the tap for this long


def window_states(conn, hall, now) -> dict[int, str]:
    """Every window of the hall by id, in the screens' one vocabulary (domain/windows.py):
    ``closed``, ``paused``, ``idle`` or ``serving``."""
    return {window.id: state for window, _row, state, _live in floor.window_rows(conn, hall, now)}


def track_view(ctx, token: str) -> dict:
    """The phone page's answer: the ticket, and the windows that serve its service now."""
    view = ticket_service.track(ctx, token)
    hall = ctx.halls.get(view["hall"])
    service = next((s for s in hall.services if s.code == view["service"]), None)
    serving = hall.windows_serving(service.id) if service else []
    with ctx.db.read() as conn:
        states = window_states(conn, hall, ctx.clock())
    view["hall_name_en"] = hall.name_en
    view["windows"] = [{"number": w.number, "name": w.name, "state": states.get(w.id, "closed"),
                        "open": states.get(w.id) in ("idle", "serving")} for w in serving]
    # The state of the window that called the ticket: a paused window's call is on no screen.
    called_at = hall.window(view["window"]) if isinstance(view.get("window"), int) else None
    view["window_state"] = states.get(called_at.id, "closed") if called_at else None
    return view


def cancel(ctx, token: str) -> dict:
    """Cancel the waiting ticket of this tracking token (the token is the holder's proof)."""
    if not isinstance(token, str) or not 10 <= len(token) <= 64:
        raise DomainError("unknown_ticket", "no such ticket")
    now = ctx.clock()
    with ctx.db.write() as conn:
        row = stored.by_track_token(conn, token)
        if row is None:
            raise DomainError("unknown_ticket", "no such ticket")
        already = row["status"] == CANCELLED  # idempotent: a second tap changes nothing
        if row["status"] not in (WAITING, CANCELLED):
            raise DomainError("not_cancellable", f"only a waiting ticket can be cancelled; this "
                              f"one is {row['status']}", ticket_status=row["status"])
        if not already:
            _cancel_row(conn, row, now)
    if already:
        return track_view(ctx, token)
    hall = ctx.halls.by_id(row["hall_id"])
    service = hall.service_by_id(row["service_id"])
    ctx.publish([Event("queue_changed", hall.code, {"service": service.code})])
    return track_view(ctx, token)


def _cancel_row(conn, row, now) -> None:
    # Guarded by the status: a call racing this cancel wins or loses as a whole.
    if not stored.update_if_status(conn, row["id"], WAITING, dict(
            status=CANCELLED, finished_at=now, target_window_id=None)):
        raise DomainError("not_cancellable", "the ticket was called meanwhile")
    stored.add_event(conn, dict(
        ticket_id=row["id"], hall_id=row["hall_id"], kind="cancelled", at=now,
        service_id=row["service_id"], window_id=None, user_id=None, device_id=None,
        data={"by": "citizen"}))


def amend_evaluation(ctx, principal, ticket_id: int, command: AmendEvaluation) -> dict:
    """Add reasons/comment and the call-back phone to the rating just recorded on the tap."""
    if principal is None:
        raise unauthenticated()
    if not principal.is_device("evaluator"):  # the caller before the body: nothing to learn
        raise forbidden("only the evaluator that took the rating may add to it")
    comment, phone = command.comment, command.phone
    now = ctx.clock()
    with ctx.db.write() as conn:
        row = stored_evaluations.of_ticket(conn, ticket_id)
        if row is None:
            raise DomainError("not_evaluated", "this ticket has not been rated yet")
        if not (principal.is_device("evaluator") and principal.device_id == row["device_id"]):
            raise forbidden("only the evaluator that took the rating may add to it")
        if now - row["created_at"] > timedelta(seconds=AMEND_WINDOW_S):
            raise DomainError("amend_window_closed", "a rating can be added to for "
                              f"{AMEND_WINDOW_S // 60} minutes only")
        if phone and not grade_rules.is_bad(row["grade"]):
            raise invalid_request("a phone number is taken for a bad review's call-back only")
        if command.set_comment:
            stored_evaluations.set_comment(conn, row["id"], comment)
        if phone:
            hall = ctx.halls.by_id(row["hall_id"])
            followup.sync_cases(conn, hall)  # the case exists from the first listing on
            followup_phone.store(conn, row["id"], phone)
    hall = ctx.halls.by_id(row["hall_id"])
    return {"id": row["id"], "ticket_id": ticket_id, "grade": row["grade"],
            "comment": comment if command.set_comment else row["comment"],
            "phone": followup_phone.mask(phone) if phone else None,
            "created_at": queues.local_iso(row["created_at"], hall)}
