"""The audit log: who did what, when and from where (issue 16).

Recorded: every administrative action (CLI commands that change users, devices, the blacklist,
the configuration or the keys; API actions of managers and admins such as acknowledging an
alert) and every view or export of personal data (follow-up cases with citizens' comments,
evaluation exports, reports naming staff, cases (办件) and their report, the audit log itself).
Readable and exportable by an admin: ``GET /api/v1/audit`` (JSON or CSV) and ``queue-server audit``.
"""

import csv
import getpass
import io
from datetime import datetime, time, timedelta, timezone

from queue_server.services import periods
from queue_server.services.accounts import forbidden, unauthenticated
from queue_server.storage import security as stored

COLUMNS = ("at", "actor", "action", "target", "hall_id", "address", "detail")
MAX_ROWS = 100_000


def actor_of(principal) -> str:
    if principal is None:
        return "anonymous"
    return f"{principal.key} {principal.name}".strip()[:120]


def cli_actor() -> tuple[str, str]:
    """The operator at the server's console: the system login is all we know."""
    try:
        login = getpass.getuser()
    except Exception:  # no login name (a container without a passwd entry)
        login = "unknown"
    return "cli", f"cli:{login}"[:64]


def record(ctx, actor: str, action: str, target: str = "", hall_id: int | None = None,
           address: str = "", detail: dict | None = None) -> None:
    with ctx.db.write() as conn:
        stored.add_audit_entry(conn, dict(
            at=ctx.clock(), actor=actor[:120], action=action[:60], target=target[:200],
            hall_id=hall_id, address=(address or "")[:64], detail=detail))


def record_cli(ctx, action: str, target: str = "", hall_id: int | None = None,
               detail: dict | None = None) -> None:
    actor, address = cli_actor()
    record(ctx, actor, action, target, hall_id, address, detail)


def entries(ctx, start_text=None, end_text=None) -> list[dict]:
    """The entries from ``from`` to ``to`` (UTC days, both included; default the last 7)."""
    today = ctx.clock().astimezone(timezone.utc).date()
    start = periods.parse_day(start_text, today - timedelta(days=6), "from")
    end = periods.parse_day(end_text, today, "to")
    start, end = periods.checked(start, end)
    low = datetime.combine(start, time.min, timezone.utc)
    high = datetime.combine(end + timedelta(days=1), time.min, timezone.utc)
    with ctx.db.read() as conn:
        rows = stored.audit_entries(conn, low, high, MAX_ROWS)
    return [dict({k: r[k] for k in COLUMNS}, at=r["at"].isoformat()) for r in rows]


def require_admin(principal) -> None:
    if principal is None:
        raise unauthenticated()
    if not principal.is_user("admin"):
        raise forbidden("only administrators read the audit log")


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(row[k]) for k in COLUMNS])
    return out.getvalue()


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet runs a cell that starts with = + - @ as a formula: keep it text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
