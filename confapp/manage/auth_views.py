"""Signing in and out, changing the password."""
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from confapp.extensions import limiter, login_manager
from confapp.manage import bp
from confapp.manage.forms import LoginForm, PasswordChangeForm
from confapp.services.networks import accounts


@login_manager.user_loader
def load_user(value: str):
    return accounts.by_session_id(value)


def _safe_next(target: str | None) -> str:
    """Only paths on this site: an attacker's link cannot send people elsewhere after sign-in."""
    parts = urlsplit(target or "")
    if not target or not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        return url_for("manage.dashboard")
    return target


@bp.route("/anmelden", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("E-Mail-Adresse oder Passwort stimmen nicht."))
    return render_template("manage/login.html", form=form)


@bp.post("/abmelden")
def logout():
    logout_user()
    flash(_("Sie sind abgemeldet."), "success")
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
