"""窗口送达: a citizen looks a case up on the phone page by its 受理编号 and the last four
characters of the ID number or phone given at acceptance. A wrong suffix answers exactly like
an unknown number (404 ``unknown_case``), so the query reveals nothing; the endpoint is rate
limited per client address (``api/limits.py``). Only keyed hashes of (number, suffix) are kept.
"""

import hashlib
import hmac

from queue_server.domain import cases as rules
from queue_server.domain.errors import invalid_request, not_found
from queue_server.storage import cases as stored

SUFFIX_LEN = 4


def suffix_hash(key: bytes, number: str, suffix: str) -> str:
    message = f"{number}:{suffix.upper()}".encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def suffix_hashes(key: bytes, number: str, id_number, phone) -> list | None:
    """What acceptance keeps for the query: the ID number's and the phone's last four."""
    found = [suffix_hash(key, number, value.strip()[-SUFFIX_LEN:])
             for value in (id_number, phone) if isinstance(value, str) and value.strip()]
    return found or None


def lookup(ctx, hall_code: str, args) -> dict:
    hall = ctx.halls.get(hall_code)
    number, suffix = args.get("number", ""), args.get("suffix", "")
    if not 0 < len(number) <= 20 or len(suffix) != SUFFIX_LEN or not suffix.isalnum():
        raise invalid_request("give the case number and the last 4 characters of the ID "
                              "number or phone")
    with ctx.db.read() as conn:
        row = stored.by_number(conn, hall.id, number)
    wanted = suffix_hash(ctx.id_hash_key, number, suffix)
    if row is None or not any(hmac.compare_digest(wanted, h) for h in row["suffix_hashes"] or []):
        raise not_found("unknown_case", "no case with this number and suffix")
    window = hall.window_by_id(row["window_id"])
    return {"number": row["number"], "matter_name": row["matter_name"],
            "state": row["state"], "state_name": rules.STATES[row["state"]],
            "promised_on": None if row["promised_on"] is None else row["promised_on"].isoformat(),
            "done": row["state"] == rules.DONE,
            "name": row["name_masked"], "phone": row["phone_masked"],
            "collect_at": window.name if window and row["state"] == rules.DONE else None,
            "collect_window": window.number if window and row["state"] == rules.DONE else None}
