"""Appointments (预约取号, migration 0014), on the same metadata as ``models``.

- ``bookings``: one booked place of a service's slot. The person is kept only as the keyed hash
  of the ID number (``id_hash``, for one active booking per person, service and day, and the
  爽约 rule) and ``id_check``, a keyed hash of the booking code with the number's last four
  characters (what cancelling asks for); the mobile number only masked (138****1234).
- ``booking_places``: places taken per slot (``slot_start`` "09:00") and per day (``"*"``),
  raised by one conditional update, so racing requests never take more than there is.
"""

from sqlalchemy import Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from queue_server.storage.models import Base
from queue_server.storage.types import Timestamp

ACTIVE_STATES = ("booked", "checked_in")
_ACTIVE = text("state IN ('booked', 'checked_in')")


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        Index("ix_bookings_slot", "service_id", "local_date", "slot_start"),
        Index("ix_bookings_person", "id_hash", "local_date"),
        Index("uq_bookings_person_active", "service_id", "id_hash", "local_date", unique=True,
              sqlite_where=_ACTIVE, postgresql_where=_ACTIVE),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    local_date = mapped_column(Date, nullable=False)
    slot_start: Mapped[str] = mapped_column(String(5))
    code: Mapped[str] = mapped_column(String(12), unique=True)
    id_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    id_check: Mapped[str] = mapped_column(String(64))
    phone_masked: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(12))  # booked / checked_in / cancelled / missed
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    created_at = mapped_column(Timestamp, nullable=False)
    changed_at = mapped_column(Timestamp, nullable=False)


class BookingPlaces(Base):
    __tablename__ = "booking_places"
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    local_date = mapped_column(Date, primary_key=True)
    slot_start: Mapped[str] = mapped_column(String(5), primary_key=True)
    taken: Mapped[int] = mapped_column(Integer)


bookings = Booking.__table__
booking_places = BookingPlaces.__table__
