"""API tokens: created and revoked by a network's admins, stored hashed, last use recorded."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from flask_babel import gettext as _

from confapp.extensions import db
from confapp.models import ApiToken, Network, TokenScope, User, utcnow
from confapp.services.networks import audit

PREFIX = "cfa_"
#: Writing last use on every request would make reads write; once a minute is enough to show it.
LAST_USE_RESOLUTION = timedelta(minutes=1)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(network: Network, name: str, scope: TokenScope, actor: User | str) -> tuple[ApiToken, str]:
    """A new token for ``network``; returns the row and the secret (shown once, never stored). Audited."""
    name = " ".join(name.split())[:100]
    if not name:
        raise ValueError(_("Bitte geben Sie dem Token einen Namen."))
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(network_id=network.id, name=name, scope=scope, token_hash=_digest(secret),
                     prefix=secret[:12], created_by=actor.email if isinstance(actor, User) else actor)
    db.session.add(token)
    audit.record(actor, "api_token.created", f"API-Token „{name}“ ({scope.value}, {token.prefix}…) angelegt.",
                 network=network)
    db.session.commit()
    return token, secret


def revoke_token(network: Network, token_id: int, actor: User | str | None = None) -> ApiToken | None:
    """Revoke one of ``network``'s tokens; None if it is not the network's. Audited."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.network_id == network.id))
    if token is not None and token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(actor, "api_token.revoked", f"API-Token „{token.name}“ ({token.prefix}…) widerrufen.",
                     network=network)
        db.session.commit()
    return token


def tokens_of(network: Network) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.network_id == network.id)
                                   .order_by(ApiToken.created_at.desc())))


def authenticate(secret: str | None) -> ApiToken | None:
    """The live token for a presented secret, or None; notes when it was last used."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret),
                                                     ApiToken.revoked_at.is_(None)))
    if token is not None:
        now = utcnow()
        if token.last_used_at is None or now - token.last_used_at > LAST_USE_RESOLUTION:
            token.last_used_at = now
            db.session.commit()
    return token
