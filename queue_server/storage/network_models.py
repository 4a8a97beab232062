"""The matter catalogue tables (migration 0011), on the same metadata as ``models``.

- ``matters``: a hall's own catalogue entries (事项). Never deleted, only deactivated, so that
  cases can keep referring to them; ``(hall_id, code)`` is unique.
- ``matter_drops``: codes a hall that inherits its parent's catalogue does not handle.
- ``service_matters``: the matters a service (queue) takes, by code (the matter may be defined
  by the hall or by a hall above it), in the order the configuration lists them.

- ``hall_places``: a hall's level, its parent and whether its catalogue starts from its
  parent's; a hall without a row has no level, no parent and its own catalogue only. (A table
  of its own rather than columns of ``halls``: SQLite cannot add a foreign key to a table that
  others refer to without rebuilding it.)
"""

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from queue_server.storage.models import Base


class HallPlace(Base):
    __tablename__ = "hall_places"
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), primary_key=True)
    level: Mapped[str | None] = mapped_column(String(12), nullable=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("halls.id"), nullable=True)
    catalogue_inherits: Mapped[bool] = mapped_column(Boolean, default=False)


class MatterRow(Base):
    __tablename__ = "matters"
    __table_args__ = (UniqueConstraint("hall_id", "code", name="uq_matters_hall_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(200))
    levels: Mapped[list] = mapped_column(JSON, default=list)
    kind: Mapped[str] = mapped_column(String(12))  # immediate / promised / joint / proxy / reported
    statutory_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    promised_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    materials: Mapped[list] = mapped_column(JSON, default=list)
    requires_id: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class MatterDrop(Base):
    __tablename__ = "matter_drops"
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)


class ServiceMatter(Base):
    __tablename__ = "service_matters"
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    matter_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


hall_places = HallPlace.__table__
matters = MatterRow.__table__
matter_drops = MatterDrop.__table__
service_matters = ServiceMatter.__table__
