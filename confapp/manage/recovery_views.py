"""„Passwort vergessen?“: ask for a link by e-mail, then set a new password with it."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from confapp.errors import render_error
from confapp.extensions import limiter
from confapp.manage import bp
from confapp.manage.forms import ForgotPasswordForm, ResetPasswordForm
from confapp.services.networks import accounts, recovery
from confapp.services.networks.accounts import AccountError

#: Per address (IP), and per e-mail address asked about: nobody fills a mailbox with reset links.
FORGOT_IP_LIMIT = "5 per minute; 20 per hour"
FORGOT_ACCOUNT_LIMIT = "3 per hour"
#: Setting the password with a link (the link itself is unguessable; this only stops hammering).
RESET_LIMIT = "10 per minute"


def _asked_address() -> str:
    return "forgot:" + accounts.normalise_email(request.form.get("email", ""))[:254]


@bp.route("/passwort-vergessen", methods=["GET", "POST"])
@limiter.limit(FORGOT_IP_LIMIT, methods=["POST"])
@limiter.limit(FORGOT_ACCOUNT_LIMIT, methods=["POST"], key_func=_asked_address)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        recovery.request_reset(form.email.data)
        # The same page whether the address has an account or not: nobody learns who has one.
        return render_template("manage/forgot_password.html", form=None, sent_to=form.email.data)
    return render_template("manage/forgot_password.html", form=form), (422 if form.errors else 200)


@bp.route("/passwort-neu/<secret>", methods=["GET", "POST"])
@limiter.limit(RESET_LIMIT, methods=["POST"])
def reset_password(secret: str):
    if recovery.reset_for(secret) is None:
        return render_error(410, _("Dieser Link gilt nicht mehr: Er war eine Stunde gültig und funktioniert nur "
                                   "einmal. Fordern Sie unter „Passwort vergessen?“ einen neuen an."))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = recovery.reset_password(secret, form.new.data)
        except (recovery.ResetError, AccountError) as error:
            form.new.errors.append(str(error))
        else:
            flash(_("Ihr neues Passwort gilt. Bitte melden Sie sich damit an; alle bisherigen Anmeldungen "
                    "sind beendet."), "success")
            return redirect(url_for("manage.login", email=user.email))
    return render_template("manage/reset_password.html", form=form), (422 if form.errors else 200)
