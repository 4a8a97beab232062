"""The counter's staffing table (migration 0004), on the same metadata as ``models``.

- ``window_sessions``: a staff member signed in at a window (上岗) until signing out (离岗); the
  base of the 空岗 alert and of the counter's attendance figures.
"""

from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from queue_server.storage.models import Base
from queue_server.storage.types import Timestamp


class WindowSession(Base):
    """A staff member signed in at a window (上岗), from sign-in to sign-out (离岗).

    One open session per window and one per person: partial unique indexes on the sessions whose
    ``ended_at`` is null, so two racing sign-ins cannot both win.
    """

    __tablename__ = "window_sessions"
    __table_args__ = (
        Index("uq_window_sessions_open_window", "window_id", unique=True,
              sqlite_where=text("ended_at IS NULL"), postgresql_where=text("ended_at IS NULL")),
        Index("uq_window_sessions_open_user", "user_id", unique=True,
              sqlite_where=text("ended_at IS NULL"), postgresql_where=text("ended_at IS NULL")),
        Index("ix_window_sessions_hall_started", "hall_id", "started_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    window_id: Mapped[int] = mapped_column(ForeignKey("windows.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_at = mapped_column(Timestamp, nullable=False)
    ended_at = mapped_column(Timestamp, nullable=True)
    ended_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)


window_sessions = WindowSession.__table__
