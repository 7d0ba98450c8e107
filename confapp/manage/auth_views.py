"""Signing in (with the second factor where set up) and out, changing the password.

A session is refused once its user's session epoch moved on (sign-out, new password, a role
taken away): the epoch is part of the id Flask-Login keeps in the cookie.
"""
import time
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from confapp.extensions import limiter, login_manager
from confapp.manage import bp
from confapp.manage.forms import CodeForm, LoginForm, PasswordChangeForm
from confapp.services.checkin import door
from confapp.services.networks import accounts, second_factor

#: Per address (IP): every POST counts.
LOGIN_IP_LIMIT = "10 per minute; 50 per hour"
#: Per account, whatever the address: failed attempts only, so a right password is not held up by
#: someone else's guessing until they have used up the account's allowance.
LOGIN_ACCOUNT_LIMIT = "5 per minute; 30 per hour"
#: Codes of the second step, per account being signed in (a six-digit code must not be guessable).
CODE_LIMIT = "5 per minute; 20 per hour"
#: Seconds between a correct password and the code that completes the sign-in.
PENDING_SECONDS = 300
PENDING = "pending_sign_in"
#: Pages a person who must still set up the second factor may open.
SETUP_ENDPOINTS = frozenset({"manage.second_factor_settings", "manage.logout", "manage.login", "manage.login_code"})


@login_manager.user_loader
def load_user(value: str):
    return accounts.by_session_id(value)


def _safe_next(target: str | None) -> str:
    """Only paths on this site: an attacker's link cannot send people elsewhere after sign-in."""
    parts = urlsplit(target or "")
    if not target or not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        return url_for("manage.dashboard")
    return target


def _failed(response) -> bool:
    return response.status_code != 302


def _account_key() -> str:
    return "account:" + accounts.normalise_email(request.form.get("email", ""))[:254]


def _pending_key() -> str:
    return "pending:" + str((session.get(PENDING) or {}).get("user", ""))[:40]


@bp.route("/anmelden", methods=["GET", "POST"])
@limiter.limit(LOGIN_IP_LIMIT, methods=["POST"])
@limiter.limit(LOGIN_ACCOUNT_LIMIT, methods=["POST"], key_func=_account_key, deduct_when=_failed)
def login():
    form = LoginForm(email=request.args.get("email", "")[:254] or None)
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            target = _safe_next(request.args.get("next"))
            if not request.args.get("next") and door.only_at_the_door(user):
                start = door.door_start(user)  # door staff start at the scanner
                target = url_for("checkin.scanner", slug=start.slug) if start else url_for("checkin.index")
            if user.has_second_factor:
                session[PENDING] = {"user": user.get_id(), "remember": bool(form.remember.data),
                                    "next": target, "until": int(time.time()) + PENDING_SECONDS}
                return redirect(url_for("manage.login_code"))
            return _complete_sign_in(user, bool(form.remember.data), target)
        form.password.errors.append(_("E-Mail-Adresse oder Passwort stimmen nicht."))
    return render_template("manage/login.html", form=form)


@bp.route("/anmelden/code", methods=["GET", "POST"])
@limiter.limit(LOGIN_IP_LIMIT, methods=["POST"])
@limiter.limit(CODE_LIMIT, methods=["POST"], key_func=_pending_key, deduct_when=_failed)
def login_code():
    pending = session.get(PENDING) or {}
    user = accounts.by_session_id(str(pending.get("user", "")))
    if user is None or not isinstance(pending.get("until"), int) or pending["until"] < time.time():
        session.pop(PENDING, None)
        flash(_("Die Anmeldung ist abgelaufen. Bitte melden Sie sich noch einmal an."), "warning")
        return redirect(url_for("manage.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if second_factor.verify(user, form.code.data):
            session.pop(PENDING, None)
            return _complete_sign_in(user, bool(pending.get("remember")), _safe_next(pending.get("next")))
        form.code.errors.append(_("Der Code stimmt nicht. Bitte geben Sie den aktuellen Code aus der App ein "
                                  "oder einen Ihrer Wiederherstellungscodes."))
    return render_template("manage/login_code.html", form=form)


def _complete_sign_in(user, remember: bool, target: str):
    login_user(user, remember=remember)
    accounts.record_sign_in(user)
    if second_factor.needs_setup(user):
        return redirect(url_for("manage.second_factor_settings"))
    return redirect(target)


@bp.before_app_request
def second_factor_first():
    """Where a network requires the second factor, its people set it up before anything else."""
    if request.blueprint not in ("manage", "checkin") or request.endpoint in SETUP_ENDPOINTS:
        return None
    if current_user.is_authenticated and second_factor.needs_setup(current_user):
        return redirect(url_for("manage.second_factor_settings"))
    return None


@bp.post("/abmelden")
def logout():
    if current_user.is_authenticated:
        # Every session of this account ends, including one whose cookie was copied.
        accounts.sign_out_everywhere(current_user)
    logout_user()
    flash(_("Sie sind abgemeldet, auf allen Ihren Geräten."), "success")
    return redirect(url_for("manage.login"))


@bp.route("/passwort", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data, form.new.data)
        except accounts.AccountError as error:
            form.current.errors.append(str(error))
        else:
            login_user(current_user)  # the session id changed with the password
            flash(_("Ihr Passwort ist geändert. Andere Geräte sind abgemeldet."), "success")
            return redirect(url_for("manage.dashboard"))
    return render_template("manage/password.html", form=form)
