"""A forgotten password: a link by e-mail that works once and only for a short time.

Asking gives the same answer whether the address belongs to an account or not, so nobody learns
who has one. The link's secret is random; only its hash is stored. Setting the new password ends
every open session of the account and makes the account's other reset links useless.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from confapp.extensions import db
from confapp.models import PasswordReset, User, utcnow
from confapp.services.mail import outbox
from confapp.services.networks import accounts, one_time

#: How long a reset link works.
RESET_VALIDITY = timedelta(hours=1)


class ResetError(ValueError):
    """A German message for the person at the keyboard; nothing was changed."""


def request_reset(email: str) -> None:
    """Send a reset link if ``email`` belongs to an active account; otherwise do nothing, silently."""
    user = accounts.by_email(email) if len(email or "") <= 254 else None
    if user is None or not user.active:
        return
    secret, token_hash = one_time.new_secret()
    now = utcnow()
    reset = PasswordReset(user_id=user.id, token_hash=token_hash, created_at=now, expires_at=now + RESET_VALIDITY)
    db.session.add(reset)
    outbox.queue_from_template("password_reset", user.email, user=user,
                               reset_url=f"{current_app.config['BASE_URL']}/manage/passwort-neu/{secret}",
                               minutes=int(RESET_VALIDITY.total_seconds() // 60))
    db.session.commit()


def reset_for(secret: str) -> PasswordReset | None:
    """The unused, unexpired reset behind a link, or None."""
    if not one_time.plausible(secret):
        return None
    return db.session.scalar(select(PasswordReset).where(
        PasswordReset.token_hash == one_time.digest(secret), PasswordReset.used_at.is_(None),
        PasswordReset.expires_at > utcnow()))


def reset_password(secret: str, new_password: str) -> User:
    """Use a reset link: the new password is set, the link and the account's other links are spent,
    and every open session of the account ends."""
    accounts.check_new_password(new_password)
    reset = reset_for(secret)
    if reset is None:
        raise ResetError("Dieser Link gilt nicht mehr. Bitte fordern Sie einen neuen an.")
    now = utcnow()
    spent = db.session.execute(
        update(PasswordReset).where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    if spent.rowcount != 1:  # another request used it a moment ago
        db.session.rollback()
        raise ResetError("Dieser Link gilt nicht mehr. Bitte fordern Sie einen neuen an.")
    db.session.execute(
        update(PasswordReset).where(PasswordReset.user_id == reset.user_id, PasswordReset.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    user = reset.user
    accounts.set_password(user, new_password)
    db.session.commit()
    return user
