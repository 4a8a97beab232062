"""窗口送达 at the kiosk: a 取件 (pickup) ticket for a case that is done, by its 受理编号 typed
on the keypad or by a swiped ID card (``card_ref``, the kiosk's short-lived card reference).

The ticket goes to the window that accepted the case and holds the result, ahead of ordinary
tickets, through the mechanism a transfer to one window already uses: ``target_window_id``
(``domain/calling`` rule 2, "transferred to this window"). It belongs to that window's first
service, numbered as usual. An open case answers ``case_not_ready`` (409) with its promised day;
an unknown number ``unknown_case`` (404).
"""

import secrets

from queue_server.domain import cases as rules
from queue_server.domain.errors import DomainError, invalid_request, not_found
from queue_server.domain.numbering import format_ticket_number, local_day
from queue_server.services import card_reads, printing
from queue_server.services.accounts import require_ticket_issuer
from queue_server.services.context import Event
from queue_server.services.tickets import _view as ticket_view
from queue_server.storage import cases as stored
from queue_server.storage import tickets as stored_tickets

NUMBER_MAX = 20


def pickup(ctx, principal, hall_code: str, body: dict) -> dict:
    hall = ctx.halls.get(hall_code)
    require_ticket_issuer(principal, hall.id)
    number, card_ref = body.get("number"), body.get("card_ref")
    if (number is None) == (card_ref is None):
        raise invalid_request("give the case number or card_ref (one of them)")
    if card_ref is not None:
        id_hash = card_reads.redeem(ctx, principal, card_ref)
        with ctx.db.read() as conn:
            case = stored.latest_done_of_person(conn, hall.id, id_hash, rules.DONE)
        if case is None:
            raise not_found("unknown_case", "no case ready to collect for this ID card")
    else:
        if not isinstance(number, str) or not 0 < len(number.strip()) <= NUMBER_MAX:
            raise invalid_request("number must be a case number (受理编号)")
        with ctx.db.read() as conn:
            case = stored.by_number(conn, hall.id, number.strip())
        if case is None:
            raise not_found("unknown_case", "no case with this number")
    if case["state"] != rules.DONE:
        raise DomainError("case_not_ready", "the case is not done yet",
                          state=case["state"], promised_on=None if case["promised_on"] is None
                          else case["promised_on"].isoformat())
    window = hall.window_by_id(case["window_id"])
    if window is None or not window.service_ids:
        raise DomainError("no_pickup_window", "the window that holds the result takes no "
                          "tickets; please ask at the information desk")
    return _issue(ctx, principal, hall, window, case)


def _issue(ctx, principal, hall, window, case) -> dict:
    service = hall.service_by_id(window.service_ids[0])
    now = ctx.clock()
    day = local_day(now, hall.timezone)
    with ctx.db.write() as conn:
        seq = stored_tickets.bump_counter(conn, service.id, day)
        values = dict(
            hall_id=hall.id, service_id=service.id, original_service_id=service.id,
            number=format_ticket_number(service.code, seq), seq=seq, local_date=day,
            status="waiting", priority=False, issued_at=now, queued_at=now, recall_count=0,
            id_hash=case["id_hash"], track_token=secrets.token_urlsafe(16),
            device_id=principal.device_id, user_id=principal.user_id,
            target_window_id=window.id)
        ticket_id = stored_tickets.insert_ticket(conn, values)
        stored_tickets.add_event(conn, dict(
            ticket_id=ticket_id, hall_id=hall.id, kind="issued", at=now, service_id=service.id,
            window_id=window.id, user_id=principal.user_id, device_id=principal.device_id,
            data={"pickup": case["number"]}))
        job_id = printing.queue_job(conn, ticket_id, principal, now)
        row = dict(values, id=ticket_id, called_at=None, finished_at=None, window_id=None)
        view = ticket_view(ctx, conn, hall, row, newest=True)
        view["waiting_ahead"] = stored_tickets.targeted_ahead(conn, window.id, day, ticket_id)
    events = [Event("queue_changed", hall.code, {"service": service.code})]
    if job_id is not None:
        events.append(Event("print_ticket", hall.code, {
            "device": principal.device_id,
            "job": printing.payload_from_view(ctx, hall, job_id, view)}))
    ctx.publish(events)
    return dict(view, pickup={"case": case["number"], "matter_name": case["matter_name"],
                              "window": window.number, "window_name": window.name})
