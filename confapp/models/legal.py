"""Legal texts of a network (Impressum, accessibility statement) and of its events (privacy notice,
summary in Leichte Sprache), and the record of which privacy notice an attendee agreed to."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confapp.extensions import db
from confapp.models.base import utcnow


class LegalKind(enum.Enum):
    imprint = "imprint"
    accessibility = "accessibility"
    privacy = "privacy"
    easy_language = "easy_language"

    @property
    def per_event(self) -> bool:
        return self in (LegalKind.privacy, LegalKind.easy_language)


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class LegalText(db.Model):
    """An organiser's own wording of a legal page; without a row the German default is shown."""

    __table_args__ = (
        # One text per network, event and kind; network-wide texts have no event (NULL → 0).
        Index("uq_legal_text_scope", "network_id", func.coalesce(db.column("event_id"), 0), "kind", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[LegalKind] = mapped_column(_enum(LegalKind))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(254), default="")


class ConsentRecord(db.Model):
    """That a registration agreed to something, to which wording, and when (Art. 7 (1) DSGVO)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    #: "privacy" (required notice), "photo" (photos may be taken), "needs" (diet/access needs stored).
    kind: Mapped[str] = mapped_column(String(20))
    #: Fingerprint (SHA-256, hex) of the exact text shown when the attendee agreed.
    text_version: Mapped[str] = mapped_column(String(64))
    given: Mapped[bool] = mapped_column(default=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    # One way only: written with a new registration in one flush; the database deletes them with it.
    registration: Mapped["Registration"] = relationship()
