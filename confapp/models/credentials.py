"""Single-use credentials around an account: invitations, password resets, recovery codes.

Each secret is random and shown once (in an e-mail or on a page); only its SHA-256 is stored.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confapp.extensions import db
from confapp.models.base import utcnow
from confapp.models.network import Network, Role, User


class TeamInvitation(db.Model):
    """An admin's invitation to join a network with a role; the link lets the invitee set a password."""

    __table_args__ = (CheckConstraint("expires_at > created_at", name="expires_after_creation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), index=True)
    #: The invitee's address, lower case; the account is created with it on acceptance.
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    #: Program items (of this network) a workshop leader will lead once they accept.
    item_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: SHA-256 of the secret in the invitation link.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: Who invited, as text, so the team page still says so after that account is gone.
    invited_by: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    #: Set once the link has been used; a used invitation never works again.
    accepted_at: Mapped[datetime | None]

    network: Mapped[Network] = relationship()


class PasswordReset(db.Model):
    """A "forgotten password" link: expires soon and works once."""

    __table_args__ = (CheckConstraint("expires_at > created_at", name="expires_after_creation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the secret in the link.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """One of a person's recovery codes for when the authenticator app is lost; each works once."""

    __table_args__ = (UniqueConstraint("user_id", "code_hash", name="uq_recovery_code_user_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the code as typed without separators, upper case.
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]
