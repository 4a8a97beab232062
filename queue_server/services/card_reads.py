"""Card swipes kept between the kiosk agent and the server (issue 16, item 4).

The agent sends the full ID number it read; the server validates it, keeps only its keyed hash
and last 4 characters under a random reference, and hands the kiosk page that reference and a
display mask. The page issues the ticket with ``card_ref``: the full number never reaches the
browser. A reference is usable only by the kiosk that read the card, for ``card_ref_ttl_s``.
"""

import hashlib
import secrets
from datetime import timedelta

from queue_server.domain.errors import DomainError, invalid_request
from queue_server.domain.idnumber import id_number_hash, validate_id_number
from queue_server.domain.numbering import local_day
from queue_server.storage import security as stored


def _digest(ref: str) -> str:
    return hashlib.sha256(ref.encode()).hexdigest()


def display_mask(last4: str) -> str:
    return "*" * 14 + last4


def keep_swipe(ctx, device_id: int, id_number: str) -> dict:
    """Store a swipe; returns ``{ref, masked}`` for the kiosk page. Raises
    ``invalid_id_number`` for a number that is not one."""
    now = ctx.clock()
    with ctx.db.read() as conn:
        hall_id = stored.device_hall_id(conn, device_id)
    hall = ctx.halls.by_id(hall_id)
    number = validate_id_number(id_number, today=local_day(now, hall.timezone))
    ref = secrets.token_urlsafe(24)
    with ctx.db.write() as conn:
        stored.keep_card_read(conn, dict(
            ref_hash=_digest(ref), device_id=device_id,
            id_hash=id_number_hash(number, ctx.id_hash_key), id_last4=number[-4:],
            expires_at=now + timedelta(seconds=ctx.settings.card_ref_ttl_s)), now)
    return {"ref": ref, "masked": display_mask(number[-4:])}


def redeem(ctx, principal, ref) -> str:
    """The ID hash behind a card reference of this kiosk; refuses an unknown, expired or other
    kiosk's reference with ``invalid_card_ref`` (400)."""
    if not isinstance(ref, str) or not 16 <= len(ref) <= 64:
        raise invalid_request("card_ref must be the reference of a card read")
    with ctx.db.read() as conn:
        row = stored.card_read(conn, _digest(ref))
    if (row is None or row["expires_at"] <= ctx.clock()
            or principal.device_id is None or row["device_id"] != principal.device_id):
        raise DomainError("invalid_card_ref", "the card read has expired: swipe the card again")
    return row["id_hash"]
