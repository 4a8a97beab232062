"""Kiosk agent presence and printer status (migration 0012), shared by every server process.

A kiosk page may be served by another process than its agent's socket (two processes behind a
load balancer), so neither lives in a process's memory:

- ``kiosk_agents``: one row per connected agent socket, written when it connects and deleted
  when it disconnects. ``process`` is the serving process; each process refreshes ``seen_at``
  of all its rows in one statement every few seconds (``refresh``), never per heartbeat. A
  process that dies stops refreshing: its rows are stale after the expiry and are swept
  (``expire``), so its agents read as offline.
- ``kiosk_printers``: the last status an agent reported for its kiosk's printer, kept across
  reconnects, rewritten only when it changes.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String, delete, exists, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from queue_server.storage.models import Base
from queue_server.storage.types import Timestamp


class KioskAgent(Base):
    __tablename__ = "kiosk_agents"
    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    process: Mapped[str] = mapped_column(String(80), index=True)
    seen_at = mapped_column(Timestamp, nullable=False)


class KioskPrinter(Base):
    __tablename__ = "kiosk_printers"
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(String(200))
    changed_at = mapped_column(Timestamp, nullable=False)


kiosk_agents = KioskAgent.__table__
kiosk_printers = KioskPrinter.__table__


def add_agent(conn, sid: str, device_id: int, process: str, now: datetime) -> None:
    conn.execute(insert(kiosk_agents).values(sid=sid, device_id=device_id, process=process,
                                             seen_at=now))


def remove_agent(conn, sid: str) -> int | None:
    """Delete the agent socket's row; its device, or None when it had none (already swept)."""
    device = conn.execute(select(kiosk_agents.c.device_id)
                          .where(kiosk_agents.c.sid == sid)).scalar()
    if device is not None:
        conn.execute(delete(kiosk_agents).where(kiosk_agents.c.sid == sid))
    return device


def agent_online(conn, device_id: int, fresh_since: datetime) -> bool:
    return conn.execute(select(exists().where(kiosk_agents.c.device_id == device_id,
                                              kiosk_agents.c.seen_at >= fresh_since))).scalar()


def refresh(conn, process: str, now: datetime) -> None:
    conn.execute(update(kiosk_agents).where(kiosk_agents.c.process == process)
                 .values(seen_at=now))


def expire(conn, stale_before: datetime) -> set[int]:
    """Delete the rows of processes that stopped refreshing; the devices they named."""
    stale = kiosk_agents.c.seen_at < stale_before
    devices = set(conn.execute(select(kiosk_agents.c.device_id).where(stale)).scalars())
    if devices:
        conn.execute(delete(kiosk_agents).where(stale))
    return devices


def printer(conn, device_id: int) -> dict | None:
    row = conn.execute(select(kiosk_printers.c.status, kiosk_printers.c.detail)
                       .where(kiosk_printers.c.device_id == device_id)).first()
    return None if row is None else {"status": row.status, "detail": row.detail}


def save_printer(conn, device_id: int, status: str, detail: str, now: datetime) -> None:
    values = {"status": status, "detail": detail, "changed_at": now}
    if conn.execute(update(kiosk_printers).where(kiosk_printers.c.device_id == device_id)
                    .values(**values)).rowcount == 0:
        conn.execute(insert(kiosk_printers).values(device_id=device_id, **values))
