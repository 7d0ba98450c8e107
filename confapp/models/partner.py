"""A network's partner institutions, their contact persons, and invitations to events."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from confapp.extensions import db
from confapp.models.base import utcnow
from confapp.models.event import Event
from confapp.models.network import Network


class LegalBasis(enum.Enum):
    """Why the network may keep a contact person's data (Art. 6 DSGVO)."""

    #: Art. 6 (1) e: the network coordination's public task (§ 3 KKG).
    public_task = "public_task"
    #: Art. 6 (1) a: the person agreed.
    consent = "consent"


def name_key(name: str | None) -> str:
    """An institution's name as compared: case and runs of white space do not matter."""
    return " ".join((name or "").split()).casefold()


class Partner(db.Model):
    """An institution in the network's partner directory (Kita, school, health office, provider …)."""

    # Each institution once, however its name is typed; registering finds it by this index.
    __table_args__ = (UniqueConstraint("network_id", "name_key", name="uq_partner_network_name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: ``name_key(name)``, kept with every change of the name (casefolding may lengthen it: "ß" → "ss").
    name_key: Mapped[str] = mapped_column(String(400))
    #: One of the network's sectors (Arbeitsfelder).
    sector: Mapped[str] = mapped_column(String(100), default="")
    #: Street, postcode and town as one would write them on an envelope.
    address: Mapped[str] = mapped_column(String(300), default="")
    #: District or Sozialraum, as the network divides its area.
    district: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    network: Mapped[Network] = relationship()
    contacts: Mapped[list["PartnerContact"]] = relationship(
        back_populates="partner", cascade="all, delete-orphan", order_by="PartnerContact.name")

    @validates("name")
    def _keep_name_key(self, _attribute: str, name: str) -> str:
        self.name_key = name_key(name)
        return name


class PartnerContact(db.Model):
    """A contact person at a partner institution: personal data with its legal basis and a deletion date."""

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Function at the institution, e.g. "Leitung" or "insoweit erfahrene Fachkraft".
    role: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    legal_basis: Mapped[LegalBasis] = mapped_column(
        Enum(LegalBasis, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]))
    #: Where the data came from ("Netzwerktreffen 2026", "Telefonat"), as Art. 14 DSGVO asks.
    source: Mapped[str] = mapped_column(String(200), default="")
    #: When the person agreed (legal basis "consent").
    consent_at: Mapped[datetime | None]
    #: After this day the contact is deleted by ``flask purge --due`` unless someone keeps it longer.
    keep_until: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    partner: Mapped[Partner] = relationship(back_populates="contacts")


class Invitation(db.Model):
    """One contact person invited to one event, with a personal registration link."""

    __table_args__ = (
        UniqueConstraint("event_id", "partner_id", "email", name="uq_invitation_event_partner_email"),
        Index("ix_invitation_event_partner", "event_id", "partner_id"),
        CheckConstraint("opened_at IS NULL OR opened_at >= invited_at", name="opened_after_invited"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("partner_contact.id", ondelete="SET NULL"), index=True)
    #: The address the invitation went to; emptied when the contact is deleted or the event purged.
    email: Mapped[str] = mapped_column(String(254), default="")
    #: SHA-256 of the link's random token: a leaked database gives no working links.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: First use of the link (no tracking pixels: only opening the link counts).
    opened_at: Mapped[datetime | None]
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"),
                                                        index=True)

    event: Mapped[Event] = relationship()
    partner: Mapped[Partner] = relationship()
