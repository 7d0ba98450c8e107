"""Badge print runs: which badges an organiser downloaded, and whether the print worked."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confapp.extensions import db
from confapp.models.base import utcnow
from confapp.models.event import Event


class PrintOutcome(enum.Enum):
    #: Downloaded; the organiser has not said yet whether it printed.
    pending = "pending"
    #: The organiser confirmed the badges came out of the printer: they count as printed.
    printed = "printed"
    #: Paper jam, empty toner, wrong sheet: the badges stay in the "not yet printed" list.
    failed = "failed"


class BadgePrintRun(db.Model):
    """Badges an organiser asked to print, until they say how the print went."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The organiser's e-mail address at the time.
    created_by: Mapped[str] = mapped_column(String(254))
    #: The registrations on the sheets, in print order (only the event's own are ever marked).
    registration_ids: Mapped[list[int]] = mapped_column(JSON)
    #: How to print them: {"layout", "skip", "offset": [right, down], "show_sector"}.
    settings: Mapped[dict] = mapped_column(JSON)
    outcome: Mapped[PrintOutcome] = mapped_column(Enum(PrintOutcome, native_enum=False, length=20),
                                                  default=PrintOutcome.pending)
    decided_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship()

    @property
    def count(self) -> int:
        return len(self.registration_ids)
