"""The blacklist (黑名单) against ticket touts: kept as keyed hashes of ID numbers only."""

from datetime import timedelta

from sqlalchemy import insert

from queue_server.domain.errors import invalid_request
from queue_server.domain.idnumber import id_number_hash, mask_id_number, validate_id_number
from queue_server.storage.models import blacklist


def add_to_blacklist(ctx, id_number: str, reason: str, hall_id: int | None, days: int | None) -> str:
    """Bar a person from taking tickets; returns the masked number for the operator to check."""
    number = validate_id_number(id_number)
    if not reason.strip():
        raise invalid_request("give a reason")
    if days is not None and days < 1:
        raise invalid_request("days must be 1 or more")
    now = ctx.clock()
    with ctx.db.write() as conn:
        conn.execute(insert(blacklist).values(
            hall_id=hall_id, id_hash=id_number_hash(number, ctx.id_hash_key),
            id_masked=mask_id_number(number), reason=reason.strip(),
            until=now + timedelta(days=days) if days else None, created_at=now,
        ))
    return mask_id_number(number)
