"""The e-mail outbox: every e-mail is a row first, committed with the change it reports."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confapp.extensions import db
from confapp.models.base import utcnow


class OutboxStatus(enum.Enum):
    queued = "queued"
    #: Claimed by one sender until ``claimed_until``; reclaimed after that if the sender died.
    sending = "sending"
    sent = "sent"
    #: Gave up after the last retry; shown to organisers, can be requeued.
    failed = "failed"


class OutboxMessage(db.Model):
    """One e-mail waiting to be sent, or sent."""

    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    #: The network whose name and Reply-To the e-mail carries (an event's, or the network's own mail).
    network_id: Mapped[int | None] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    #: [{"filename", "content_type", "data" (base64)}], small files only (calendar entries, PDFs).
    attachments: Mapped[list[dict]] = mapped_column(JSON, default=list)
    status: Mapped[OutboxStatus] = mapped_column(
        Enum(OutboxStatus, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=OutboxStatus.queued)
    attempts: Mapped[int] = mapped_column(default=0)
    #: Not to be tried before this time (backoff after a failure).
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    # One way only: a message queued with a new registration is written in the same flush.
    registration: Mapped["Registration | None"] = relationship()
