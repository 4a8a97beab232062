"""The blacklist (黑名单) against ticket touts: kept as keyed hashes of ID numbers only.

Entries carry no more of the number than its last 4 characters, for an operator to tell
entries apart; an entry is lifted by the number itself (hashed again) or by its id.
"""

from datetime import timedelta

from queue_server.domain.errors import DomainError, invalid_request
from queue_server.domain.idnumber import id_number_hash, validate_id_number
from queue_server.storage import security as stored


def last4(number: str) -> str:
    return number[-4:]


def add_to_blacklist(ctx, id_number: str, reason: str, hall_id: int | None, days: int | None) -> str:
    """Bar a person from taking tickets; returns the last 4 characters for the operator."""
    number = validate_id_number(id_number)
    if not reason.strip():
        raise invalid_request("give a reason")
    if days is not None and days < 1:
        raise invalid_request("days must be 1 or more")
    now = ctx.clock()
    with ctx.db.write() as conn:
        stored.add_blacklist_entry(conn, dict(
            hall_id=hall_id, id_hash=id_number_hash(number, ctx.id_hash_key),
            id_last4=last4(number), reason=reason.strip(),
            until=now + timedelta(days=days) if days else None, created_at=now,
        ))
    return "*" * 14 + last4(number)


def remove_from_blacklist(ctx, id_number: str | None = None, entry_id: int | None = None,
                          hall_id: int | None = None) -> int:
    """Lift the entries of one person (in one hall, or everywhere) or one entry by id."""
    if (id_number is None) == (entry_id is None):
        raise invalid_request("give the ID number or the entry id")
    id_hash = None
    if entry_id is None:
        id_hash = id_number_hash(validate_id_number(id_number), ctx.id_hash_key)
    with ctx.db.write() as conn:
        removed = stored.remove_blacklist_entries(conn, entry_id, id_hash, hall_id)
    if not removed:
        raise DomainError("not_blacklisted", "no such blacklist entry")
    return removed


def list_blacklist(ctx) -> list[dict]:
    with ctx.db.read() as conn:
        rows = stored.blacklist_entries(conn)
    return [{"id": r["id"], "hall_id": r["hall_id"], "last4": r["id_last4"],
             "reason": r["reason"], "until": r["until"].isoformat() if r["until"] else None}
            for r in rows]
