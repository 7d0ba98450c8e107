"""A network (Veranstalter), its people and their roles."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Enum, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confapp.extensions import db
from confapp.models.base import utcnow

#: Arbeitsfelder every network starts with; a network adds its own in ``Network.extra_sectors``.
DEFAULT_SECTORS: tuple[str, ...] = (
    "Jugendamt/ASD",
    "Kita",
    "Schule",
    "Gesundheitswesen (Ärzt*innen, Hebammen, Therapeut*innen)",
    "Gesundheitsamt",
    "Polizei/Ordnungsbehörde",
    "Familiengericht/Verfahrensbeistand",
    "Freier Träger der Kinder- und Jugendhilfe",
    "Beratungsstelle",
    "Frühe Hilfen/Familienhebamme",
    "Eingliederungshilfe",
    "Jobcenter",
    "Ehrenamt",
    "Sonstiges",
)


class Role(enum.Enum):
    admin = "admin"
    organiser = "organiser"
    checkin = "checkin"
    workshop_leader = "workshop_leader"


class Network(db.Model):
    """A local child-protection network that runs events (Veranstalter)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Postal address and phone of the coordination office, as printed on flyers.
    contact: Mapped[str] = mapped_column(Text, default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    #: Logo image bytes (PNG, JPEG or sanitised SVG) and its MIME type; None for no logo.
    #: Loaded when used (printed documents, the logo's URL): the network comes joined to every
    #: event query, once per program item, and the registration form's POST has no use for it.
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_mime: Mapped[str | None] = mapped_column(String(40))
    #: Data protection officer (name, address, e-mail) named in privacy notices.
    data_protection_officer: Mapped[str] = mapped_column(Text, default="")
    #: The Land's data protection authority attendees may complain to.
    supervisory_authority: Mapped[str] = mapped_column(
        Text, default="Die oder der Landesbeauftragte für den Datenschutz Ihres Bundeslandes")
    #: Months after an event's end until its personal data is deleted, unless the event says otherwise.
    retention_months: Mapped[int] = mapped_column(default=3)
    #: Sectors this network adds to ``DEFAULT_SECTORS``, in display order.
    extra_sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    events: Mapped[list["Event"]] = relationship(back_populates="network")  # noqa: F821
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="network", cascade="all, delete-orphan"
    )

    @property
    def sectors(self) -> list[str]:
        """All sectors attendees can choose, defaults first; "Sonstiges" stays last."""
        extra = [s for s in (self.extra_sectors or []) if s not in DEFAULT_SECTORS]
        return list(DEFAULT_SECTORS[:-1]) + extra + [DEFAULT_SECTORS[-1]]


class User(UserMixin, db.Model):
    """A person who signs in: organiser, door staff, workshop leader or admin."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login: a deactivated account cannot sign in
        return self.active

    def get_id(self) -> str:
        # Part of the password hash goes into the session, so changing the password signs out other devices.
        return f"{self.id}:{self.password_hash[-16:]}"


class Membership(db.Model):
    """A user's role in one network; a user may belong to several networks."""

    __table_args__ = (UniqueConstraint("user_id", "network_id", name="uq_membership_user_network"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))

    user: Mapped[User] = relationship(back_populates="memberships")
    network: Mapped[Network] = relationship(back_populates="memberships")
