"""API tokens: a network's key for scripts and other tools."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confapp.extensions import db
from confapp.models.base import utcnow
from confapp.models.network import Network


class TokenScope(enum.Enum):
    read = "read"
    #: Read and change: registrations, assignment, check-in.
    write = "write"


class ApiToken(db.Model):
    """A bearer token scoped to one network; only its SHA-256 is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    #: SHA-256 (hex) of the secret; the secret itself is shown once at creation.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The first characters of the secret, so admins can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    scope: Mapped[TokenScope] = mapped_column(
        Enum(TokenScope, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(254), default="")
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    network: Mapped[Network] = relationship()
