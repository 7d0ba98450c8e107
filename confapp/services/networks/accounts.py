"""Accounts of people who sign in: creating users, checking passwords, changing them, ending sessions."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash
from flask_babel import gettext as _

from confapp.extensions import db
from confapp.models import Membership, Network, Role, User, utcnow

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
# Checked against when the e-mail is unknown, so a wrong address costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("no user has this password", method="scrypt")


class AccountError(ValueError):
    """A German message for the person at the keyboard."""


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("Das Passwort muss mindestens %(count)s Zeichen lang sein.", count=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(_("Das Passwort darf höchstens %(count)s Zeichen lang sein.", count=MAX_PASSWORD_LENGTH))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def by_email(email: str) -> User | None:
    email = normalise_email(email)
    if not email or len(email) > 254 or "\x00" in email:  # PostgreSQL refuses NUL in text: no account has one
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


@dataclass(frozen=True)
class GrantResult:
    user: User
    created: bool


def grant_role(email: str, network_slug: str, role: str, password: str | None = None,
               name: str = "", password_hash: str | None = None) -> GrantResult:
    """Create the user if needed and give them ``role`` in the network (replacing an earlier role there).

    ``password_hash`` (already hashed) is for the demo, which reuses one hash for all its accounts.
    """
    network = db.session.scalar(select(Network).where(Network.slug == network_slug))
    if network is None:
        raise AccountError(f"Das Netzwerk „{network_slug}“ gibt es nicht.")
    try:
        wanted = Role(role)
    except ValueError:
        raise AccountError("Unbekannte Rolle. Möglich sind: "
                           + ", ".join(r.value for r in Role) + ".") from None
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError(_("Bitte geben Sie eine gültige E-Mail-Adresse an."))
    user = by_email(email)
    created = user is None
    if created:
        if password is None and password_hash is None:
            raise AccountError(_("Für ein neues Konto wird ein Passwort gebraucht."))
        if password is not None:
            check_new_password(password)
            password_hash = hash_password(password)
        user = User(email=email, name=name[:200], password_hash=password_hash)
        db.session.add(user)
    elif password is not None:
        check_new_password(password)
        user.password_hash = hash_password(password)
    membership = next((m for m in user.memberships if m.network_id == network.id), None)
    if membership is None:
        user.memberships.append(Membership(network=network, role=wanted))
    else:
        membership.role = wanted
    db.session.commit()
    return GrantResult(user, created)


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, else None (same effort either way)."""
    user = by_email(email) if len(email) <= 254 else None
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password[:MAX_PASSWORD_LENGTH])
        return None
    if not password_matches(user, password):
        return None
    return user


def change_password(user: User, current: str, new: str) -> None:
    """A new password chosen by its owner; every other session of theirs ends."""
    if not password_matches(user, current):
        raise AccountError(_("Das bisherige Passwort stimmt nicht."))
    set_password(user, new)
    db.session.commit()


def set_password(user: User, new: str) -> None:
    """Check and store a new password and end the user's sessions, in the caller's transaction."""
    check_new_password(new)
    user.password_hash = hash_password(new)
    end_sessions(user)


def password_matches(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password[:MAX_PASSWORD_LENGTH])


def end_sessions(user: User) -> None:
    """End every open session of ``user`` on its next request (in the caller's transaction).

    The epoch is part of the session id: raising it makes every session cookie and "remember me"
    cookie issued before refer to an id the user no longer has.
    """
    db.session.execute(update(User).where(User.id == user.id)
                       .values(session_epoch=User.session_epoch + 1)
                       .execution_options(synchronize_session=False))
    db.session.expire(user, ["session_epoch"])


def sign_out_everywhere(user: User) -> None:
    """Signing out ends every session of the account, a copied cookie's included."""
    end_sessions(user)
    db.session.commit()


def record_sign_in(user: User) -> None:
    user.last_sign_in_at = utcnow()
    db.session.commit()


def by_session_id(value: str) -> User | None:
    user_id = value.partition(":")[0]
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.get_id() != value:
        return None
    return user
