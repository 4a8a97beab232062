"""Is a kiosk's agent connected, and what did its printer last report — true for every server
process (issue 14, item 5), kept in the database (storage/presence.py).

Writes happen on news only: an agent connects or disconnects, its printer's status or detail
changes. A printer status repeated by the agent's minutely heartbeat is a read. Each process
also refreshes its own agents' rows every ``REFRESH_S`` in one statement (``keep_alive``): a
row not refreshed for ``EXPIRY_S`` belongs to a process that died, reads as offline and is
deleted by the next process's ``keep_alive``.
"""

import os
import socket
import uuid
from datetime import timedelta

from queue_server.storage import presence as store

REFRESH_S = 15.0
EXPIRY_S = 4 * REFRESH_S  # a missed refresh or two (a busy process) is not a death
UNKNOWN_PRINTER = {"status": "unknown"}

_process: tuple[int, str] | None = None


def process_id() -> str:
    """This process, named afresh after a fork: host, pid and a random part (pids recur)."""
    global _process
    if _process is None or _process[0] != os.getpid():
        name = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
        _process = (os.getpid(), name)
    return _process[1]


def agent_connected(ctx, sid: str, device_id: int) -> None:
    with ctx.db.write() as conn:
        store.add_agent(conn, sid, device_id, process_id(), ctx.clock())


def agent_disconnected(ctx, sid: str) -> int | None:
    """Forget the agent socket; its device (None when it was already swept)."""
    with ctx.db.write() as conn:
        return store.remove_agent(conn, sid)


def kiosk_status(ctx, device_id: int) -> dict:
    """``kiosk_status`` {agent, printer}: an agent connected to any live process, and the
    printer's last reported status (``unknown`` before any report)."""
    fresh_since = ctx.clock() - timedelta(seconds=EXPIRY_S)
    with ctx.db.read() as conn:
        agent = store.agent_online(conn, device_id, fresh_since)
        printer = store.printer(conn, device_id)
    return {"agent": agent, "printer": printer or dict(UNKNOWN_PRINTER)}


def printer_reported(ctx, device_id: int, status: str, detail: str) -> str | None:
    """Keep the printer's status when it differs from the stored one; the status before."""
    with ctx.db.read() as conn:
        before = store.printer(conn, device_id)
    if before == {"status": status, "detail": detail}:
        return status
    with ctx.db.write() as conn:
        store.save_printer(conn, device_id, status, detail, ctx.clock())
    return None if before is None else before["status"]


def keep_alive(ctx) -> set[int]:
    """Refresh this process's agents and sweep those of dead processes; the kiosks whose
    agents were swept (their pages should hear of it)."""
    now = ctx.clock()
    with ctx.db.write() as conn:
        store.refresh(conn, process_id(), now)
        return store.expire(conn, now - timedelta(seconds=EXPIRY_S))
