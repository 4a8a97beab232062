"""The follow-up tables of bad reviews (migration 0004), on the same metadata as ``models``.

- ``followup_cases``: one case per bad review: call-back, outcome, closed.
- ``rectification_entries``: the ledger (整改台账) of cases closed with "fix by a date".
"""

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from queue_server.storage.models import Base
from queue_server.storage.types import Timestamp


class FollowupCase(Base):
    """The follow-up of one bad review (差评回访整改): call-back, outcome, closed."""

    __tablename__ = "followup_cases"
    __table_args__ = (Index("ix_followup_cases_hall_status", "hall_id", "status", "deadline"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), unique=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    window_id: Mapped[int | None] = mapped_column(ForeignKey("windows.id"), nullable=True)
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    grade: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open / closed
    opened_at = mapped_column(Timestamp, nullable=False)
    deadline = mapped_column(Date, nullable=False)  # last working day, hall's local calendar
    callback_at = mapped_column(Timestamp, nullable=True)
    callback_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    callback_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    outcome_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    closed_at = mapped_column(Timestamp, nullable=True)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # Added by migration 0007: the citizen's mobile number for the call-back (回访), given
    # optionally on the evaluator's bad-review screen; erased when the case closes.
    citizen_phone: Mapped[str | None] = mapped_column(String(11), nullable=True)


class RectificationEntry(Base):
    """A ledger entry (整改台账) for a case closed with "fix by a date"."""

    __tablename__ = "rectification_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("followup_cases.id"), unique=True)
    measure: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(100), default="")
    due_date = mapped_column(Date, nullable=False)
    created_at = mapped_column(Timestamp, nullable=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


followup_cases = FollowupCase.__table__
rectification_entries = RectificationEntry.__table__
