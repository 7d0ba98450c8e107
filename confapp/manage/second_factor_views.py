"""Each person's second factor: set it up (QR code, one code, recovery codes), renew codes, switch it off."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from confapp.manage import bp
from confapp.manage.forms import ConfirmPasswordForm, SetupCodeForm
from confapp.services.networks import second_factor
from confapp.services.networks.second_factor import SecondFactorError


@bp.route("/zwei-faktor", methods=["GET", "POST"])
@login_required
def second_factor_settings():
    required = second_factor.required_for(current_user)
    if current_user.has_second_factor:
        return render_template("manage/second_factor.html", enabled=True,
                               renew_form=ConfirmPasswordForm(prefix="renew"), off_form=ConfirmPasswordForm(prefix="off"),
                               required=required, unused=second_factor.unused_recovery_codes(current_user))
    form = SetupCodeForm()
    if form.validate_on_submit():
        try:
            codes = second_factor.enable(current_user, form.code.data)
        except SecondFactorError as error:
            form.code.errors.append(str(error))
        else:
            return render_template("manage/recovery_codes.html", codes=codes, first=True)
    secret = second_factor.start_setup(current_user)
    return render_template("manage/second_factor.html", enabled=False, form=form, secret=secret,
                           qr=second_factor.qr_image(second_factor.provisioning_uri(current_user, secret)),
                           required=required), (422 if form.errors else 200)


@bp.post("/zwei-faktor/neue-codes")
@login_required
def renew_recovery_codes():
    form = ConfirmPasswordForm(prefix="renew")
    if form.validate_on_submit() and current_user.has_second_factor:
        try:
            codes = second_factor.renew_recovery_codes(current_user, form.password.data)
        except SecondFactorError as error:
            flash(str(error), "error")
        else:
            return render_template("manage/recovery_codes.html", codes=codes, first=False)
    else:
        flash(_("Bitte geben Sie Ihr Passwort an."), "error")
    return redirect(url_for("manage.second_factor_settings"))


@bp.post("/zwei-faktor/abschalten")
@login_required
def disable_second_factor():
    form = ConfirmPasswordForm(prefix="off")
    if form.validate_on_submit() and current_user.has_second_factor:
        try:
            second_factor.disable(current_user, form.password.data)
        except SecondFactorError as error:
            flash(str(error), "error")
        else:
            flash(_("Die Zwei-Faktor-Anmeldung ist abgeschaltet."), "success")
    else:
        flash(_("Bitte geben Sie Ihr Passwort an."), "error")
    return redirect(url_for("manage.second_factor_settings"))
