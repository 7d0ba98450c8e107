"""A network (Veranstalter), its people and their roles."""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (JSON, BigInteger, CheckConstraint, Enum, ForeignKey, LargeBinary, String, Text, UniqueConstraint,
                        false)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confapp import colours
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

    __table_args__ = (
        CheckConstraint("accent_color = '' OR (length(accent_color) = 7 AND substr(accent_color, 1, 1) = '#')",
                        name="accent_color_hex"),
        CheckConstraint("retention_months BETWEEN 1 AND 120", name="retention_months_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Short name for headers and e-mail subjects, e.g. "Netzwerk Kinderschutz ABI"; empty: the name.
    short_name: Mapped[str] = mapped_column(String(60), default="")
    #: The body responsible (Impressum, privacy controller), e.g. "Landkreis Anhalt-Bitterfeld, Jugendamt".
    responsible_body: Mapped[str] = mapped_column(String(300), default="")
    #: Who represents the body (vertretungsberechtigte Person), e.g. "Landrat Max Mustermann".
    representative: Mapped[str] = mapped_column(String(300), default="")
    #: Postal address of the coordination office, one line per line of the address.
    postal_address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    #: Accent colour (#rrggbb) of public pages' header and of print; text on it is chosen for contrast.
    accent_color: Mapped[str] = mapped_column(String(7), default="")
    #: Display name in the From of the network's e-mails; empty: the network's name.
    mail_sender_name: Mapped[str] = mapped_column(String(100), default="")
    #: Where replies to the network's e-mails go; empty: ``contact_email``.
    reply_to: Mapped[str] = mapped_column(String(254), default="")
    #: The accessibility statement: when it was written, what is known not to be accessible,
    #: where to report barriers (empty: ``contact_email``) and the Land whose enforcement body
    #: (Schlichtungs-/Durchsetzungsstelle) applies (a key of ``services.privacy.bodies.ENFORCEMENT_BODIES``).
    accessibility_date: Mapped[date | None]
    accessibility_limitations: Mapped[str] = mapped_column(Text, default="")
    accessibility_contact: Mapped[str] = mapped_column(String(254), default="")
    enforcement_body: Mapped[str] = mapped_column(String(20), default="")
    #: Logo image bytes (PNG, JPEG or sanitised SVG) and its MIME type; None for no logo.
    #: Loaded when used (printed documents, the logo's URL): the network comes joined to every
    #: event query, once per program item, and the registration form's POST has no use for it.
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_mime: Mapped[str | None] = mapped_column(String(40))
    #: Data protection officer (name, address, e-mail) named in privacy notices.
    data_protection_officer: Mapped[str] = mapped_column(Text, default="")
    #: The Land's data protection authority attendees may complain to.
    supervisory_authority: Mapped[str] = mapped_column(Text, default="")
    #: Months after an event's end until its personal data is deleted, unless the event says otherwise.
    retention_months: Mapped[int] = mapped_column(default=3)
    #: Sectors this network adds to ``DEFAULT_SECTORS``, in display order.
    extra_sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Everyone in this network must sign in with a second factor (an authenticator app).
    require_second_factor: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Who signs certificates of attendance, and their function ("Netzwerkkoordination Kinderschutz").
    signer_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    signer_function: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: A scanned signature printed above the signature line (PNG or JPEG, checked like the logo).
    signature: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    signature_mime: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    events: Mapped[list["Event"]] = relationship(back_populates="network")  # noqa: F821
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="network", cascade="all, delete-orphan"
    )

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def contact(self) -> str:
        """The body, postal address and phone as printed on flyers, one item per line."""
        lines = [self.responsible_body, self.postal_address.strip()]
        if self.phone:
            lines.append(f"Telefon {self.phone}")
        return "\n".join(line for line in lines if line)

    @property
    def sender_name(self) -> str:
        return self.mail_sender_name or self.name

    @property
    def reply_address(self) -> str:
        return self.reply_to or self.contact_email

    @property
    def accent_text_color(self) -> str:
        """White or dark, whichever reads better on the accent colour."""
        return colours.text_colour_on(self.accent_color) if self.accent_color else colours.WHITE

    @property
    def print_color(self) -> str:
        """Headings in print: the accent colour where it reads on white paper, else the default blue."""
        if self.accent_color and colours.contrast_ratio(self.accent_color, colours.WHITE) >= colours.MIN_CONTRAST:
            return self.accent_color
        return colours.DEFAULT_PRINT

    @property
    def barrier_contact(self) -> str:
        """Where people report barriers (accessibility statement)."""
        return self.accessibility_contact or self.contact_email

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
    #: Raised whenever this person's open sessions must end (sign-out, new password, a role taken
    #: away). It is part of the session id, so a session of an older epoch is refused on its next request.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    last_sign_in_at: Mapped[datetime | None]
    #: Base32 secret shared with the person's authenticator app (TOTP), stored when setting up begins;
    #: in use once ``totp_enabled_at`` is set. It must stay readable to check codes, so unlike a
    #: password it cannot be hashed.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None]
    #: The 30-second time step of the last accepted code: each code is accepted once.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login: a deactivated account cannot sign in
        return self.active

    @property
    def has_second_factor(self) -> bool:
        return self.totp_enabled_at is not None

    def get_id(self) -> str:
        # The session epoch and part of the password hash go into the session: raising the epoch or
        # setting a new password (by any path) ends every open session and "remember me" cookie.
        return f"{self.id}:{self.session_epoch}:{self.password_hash[-16:]}"


class Membership(db.Model):
    """A user's role in one network; a user may belong to several networks."""

    __table_args__ = (UniqueConstraint("user_id", "network_id", name="uq_membership_user_network"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))

    user: Mapped[User] = relationship(back_populates="memberships")
    network: Mapped[Network] = relationship(back_populates="memberships")
