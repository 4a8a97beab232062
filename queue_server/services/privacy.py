"""Keeping personal data no longer than needed, and the ID-hash key honest.

- ``purge_id_hashes``: a ticket's ID hash is kept ``id_hash_retention_days`` after the ticket
  ended (one ticket per person needs it only while the ticket waits; the retention covers
  disputes), then set to NULL; so are a closed case's ID hash (copied from its ticket) and
  lookup hashes. Blacklist entries keep their own hashes.
- ``purge_bookings``: bookings are deleted ``booking_retention_days`` after their day.
- ``verify_id_hash_key``: the database keeps a fingerprint (an HMAC of a fixed text) of the
  ID-hash key it was filled with. A server started with another key under existing hashes
  stops with a clear message instead of silently matching nobody (blacklist, one ticket per
  person).
"""

import hashlib
import hmac
import logging
from datetime import timedelta

from queue_server.storage import security as stored

log = logging.getLogger(__name__)
KEY_CHECK_NAME = "id_hash_key"


class KeyMismatch(RuntimeError):
    pass


def purge_id_hashes(ctx, now=None) -> int:
    """Forget the ID hashes of tickets ended more than the retention ago; returns how many."""
    now = now or ctx.clock()
    cutoff = now - timedelta(days=ctx.settings.id_hash_retention_days)
    with ctx.db.write() as conn:
        purged = stored.purge_ended_id_hashes(conn, cutoff, ("waiting", "called"))
        cases = stored.purge_closed_case_hashes(conn, cutoff)
    if purged or cases:
        log.info("forgot the ID hashes of %d tickets and %d closed cases", purged, cases)
    return purged + cases


def purge_bookings(ctx, now=None) -> int:
    """Delete bookings (and their places' counts) whose day is more than
    ``booking_retention_days`` ago; returns how many bookings."""
    from queue_server.storage import bookings as stored_bookings

    now = now or ctx.clock()
    before = (now - timedelta(days=ctx.settings.booking_retention_days)).date()
    with ctx.db.write() as conn:
        purged = stored_bookings.delete_before(conn, before)
    if purged:
        log.info("deleted %d bookings past their retention", purged)
    return purged


def key_fingerprint(key: bytes) -> str:
    return hmac.new(key, b"hallq id-hash key check", hashlib.sha256).hexdigest()


def verify_id_hash_key(ctx) -> None:
    """Record the key's fingerprint, or check it against the recorded one (``KeyMismatch``)."""
    fingerprint = key_fingerprint(ctx.id_hash_key)
    with ctx.db.write() as conn:
        kept = stored.key_fingerprint(conn, KEY_CHECK_NAME)
        if kept == fingerprint:
            return
        if kept is not None and stored.id_hashes_exist(conn):
            raise KeyMismatch(
                "the ID-hash key differs from the one this database's ID hashes were made with "
                "(HALLQ_ID_HASH_KEY / HALLQ_ID_HASH_KEY_FILE / the key folder): with it, the "
                "blacklist and one-ticket-per-person would silently match nobody. Start with "
                "the old key, or see SECURITY.md 'Rotating keys'.")
        stored.save_key_fingerprint(conn, KEY_CHECK_NAME, fingerprint, ctx.clock(),
                                    new=kept is None)


def forget_all_id_hashes(ctx) -> dict:
    """Key rotation: drop everything keyed with the old key (tickets' ID hashes, every
    blacklist entry, bookings' and cases' hashes, pending card reads: none can be re-keyed
    without the numbers), then record the current key. Returns how many of each."""
    with ctx.db.write() as conn:
        counts = stored.forget_all_id_hashes(conn, KEY_CHECK_NAME)
    verify_id_hash_key(ctx)
    return counts
