"""The security tables (migration 0010), on the same metadata as ``models``.

- ``key_checks``: a fingerprint of the ID-hash key, so a server started with another key under
  existing data stops instead of silently matching nobody.
- ``login_failures``: failed sign-ins per user name, and how long the name is locked.
- ``card_reads``: a card swipe kept between the kiosk agent and the server: the page only ever
  sees an opaque short-lived reference (stored here as its SHA-256) and the last 4 characters.
- ``audit_log``: who did what, when and from where (admin actions, views of personal data).
"""

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from queue_server.storage.models import Base
from queue_server.storage.types import Timestamp


class KeyCheck(Base):
    __tablename__ = "key_checks"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at = mapped_column(Timestamp, nullable=False)


class LoginFailure(Base):
    __tablename__ = "login_failures"
    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_at = mapped_column(Timestamp, nullable=False)
    locked_until = mapped_column(Timestamp, nullable=True)


class CardRead(Base):
    __tablename__ = "card_reads"
    ref_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    id_hash: Mapped[str] = mapped_column(String(64))
    id_last4: Mapped[str] = mapped_column(String(4))
    expires_at = mapped_column(Timestamp, nullable=False)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at = mapped_column(Timestamp, nullable=False)
    actor: Mapped[str] = mapped_column(String(120))  # "user:3 admin1", "cli", "device:4 k1"
    action: Mapped[str] = mapped_column(String(60))  # "user.disable", "export.evaluations"
    target: Mapped[str] = mapped_column(String(200), default="")
    hall_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    address: Mapped[str] = mapped_column(String(64), default="")  # IP, or "cli:<login>"
    detail: Mapped[dict | None] = mapped_column(JSON, nullable=True)


key_checks = KeyCheck.__table__
login_failures = LoginFailure.__table__
card_reads = CardRead.__table__
audit_log = AuditEntry.__table__
