"""The tables of a HallQ installation (one database serves many halls).

Tickets keep their current state; ``ticket_events`` is the append-only log of every change
(who, when, where), the base of every report. Times are UTC (see ``Timestamp``); a ticket's
``local_date`` is its day in the hall's time zone, which the daily counter is keyed on.

Groups of tables live in modules of their own on the same metadata (``session_models``,
``followup_models``, ``security_models``, ``network_models``), imported at the bottom so that
this module still names every table. The queries are in the other ``storage`` modules.
"""

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from queue_server.storage.types import Timestamp

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Hall(Base):
    __tablename__ = "halls"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(60), default="Asia/Shanghai")
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    # Added by migration 0007: the hall's name on English pages ("" = show the Chinese name).
    name_en: Mapped[str] = mapped_column(String(200), default="", server_default="")


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (UniqueConstraint("hall_id", "code", name="uq_services_hall_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    code: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    department: Mapped[str] = mapped_column(String(200), default="")
    hours: Mapped[list] = mapped_column(JSON, default=list)
    daily_quota: Mapped[int | None] = mapped_column(Integer, nullable=True)
    requires_id: Mapped[bool] = mapped_column(Boolean, default=False)
    # Added by migration 0010 (security): only a card-reader swipe, never a typed ID number.
    id_card_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    max_wait_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    max_service_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    warn_waiting: Mapped[int | None] = mapped_column(Integer, nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # 过号顺延 (migration 0006): a no-show goes back this many places (0 = off), at most
    # no_show_requeue_max times.
    no_show_requeue: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    no_show_requeue_max: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Added by migration 0007: the department's name on English pages.
    department_en: Mapped[str] = mapped_column(String(200), default="", server_default="")


class Window(Base):
    __tablename__ = "windows"
    __table_args__ = (UniqueConstraint("hall_id", "number", name="uq_windows_hall_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(10), default="open")  # open / paused / closed
    pause_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    state_changed_at = mapped_column(Timestamp, nullable=True)
    current_ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", use_alter=True), nullable=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class WindowService(Base):
    __tablename__ = "window_services"
    window_id: Mapped[int] = mapped_column(ForeignKey("windows.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class User(Base):
    __tablename__ = "users"
    # Added by migration 0005 (staff profile): a staff number (工号) is unique within a hall.
    __table_args__ = (Index("uq_users_hall_staff_no", "hall_id", "staff_no", unique=True),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10))  # staff / manager / admin
    hall_id: Mapped[int | None] = mapped_column(ForeignKey("halls.id"), nullable=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at = mapped_column(Timestamp, nullable=False)
    staff_no: Mapped[str | None] = mapped_column(String(20), nullable=True)  # 工号, "0123"


class UserPhoto(Base):
    """A staff member's photo for the window evaluator (migration 0005), kept apart from
    ``users`` so that signing in and token checks never read the image bytes.

    ``key`` is random and changes with every new photo: the photo's URL names it, so the URL
    cannot be guessed from a user id and may be cached for good.
    """

    __tablename__ = "user_photos"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    content_type: Mapped[str] = mapped_column(String(20))  # image/jpeg, image/png, image/webp
    data: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at = mapped_column(Timestamp, nullable=False)


class UserWindow(Base):
    __tablename__ = "user_windows"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    window_id: Mapped[int] = mapped_column(ForeignKey("windows.id"), primary_key=True)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(Timestamp, nullable=False)
    expires_at = mapped_column(Timestamp, nullable=False)


class Device(Base):
    __tablename__ = "devices"
    __table_args__ = (UniqueConstraint("hall_id", "name", name="uq_devices_hall_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(12))  # kiosk / display / led / evaluator / caller
    window_id: Mapped[int | None] = mapped_column(ForeignKey("windows.id"), nullable=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(Timestamp, nullable=False)
    revoked_at = mapped_column(Timestamp, nullable=True)
    last_seen_at = mapped_column(Timestamp, nullable=True)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        # Numbers belong to the service that issued them; a transfer keeps the number.
        UniqueConstraint("original_service_id", "local_date", "seq", name="uq_tickets_number"),
        # The call order: index seeks to the oldest waiting ticket of one service, day and
        # priority class; also counts the people waiting.
        Index("ix_tickets_queue", "service_id", "status", "local_date", "priority", "queued_at",
              "id"),
        Index("ix_tickets_target", "target_window_id", "status"),
        Index("ix_tickets_hall_issued", "hall_id", "issued_at"),
        # A window's latest finished tickets (0018): the rating on offer at its evaluator,
        # read for every call; by hall and issue time it read the whole day's tickets.
        Index("ix_tickets_window_finished", "window_id", "finished_at"),
        # One waiting (or called) ticket per person per service and day, enforced by the
        # database; an earlier day's ticket never blocks today's (migration 0008).
        Index(
            "uq_tickets_person_active",
            "service_id",
            "id_hash",
            "local_date",
            unique=True,
            sqlite_where=text("status IN ('waiting', 'called') AND id_hash IS NOT NULL"),
            postgresql_where=text("status IN ('waiting', 'called') AND id_hash IS NOT NULL"),
        ),
        # Migration 0010: the real-name tickets whose ID hash is still kept, for the purge and
        # the real-name issue limits.
        Index("ix_tickets_id_hash_issued", "hall_id", "issued_at",
              sqlite_where=text("id_hash IS NOT NULL"),
              postgresql_where=text("id_hash IS NOT NULL")),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    original_service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    number: Mapped[str] = mapped_column(String(12))
    seq: Mapped[int] = mapped_column(Integer)
    local_date = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(10))
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    issued_at = mapped_column(Timestamp, nullable=False)
    queued_at = mapped_column(Timestamp, nullable=False)  # place in time; kept on transfer
    called_at = mapped_column(Timestamp, nullable=True)  # latest call
    first_called_at = mapped_column(Timestamp, nullable=True)
    finished_at = mapped_column(Timestamp, nullable=True)
    window_id: Mapped[int | None] = mapped_column(ForeignKey("windows.id"), nullable=True)
    target_window_id: Mapped[int | None] = mapped_column(ForeignKey("windows.id"), nullable=True)
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    recall_count: Mapped[int] = mapped_column(Integer, default=0)
    requeued_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # 0006
    # Keyed hash of the ID number, purged id_hash_retention_days after the ticket ends (0010).
    id_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    track_token: Mapped[str] = mapped_column(String(32), unique=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), nullable=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # Migration 0014: checked in from a booking (预约), called ahead once its slot has begun.
    booked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class TicketEvent(Base):
    __tablename__ = "ticket_events"
    __table_args__ = (
        Index("ix_ticket_events_hall_at", "hall_id", "at"),
        Index("ix_ticket_events_ticket", "ticket_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    kind: Mapped[str] = mapped_column(String(20))
    at = mapped_column(Timestamp, nullable=False)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    window_id: Mapped[int | None] = mapped_column(ForeignKey("windows.id"), nullable=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), nullable=True)
    data: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class WindowEvent(Base):
    """Append-only log of window state changes (pause, resume), for pause-time reports."""

    __tablename__ = "window_events"
    __table_args__ = (Index("ix_window_events_window_at", "window_id", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    window_id: Mapped[int] = mapped_column(ForeignKey("windows.id"))
    kind: Mapped[str] = mapped_column(String(20))
    at = mapped_column(Timestamp, nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(200), nullable=True)


class Evaluation(Base):
    __tablename__ = "evaluations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    window_id: Mapped[int | None] = mapped_column(ForeignKey("windows.id"), nullable=True)
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), nullable=True)
    channel: Mapped[str] = mapped_column(String(20), default="evaluator")
    grade: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at = mapped_column(Timestamp, nullable=False)


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_hall_open", "hall_id", "cleared_at"),
        # One open alert per cause: supervisors in several processes insert with
        # ON CONFLICT DO NOTHING and only one of them raises it.
        Index("uq_alerts_open_subject", "hall_id", "kind", "subject", unique=True,
              sqlite_where=text("cleared_at IS NULL"),
              postgresql_where=text("cleared_at IS NULL")),
        Index("ix_alerts_hall_raised", "hall_id", "raised_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    kind: Mapped[str] = mapped_column(String(30))
    level: Mapped[str] = mapped_column(String(10), default="red")
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    window_id: Mapped[int | None] = mapped_column(ForeignKey("windows.id"), nullable=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), nullable=True)
    raised_at = mapped_column(Timestamp, nullable=False)
    cleared_at = mapped_column(Timestamp, nullable=True)
    data: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # Added by migration 0003 (supervision): what the alert is about ("ticket:12", "window:3",
    # "device:4:paper_out"), the device concerned, and the manager's acknowledgement.
    subject: Mapped[str] = mapped_column(String(80), default="", server_default="")
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), nullable=True)
    acknowledged_at = mapped_column(Timestamp, nullable=True)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    ack_note: Mapped[str | None] = mapped_column(String(500), nullable=True)


class DailyCounter(Base):
    __tablename__ = "daily_counters"
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    local_date = mapped_column(Date, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class QueueLength(Base):
    """Tickets waiting per service and day, kept by triggers on ``tickets`` (0017) in the
    transaction that changes them, on every path (issue, call, transfer, requeue, cancel,
    day-end expiry, purge): the count of those ahead of a new ticket is one row, not a count
    over the queue. (No foreign key: a counter, purged with its day.) A later migration that
    rebuilds ``tickets`` on SQLite (batch mode copies the table) drops the triggers and must
    create them again (0017's ``SQLITE_TRIGGERS``); tests/storage/test_queue_lengths.py fails
    otherwise."""
    __tablename__ = "queue_lengths"
    service_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    local_date = mapped_column(Date, primary_key=True)
    waiting: Mapped[int] = mapped_column(Integer, default=0)


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("principal", "key", name="uq_idempotency_principal_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    principal: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    created_at = mapped_column(Timestamp, nullable=False)


class BlacklistEntry(Base):
    __tablename__ = "blacklist"
    __table_args__ = (Index("ix_blacklist_id_hash", "id_hash"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hall_id: Mapped[int | None] = mapped_column(ForeignKey("halls.id"), nullable=True)
    id_hash: Mapped[str] = mapped_column(String(64))
    # The last 4 characters only (0010): enough for an operator to tell entries apart.
    id_last4: Mapped[str] = mapped_column(String(4))
    reason: Mapped[str] = mapped_column(String(200))
    until = mapped_column(Timestamp, nullable=True)
    created_at = mapped_column(Timestamp, nullable=False)


# Added by migration 0003 (supervision): reports count transfers from the event log; this small
# index holds only the transfer events, so a year's report does not read every event.
Index("ix_ticket_events_transfers", TicketEvent.hall_id, TicketEvent.at,
      sqlite_where=text("kind = 'transferred'"), postgresql_where=text("kind = 'transferred'"))

halls = Hall.__table__
services = Service.__table__
windows = Window.__table__
window_services = WindowService.__table__
users = User.__table__
user_windows = UserWindow.__table__
user_photos = UserPhoto.__table__
api_tokens = ApiToken.__table__
devices = Device.__table__
tickets = Ticket.__table__
ticket_events = TicketEvent.__table__
window_events = WindowEvent.__table__
evaluations = Evaluation.__table__
alerts = Alert.__table__
daily_counters = DailyCounter.__table__
queue_lengths = QueueLength.__table__
idempotency_keys = IdempotencyKey.__table__
blacklist = BlacklistEntry.__table__


class PrintJob(Base):
    """A ticket to print at the kiosk that issued it: queued, then printed or failed, once."""

    __tablename__ = "print_jobs"
    __table_args__ = (
        # An agent's catch-up: its kiosk's queued jobs, oldest first.
        Index("ix_print_jobs_device_status", "device_id", "status", "id"),
        # The push after a ticket: the hall's newest queued jobs.
        Index("ix_print_jobs_hall_status", "hall_id", "status", "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    status: Mapped[str] = mapped_column(String(10))  # queued / printed / failed
    fault: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at = mapped_column(Timestamp, nullable=False)
    finished_at = mapped_column(Timestamp, nullable=True)


print_jobs = PrintJob.__table__


# Migration 0004 (counter and follow-up): window sessions, follow-up cases and their ledger.
from queue_server.storage.session_models import window_sessions  # noqa: E402,F401
from queue_server.storage.followup_models import (  # noqa: E402,F401  (same metadata)
    followup_cases, rectification_entries)
# Migration 0010 (security): key check, login lockout, card-read references, audit log.
from queue_server.storage.security_models import (  # noqa: E402,F401  (same metadata)
    audit_log, card_reads, key_checks, login_failures)
# Migration 0011 (network): the hall tree, the matter catalogue, the matters of each service.
from queue_server.storage.network_models import (  # noqa: E402,F401  (same metadata)
    hall_places,
    matter_drops,
    matters,
    service_matters,
)
# Migration 0012 (presence): kiosk agents connected to any server process, printer status.
from queue_server.storage.presence import kiosk_agents, kiosk_printers  # noqa: E402,F401
# Migration 0013 (cases): 五件 cases (办件), their history and the per-year numbering.
from queue_server.storage.case_models import case_counters, case_events, cases  # noqa: E402,F401
# Migration 0014 (bookings): appointments and the places taken per slot and day.
from queue_server.storage.booking_models import bookings, booking_places  # noqa: E402,F401
