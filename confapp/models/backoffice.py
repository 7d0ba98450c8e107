"""Back-office records: the audit log of organiser actions and who leads which workshop."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confapp.extensions import db
from confapp.models.base import utcnow
from confapp.models.event import Event, ProgramItem
from confapp.models.network import Network, User


class AuditEntry(db.Model):
    """One organiser action (who, what, when), kept for the network's admins."""

    __table_args__ = (Index("ix_audit_entry_network_at", "network_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"))
    #: The event acted on; kept as None when the event is deleted, the entry stays.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    #: The registration the entry names, so erasing that person can redact it.
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), index=True)
    #: The actor's e-mail at the time, so the entry still says who after the account is gone.
    actor: Mapped[str] = mapped_column(String(254))
    #: Short machine name of the action: "event.created", "registration.moved" …
    action: Mapped[str] = mapped_column(String(60))
    #: What happened, in German, for the admin reading the log.
    summary: Mapped[str] = mapped_column(Text, default="")

    network: Mapped[Network] = relationship()
    event: Mapped[Event | None] = relationship()


class ItemLeader(db.Model):
    """A workshop leader's account linked to the program item they lead (read-only list access)."""

    program_item_id: Mapped[int] = mapped_column(
        ForeignKey("program_item.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True)

    program_item: Mapped[ProgramItem] = relationship()
    user: Mapped[User] = relationship()
