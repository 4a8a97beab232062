"""The HTTP status of every domain error code, in one place.

Services and the domain raise ``DomainError(code, message, **details)`` and say nothing of
HTTP; this table is where a code becomes a status (Socket.IO refusals carry the same codes).
A code missing here answers ``DEFAULT_STATUS``: a refusal of the current state, like the
contract's other 409s. ``tests/api/test_error_codes.py`` checks that every code raised in the
source is listed.
"""

DEFAULT_STATUS = 409

STATUS_BY_CODE = {
    # 400: the request itself is wrong
    "invalid_request": 400, "invalid_id_number": 400, "invalid_card_ref": 400,
    "invalid_phone": 400, "id_required": 400, "card_required": 400,
    # 401 / 403: who is asking
    "unauthenticated": 401, "invalid_credentials": 401,
    "forbidden": 403, "blacklisted": 403, "priority_not_offered": 403, "wrong_window": 403,
    # 404: no such thing
    "unknown_alert": 404, "unknown_case": 404, "unknown_device": 404, "unknown_hall": 404,
    "unknown_job": 404, "unknown_matter": 404, "unknown_photo": 404, "unknown_service": 404,
    "unknown_ticket": 404, "unknown_user": 404, "unknown_window": 404, "no_phone": 404,
    "not_blacklisted": 404, "not_called": 404, "not_evaluated": 404, "queue_empty": 404,
    "unknown_booking": 404, "unknown_slot": 404,
    # 409: the current state refuses it
    "already_acknowledged": 409, "already_booked": 409, "booking_blocked": 409,
    "case_not_ready": 409, "no_pickup_window": 409,
    "booking_late": 409, "booking_not_active": 409, "booking_not_offered": 409,
    "bookings_would_drop": 409, "day_not_bookable": 409, "slot_full": 409, "too_early": 409,
    "already_evaluated": 409, "already_waiting": 409,
    "amend_window_closed": 409, "callback_required": 409, "case_closed": 409,
    "current_ticket_changed": 409, "device_exists": 409, "evaluation_closed": 409,
    "held_elsewhere": 409, "invalid_state": 409, "no_current_ticket": 409,
    "not_cancellable": 409, "not_served_here": 409, "not_signed_in": 409,
    "quota_exhausted": 409, "recall_limit": 409, "service_closed": 409,
    "signed_in_elsewhere": 409, "staff_no_taken": 409, "ticket_not_finished": 409,
    "ticket_not_held": 409, "ticket_not_waiting": 409, "undo_expired": 409, "user_exists": 409,
    "window_busy": 409, "window_occupied": 409, "window_paused": 409,
    # 429: too often
    "rate_limited": 429, "too_many_attempts": 429,
    # 503: try again shortly
    "busy": 503, "database_unavailable": 503, "speech_unavailable": 503,
}


def status_for(code: str) -> int:
    """The HTTP status a domain error code answers with."""
    return STATUS_BY_CODE.get(code, DEFAULT_STATUS)
