"""A registration (Anmeldung) with its wishes, assignments and history."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confapp.extensions import db
from confapp.models.base import utcnow
from confapp.models.event import Event, ProgramItem, Slot


def new_token() -> str:
    """A random URL-safe token of 192 bits for manage links and badge QR codes."""
    return secrets.token_urlsafe(24)


class RegistrationStatus(enum.Enum):
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    cancelled = "cancelled"


class AssignmentSource(enum.Enum):
    #: Set by the optimal assignment.
    auto = "auto"
    #: Set or moved by an organiser.
    manual = "manual"
    #: Taken by the attendee at registration (direct mode).
    direct = "direct"


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Registration(db.Model):
    """One attendee's registration for one event."""

    __table_args__ = (
        # One registration per address and event; registrations by phone or on paper may have none ("").
        Index("uq_registration_event_email", "event_id", "email", unique=True,
              postgresql_where=text("email <> ''"), sqlite_where=text("email <> ''")),
        Index("ix_registration_event_status_created", "event_id", "status", "created_at"),
        CheckConstraint("language IN ('de', 'en')", name="language_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    #: Lower-cased, so one address registers once per event; "" for a registration by phone or
    #: on paper without one (it gets no e-mails).
    email: Mapped[str] = mapped_column(String(254))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    #: Arbeitsfeld, one of the network's sectors.
    sector: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[RegistrationStatus] = mapped_column(_enum(RegistrationStatus), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the attendee agreed to the event's privacy notice (required).
    privacy_consent_at: Mapped[datetime | None]
    photo_consent: Mapped[bool] = mapped_column(default=False)
    #: When the attendee agreed that diet and access needs (possibly health data) are stored.
    needs_consent_at: Mapped[datetime | None]
    diet: Mapped[str] = mapped_column(String(200), default="")
    access_needs: Mapped[str] = mapped_column(String(500), default="")
    #: Secret of the attendee's private link to see, change or cancel the registration.
    manage_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    #: Secret in the badge's QR code, used by door staff to check in.
    badge_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    #: When door staff checked the attendee in; None while not (or no longer) checked in.
    checked_in_at: Mapped[datetime | None]
    #: Who checked the attendee in (a user's e-mail); cleared with ``checked_in_at`` on undo.
    checked_in_by: Mapped[str | None] = mapped_column(String(254))
    #: When the personal data was erased (purge or the attendee's request); None while it is kept.
    erased_at: Mapped[datetime | None]
    #: When this attendee's badge was last printed; None until then ("only new badges" prints these).
    badge_printed_at: Mapped[datetime | None]
    #: The partner institution the attendee belongs to (picked from the directory, or invited);
    #: kept after a purge, since an institution is no personal data.
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"), index=True)
    #: The name, organisation or sector on a printed badge was corrected: print it again.
    badge_reprint: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: The language the attendee registered in ("de" or "en"): their e-mails are written in it.
    language: Mapped[str] = mapped_column(String(2), default="de", server_default="de")
    #: Ranked events: when the attendee was told by e-mail that the assignment found no seat for
    #: them in a slot they wished for; None if the last assignment e-mail named no such slot.
    unplaced_told_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship()
    preferences: Mapped[list["Preference"]] = relationship(
        back_populates="registration", cascade="all, delete-orphan",
        order_by="(Preference.slot_id, Preference.rank)",
    )
    assignments: Mapped[list["Assignment"]] = relationship(
        back_populates="registration", cascade="all, delete-orphan"
    )
    history: Mapped[list["RegistrationHistory"]] = relationship(
        back_populates="registration", cascade="all, delete-orphan",
        order_by="(RegistrationHistory.at, RegistrationHistory.id)",
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Preference(db.Model):
    """A wish (1., 2., 3. Wahl) for a workshop or theme table in one slot."""

    __table_args__ = (
        UniqueConstraint("registration_id", "slot_id", "rank", name="uq_preference_rank"),
        UniqueConstraint("registration_id", "program_item_id", name="uq_preference_item"),
        CheckConstraint("rank >= 1", name="rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id", ondelete="CASCADE"), index=True)
    #: 1 for the first wish.
    rank: Mapped[int]
    program_item_id: Mapped[int] = mapped_column(ForeignKey("program_item.id", ondelete="CASCADE"), index=True)

    registration: Mapped[Registration] = relationship(back_populates="preferences")
    slot: Mapped[Slot] = relationship()
    program_item: Mapped[ProgramItem] = relationship()


class Assignment(db.Model):
    """The workshop or theme table a registration attends in one slot (Zuteilung)."""

    __table_args__ = (UniqueConstraint("registration_id", "slot_id", name="uq_assignment_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id", ondelete="CASCADE"), index=True)
    program_item_id: Mapped[int] = mapped_column(ForeignKey("program_item.id", ondelete="CASCADE"), index=True)
    #: A locked assignment is kept as it is by the optimal assignment.
    locked: Mapped[bool] = mapped_column(default=False)
    source: Mapped[AssignmentSource] = mapped_column(_enum(AssignmentSource), default=AssignmentSource.auto)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the attendee was told this workshop by e-mail; cleared when the assignment moves.
    notified_at: Mapped[datetime | None]

    registration: Mapped[Registration] = relationship(back_populates="assignments")
    slot: Mapped[Slot] = relationship()
    program_item: Mapped[ProgramItem] = relationship()


class RegistrationHistory(db.Model):
    """One change of a registration: status changes, moves, check-ins, with who did it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Short machine name of what happened: "registered", "cancelled", "promoted", "checked_in" …
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    #: Who did it: "attendee", "system" or a user's e-mail.
    actor: Mapped[str] = mapped_column(String(254), default="system")
    note: Mapped[str] = mapped_column(Text, default="")

    registration: Mapped[Registration] = relationship(back_populates="history")
