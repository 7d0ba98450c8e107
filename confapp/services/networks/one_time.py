"""Secrets for links that work once (invitations, password resets): random, shown once, stored as a hash."""
from __future__ import annotations

import hashlib
import secrets

#: Bytes of randomness in a link's secret: 256 bits, far beyond guessing.
SECRET_BYTES = 32
#: Longest secret accepted from a URL; anything longer is not ours and is not hashed.
MAX_SECRET_LENGTH = 100


def new_secret() -> tuple[str, str]:
    """A new secret for a link and the digest to store in its place."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return secret, digest(secret)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def plausible(secret: str | None) -> bool:
    """Whether a secret from a URL is worth looking up at all."""
    return bool(secret) and len(secret) <= MAX_SECRET_LENGTH
