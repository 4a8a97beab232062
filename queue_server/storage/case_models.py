"""The tables of 五件 cases (办件, migration 0013), on the same metadata as ``models``.

- ``cases``: one case per matter accepted (or refused, or sent back for 补正) at a window; a
  ticket may open several. ``number`` (受理编号) is unique per hall and year, allocated from
  ``case_counters`` by one atomic upsert. The citizen is a keyed hash of the ID number and
  masked name and phone only. ``warn_on`` (the day 80 % of the promised time is used) and
  ``promised_on`` are fixed at acceptance; ``alert_level`` and ``alert_due_on`` (0016) say
  which deadline alert is open for the case and the day its level next changes, so the
  supervisor's sweep reads only the cases whose level changes (``ix_cases_alert_due``).
  ``promised_days``, ``statutory_days``, ``working_days`` and ``on_time`` make the reports
  plain aggregates over ``ix_cases_hall_accepted``.
- ``case_events``: every state change (who, when, a note), append-only.
"""

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from queue_server.storage.models import Base
from queue_server.storage.types import Timestamp


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("hall_id", "year", "seq", name="uq_cases_hall_year_seq"),
        # Open cases by the day they turn yellow: the supervisor's sweep. ``id`` and
        # ``finished_at`` (always NULL here) are in the key so that the sweep's id reads and
        # the open set's fingerprint are answered from the index alone: SQLite does not count
        # the partial index's own condition as covered, PostgreSQL needs the id (0015).
        Index("ix_cases_open", "hall_id", "warn_on", "id", "finished_at",
              sqlite_where=text("finished_at IS NULL"),
              postgresql_where=text("finished_at IS NULL")),
        # 限时办结 (0016): the open cases whose deadline level changes on or before a day (the
        # supervisor's sweep reads only those), and the closed cases whose alert is still open.
        Index("ix_cases_alert_due", "hall_id", "alert_due_on",
              sqlite_where=text("finished_at IS NULL"),
              postgresql_where=text("finished_at IS NULL")),
        Index("ix_cases_alert_closed", "hall_id", "id",
              sqlite_where=text("finished_at IS NOT NULL AND alert_level IS NOT NULL"),
              postgresql_where=text("finished_at IS NOT NULL AND alert_level IS NOT NULL")),
        # A person's cases: the phone case page and the kiosk's 取件 by ID card (0015).
        Index("ix_cases_person", "hall_id", "id_hash"),
        Index("ix_cases_hall_department", "hall_id", "department", "state"),
        Index("ix_cases_hall_accepted", "hall_id", "accepted_on"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(20))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True,
                                                  index=True)
    matter_code: Mapped[str] = mapped_column(String(40))
    matter_name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(12))
    state: Mapped[str] = mapped_column(String(12))
    id_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    name_masked: Mapped[str | None] = mapped_column(String(40), nullable=True)
    phone_masked: Mapped[str | None] = mapped_column(String(20), nullable=True)
    accepted_at = mapped_column(Timestamp, nullable=False)
    accepted_on = mapped_column(Date, nullable=False)
    promised_on = mapped_column(Date, nullable=True)
    statutory_on = mapped_column(Date, nullable=True)
    warn_on = mapped_column(Date, nullable=True)
    finished_at = mapped_column(Timestamp, nullable=True)
    window_id: Mapped[int | None] = mapped_column(ForeignKey("windows.id"), nullable=True)
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    lead_department: Mapped[str | None] = mapped_column(String(100), nullable=True)
    co_departments: Mapped[list | None] = mapped_column(JSON, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # For the reports (办结率, 按时办结率, 压缩率), set when known so that a year's figures are
    # plain aggregates: the promised and statutory working days of this case, the working days
    # it took (set at 办结) and whether it was done by its promised day.
    promised_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    statutory_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    working_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    on_time: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    # 限时办结 (0016): the level of the deadline alert the supervisor keeps open for this case
    # (None, yellow, red) and the day that level next changes: the warning day, then the day
    # after the promised day, then none (red stays until the case closes). Kept in the same
    # transaction as the alert, so the sweep reads only the cases that change today.
    alert_level: Mapped[str | None] = mapped_column(String(8), nullable=True)
    alert_due_on = mapped_column(Date, nullable=True)
    alert_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # that alert's row
    # 窗口送达 query: keyed hashes of (case number, last 4 of the ID number or phone), so the
    # citizen's phone query needs no stored digits.
    suffix_hashes: Mapped[list | None] = mapped_column(JSON, nullable=True)


class CaseEvent(Base):
    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    state: Mapped[str] = mapped_column(String(12))
    at = mapped_column(Timestamp, nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), nullable=True)
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)


class CaseCounter(Base):
    __tablename__ = "case_counters"
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(Integer, default=0)


cases = Case.__table__
case_events = CaseEvent.__table__
case_counters = CaseCounter.__table__
