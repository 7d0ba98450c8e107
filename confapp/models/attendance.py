"""Who was in which workshop: attendance marked in the room, the source of certificates."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confapp.extensions import db
from confapp.models.base import utcnow
from confapp.models.event import ProgramItem
from confapp.models.registration import Registration


class Attendance(db.Model):
    """One registration marked present in one workshop or theme table."""

    __table_args__ = (UniqueConstraint("registration_id", "program_item_id", name="uq_attendance_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    program_item_id: Mapped[int] = mapped_column(ForeignKey("program_item.id", ondelete="CASCADE"), index=True)
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: E-mail of the user who marked it (door staff, organiser or workshop leader).
    marked_by: Mapped[str] = mapped_column(String(254))

    registration: Mapped[Registration] = relationship()
    program_item: Mapped[ProgramItem] = relationship()
