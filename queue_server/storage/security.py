"""Queries of the security tables (migration 0010): card-read references, login failures, the
audit log and the ID-hash key's fingerprint; and the forgetting of ID hashes.

Every function takes an open connection; the caller owns the transaction.
"""

from datetime import timedelta

from sqlalchemy import String, and_, cast, delete, func, insert, null, or_, select, update

from queue_server.storage.booking_models import bookings
from queue_server.storage.case_models import cases
from queue_server.storage.models import blacklist, devices, tickets
from queue_server.storage.security_models import audit_log, card_reads, key_checks, login_failures

# ---- card reads ----------------------------------------------------------------------------


def device_hall_id(conn, device_id: int) -> int | None:
    return conn.execute(select(devices.c.hall_id).where(devices.c.id == device_id)).scalar()


def keep_card_read(conn, values: dict, now) -> None:
    """Store a card read (ref_hash, device_id, id_hash, id_last4, expires_at), dropping the
    expired ones on the way."""
    conn.execute(delete(card_reads).where(card_reads.c.expires_at < now))
    conn.execute(insert(card_reads).values(**values))


def card_read(conn, ref_hash: str):
    """The card read behind a reference's hash (a mapping), or None."""
    return conn.execute(select(card_reads).where(card_reads.c.ref_hash == ref_hash)
                        ).mappings().first()


# ---- login failures ------------------------------------------------------------------------

def locked_until(conn, username: str):
    return conn.execute(select(login_failures.c.locked_until)
                        .where(login_failures.c.username == username)).scalar()


def login_failure(conn, username: str):
    """A name's failure record (failures, first_at, locked_until), or None."""
    return conn.execute(select(login_failures).where(login_failures.c.username == username)
                        ).mappings().first()


def save_login_failures(conn, username: str, failures: int, first_at, new: bool) -> None:
    if new:
        conn.execute(insert(login_failures).values(username=username, failures=failures,
                                                   first_at=first_at))
    else:
        conn.execute(update(login_failures).where(login_failures.c.username == username)
                     .values(failures=failures, first_at=first_at))


def lock_login(conn, username: str, until) -> None:
    conn.execute(update(login_failures).where(login_failures.c.username == username)
                 .values(locked_until=until))


def forget_login_failures(conn, username: str) -> None:
    conn.execute(delete(login_failures).where(login_failures.c.username == username))


# ---- the audit log -------------------------------------------------------------------------

def add_audit_entry(conn, values: dict) -> None:
    conn.execute(insert(audit_log).values(**values))


def audit_entries(conn, low, high, limit: int) -> list:
    """Audit entries in ``[low, high)``, oldest first, at most ``limit`` (mappings)."""
    return conn.execute(select(audit_log).where(audit_log.c.at >= low, audit_log.c.at < high)
                        .order_by(audit_log.c.at, audit_log.c.id).limit(limit)
                        ).mappings().all()


# ---- ID hashes and their key ---------------------------------------------------------------

def purge_ended_id_hashes(conn, cutoff, active_statuses) -> int:
    """Forget the ID hashes of tickets that ended before ``cutoff`` (a ticket left waiting on
    a past day ended with that day); how many."""
    ended = tickets.c.status.not_in(active_statuses)
    return conn.execute(update(tickets).where(
        tickets.c.id_hash.is_not(None),
        or_(and_(ended, func.coalesce(tickets.c.finished_at, tickets.c.issued_at) < cutoff),
            tickets.c.issued_at < cutoff - timedelta(days=1)),
    ).values(id_hash=None)).rowcount


def _case_hashed():
    # suffix_hashes is JSON: a Python None went in as JSON 'null', not SQL NULL.
    kept = and_(cases.c.suffix_hashes.is_not(None),
                cast(cases.c.suffix_hashes, String) != "null")
    return or_(cases.c.id_hash.is_not(None), kept)


def purge_closed_case_hashes(conn, cutoff) -> int:
    """Forget the ID hash and the lookup hashes of cases closed before ``cutoff`` (a case
    copies its ticket's hash, which must not outlive the ticket's purge); how many."""
    return conn.execute(update(cases).where(
        _case_hashed(), cases.c.finished_at.is_not(None), cases.c.finished_at < cutoff,
    ).values(id_hash=None, suffix_hashes=null())).rowcount


def _keyed_rows():
    """One query per table for rows holding something made with the ID-hash key."""
    return (select(tickets.c.id).where(tickets.c.id_hash.is_not(None)),
            select(blacklist.c.id),
            select(bookings.c.id).where(or_(bookings.c.id_hash.is_not(None),
                                            bookings.c.id_check != "")),
            select(cases.c.id).where(_case_hashed()),
            select(card_reads.c.ref_hash))


def id_hashes_exist(conn) -> bool:
    """Whether any ticket, blacklist entry, booking, case or card read holds a keyed hash."""
    return any(conn.execute(query.limit(1)).first() for query in _keyed_rows())


def key_fingerprint(conn, name: str) -> str | None:
    return conn.execute(select(key_checks.c.fingerprint)
                        .where(key_checks.c.name == name)).scalar()


def save_key_fingerprint(conn, name: str, fingerprint: str, now, new: bool) -> None:
    if new:
        conn.execute(insert(key_checks).values(name=name, fingerprint=fingerprint,
                                               created_at=now))
    else:
        conn.execute(update(key_checks).where(key_checks.c.name == name)
                     .values(fingerprint=fingerprint, created_at=now))


def forget_all_id_hashes(conn, key_name: str) -> dict:
    """Drop everything made with the ID-hash key: tickets' ID hashes, every blacklist entry,
    bookings' ID hashes and code checks (``id_check`` becomes ``""``, which matches nothing),
    cases' ID and lookup hashes, pending card reads; and the key's fingerprint. How many of
    each."""
    counts = {
        "tickets": conn.execute(update(tickets).where(tickets.c.id_hash.is_not(None))
                                .values(id_hash=None)).rowcount,
        "blacklist": conn.execute(delete(blacklist)).rowcount,
        "bookings": conn.execute(update(bookings).where(
            or_(bookings.c.id_hash.is_not(None), bookings.c.id_check != ""))
            .values(id_hash=None, id_check="")).rowcount,
        "cases": conn.execute(update(cases).where(_case_hashed())
                              .values(id_hash=None, suffix_hashes=null())).rowcount,
        "card_reads": conn.execute(delete(card_reads)).rowcount,
    }
    conn.execute(delete(key_checks).where(key_checks.c.name == key_name))
    return counts


# ---- the blacklist -------------------------------------------------------------------------

def add_blacklist_entry(conn, values: dict) -> None:
    """Insert an entry (hall_id, id_hash, id_last4, reason, until, created_at)."""
    conn.execute(insert(blacklist).values(**values))


def remove_blacklist_entries(conn, entry_id: int | None = None, id_hash: str | None = None,
                             hall_id: int | None = None) -> int:
    """Delete one entry by id, or a person's entries (in one hall, or everywhere); how many."""
    stmt = delete(blacklist)
    if entry_id is not None:
        stmt = stmt.where(blacklist.c.id == entry_id)
    else:
        stmt = stmt.where(blacklist.c.id_hash == id_hash)
        if hall_id is not None:
            stmt = stmt.where(blacklist.c.hall_id == hall_id)
    return conn.execute(stmt).rowcount


def blacklist_entries(conn) -> list:
    return conn.execute(select(blacklist).order_by(blacklist.c.id)).mappings().all()
