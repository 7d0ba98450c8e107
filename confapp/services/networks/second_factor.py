"""The second factor at sign-in: time-based codes from any authenticator app (TOTP, RFC 6238).

A person sets it up by scanning a QR code (drawn here, no outside service) and entering one code;
they then get ten recovery codes, shown once and stored as hashes, each good for one sign-in
without the app. A network's admins can require the second factor for everyone in the network.
Each code is accepted once: the time step of the last accepted code is stored with the account.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import io
import secrets
from datetime import datetime, timezone

import pyotp
import qrcode
from sqlalchemy import delete, func, or_, select, update

from confapp.extensions import db
from confapp.models import Network, RecoveryCode, User, utcnow
from confapp.services.networks import accounts, audit

#: Name the authenticator app shows above the code.
ISSUER = "confapp"
#: Codes of the step before and after the current one are accepted too (clocks drift, people type slowly).
DRIFT_STEPS = 1
RECOVERY_CODES = 10
#: Characters of recovery codes: digits and capitals without 0, O, 1, I, L and U, which people confuse.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
#: 16 characters of 30: about 78 bits each.
RECOVERY_LENGTH = 16


class SecondFactorError(ValueError):
    """A German message for the person at the keyboard; nothing was changed."""


# --- setting up --------------------------------------------------------------------------------

def start_setup(user: User) -> str:
    """The secret to set up an app with: a new one (160 bits, base32) unless a setup is under way.

    It is stored at once, but counts only once ``enable`` has seen a code made with it.
    """
    if user.has_second_factor:
        raise SecondFactorError("Die Zwei-Faktor-Anmeldung ist schon eingerichtet.")
    if user.totp_secret is None:
        user.totp_secret = pyotp.random_base32()
        db.session.commit()
    return user.totp_secret


def provisioning_uri(user: User, secret: str) -> str:
    """The ``otpauth://`` link the QR code holds."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_image(text: str) -> str:
    """The QR code of ``text`` as a PNG ``data:`` URI, to sit in the page (no request to anyone)."""
    image = qrcode.make(text, box_size=6, border=2)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def enable(user: User, code: str) -> list[str]:
    """Turn the second factor on once ``code`` proves the app has the secret of ``start_setup``;
    returns the recovery codes, which are shown once (only their hashes are stored)."""
    if user.has_second_factor or user.totp_secret is None:
        raise SecondFactorError("Die Einrichtung ist abgelaufen. Bitte beginnen Sie noch einmal.")
    step = _matching_step(user.totp_secret, code)
    if step is None:
        raise SecondFactorError("Der Code stimmt nicht. Bitte geben Sie den aktuellen Code aus der App ein "
                                "und prüfen Sie, ob die Uhrzeit Ihres Telefons stimmt.")
    user.totp_enabled_at, user.totp_last_step = utcnow(), step
    codes = _new_recovery_codes(user)
    for network in _networks(user):
        audit.record(user, "security.second_factor_on", f"{user.email} hat die Zwei-Faktor-Anmeldung eingerichtet.",
                     network=network)
    db.session.commit()
    return codes


def disable(user: User, password: str) -> None:
    """Turn the second factor off after the password is confirmed; not where a network requires it."""
    if not accounts.password_matches(user, password):
        raise SecondFactorError("Das Passwort stimmt nicht.")
    if required_for(user):
        raise SecondFactorError("Ein Netzwerk, zu dem Sie gehören, verlangt die Zwei-Faktor-Anmeldung. "
                                "Sie kann daher nicht abgeschaltet werden.")
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    for network in _networks(user):
        audit.record(user, "security.second_factor_off", f"{user.email} hat die Zwei-Faktor-Anmeldung abgeschaltet.",
                     network=network)
    db.session.commit()


def renew_recovery_codes(user: User, password: str) -> list[str]:
    """Ten new recovery codes (the old ones stop working) after the password is confirmed."""
    if not accounts.password_matches(user, password):
        raise SecondFactorError("Das Passwort stimmt nicht.")
    codes = _new_recovery_codes(user)
    db.session.commit()
    return codes


def unused_recovery_codes(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


# --- signing in --------------------------------------------------------------------------------

def verify(user: User, code: str) -> bool:
    """Whether ``code`` (from the app, or a recovery code) completes this sign-in; each is accepted once."""
    if not user.has_second_factor or not code or len(code) > 40:
        return False
    digits = "".join(code.split())
    if digits.isascii() and digits.isdigit():
        step = _matching_step(user.totp_secret, digits)
        if step is None:
            return False
        # Conditional UPDATE: of two requests with the same code, only one gets through.
        taken = db.session.execute(
            update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
            .values(totp_last_step=step).execution_options(synchronize_session=False))
        db.session.commit()
        return taken.rowcount == 1
    used = db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
                                   RecoveryCode.code_hash == _recovery_hash(code))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))
    db.session.commit()
    return used.rowcount == 1


def required_for(user: User) -> bool:
    """Whether a network the user belongs to requires the second factor."""
    return any(m.network.require_second_factor for m in user.memberships)


def needs_setup(user: User) -> bool:
    """Whether the user must set up the second factor before going on."""
    return not user.has_second_factor and required_for(user)


def set_required(network: Network, required: bool, actor: User) -> None:
    """Require the second factor for everyone in the network (from their next sign-in), or stop requiring it."""
    if network.require_second_factor == required:
        return
    network.require_second_factor = required
    audit.record(actor, "security.second_factor_required" if required else "security.second_factor_optional",
                 "Zwei-Faktor-Anmeldung für alle im Netzwerk verlangt." if required
                 else "Zwei-Faktor-Anmeldung ist wieder freiwillig.", network=network)
    db.session.commit()


# --- helpers -----------------------------------------------------------------------------------

def _matching_step(secret: str, code: str) -> int | None:
    """The time step whose code is ``code`` (now, or one step either side), else None."""
    code = "".join((code or "").split())
    if len(code) != 6 or not (code.isascii() and code.isdigit()):  # "١٢٣٤٥٦" is digits too
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(datetime.now(timezone.utc))
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
             for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(code)) for code in codes)
    return ["-".join(code[i:i + 4] for i in range(0, RECOVERY_LENGTH, 4)) for code in codes]


def _recovery_hash(code: str) -> str:
    """Hash of a recovery code as typed: separators, spaces and case do not matter."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode("utf-8", "replace")).hexdigest()


def _networks(user: User) -> list[Network]:
    return [m.network for m in user.memberships]
