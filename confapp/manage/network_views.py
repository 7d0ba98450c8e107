"""A network's settings page for its admins: name, responsible body, contact, colour, sender,
legal settings, retention, logo."""
from dataclasses import fields

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from confapp.manage import bp
from confapp.manage.network_forms import LogoForm, NetworkSettingsForm
from confapp.services.networks import access, logos, settings


def _page(network, form, logo_form, status=200):
    return render_template("manage/network_settings.html", network=network, form=form, logo_form=logo_form,
                           checklist=settings.checklist(network)), status


def _value(field):
    """What the form read; an empty text field as "" (WTForms may give None), an empty date as None."""
    if field.data is None and field.type != "DateField":
        return ""
    return field.data


@bp.route("/n/<network_slug>/einstellungen", methods=["GET", "POST"])
@login_required
def network_settings(network_slug: str):
    network = access.network_or_404(current_user, network_slug, access.ADMINS)
    form = NetworkSettingsForm(obj=network)
    if not form.validate_on_submit():
        return _page(network, form, LogoForm(formdata=None), 422 if form.is_submitted() else 200)
    values = settings.NetworkSettings(**{f.name: _value(form[f.name]) for f in fields(settings.NetworkSettings)})
    try:
        changed = settings.update_settings(network, values, current_user)
    except settings.SettingsError as error:
        for name, message in error.problems.items():
            form[name].errors = list(form[name].errors) + [message]
        return _page(network, form, LogoForm(formdata=None), 422)
    if changed:
        flash(_("Die Einstellungen sind gespeichert."), "success")
    else:
        flash(_("Es wurde nichts geändert."), "info")
    return redirect(url_for(".network_settings", network_slug=network.slug))


@bp.post("/n/<network_slug>/logo")
@login_required
def network_logo_upload(network_slug: str):
    network = access.network_or_404(current_user, network_slug, access.ADMINS)
    logo_form = LogoForm()
    if logo_form.validate_on_submit():
        try:
            settings.replace_logo(network, logo_form.logo.data.read(logos.MAX_LOGO_BYTES + 1), current_user)
        except logos.LogoError as error:
            logo_form.logo.errors.append(str(error))
        else:
            flash(_("Das Logo ist gespeichert."), "success")
            return redirect(url_for(".network_settings", network_slug=network.slug, _anchor="logo"))
    form = NetworkSettingsForm(formdata=None, obj=network)
    return _page(network, form, logo_form, 422)


@bp.post("/n/<network_slug>/logo/entfernen")
@login_required
def network_logo_remove(network_slug: str):
    network = access.network_or_404(current_user, network_slug, access.ADMINS)
    if network.logo_mime:
        settings.drop_logo(network, current_user)
        flash(_("Das Logo ist entfernt."), "success")
    return redirect(url_for(".network_settings", network_slug=network.slug, _anchor="logo"))


@bp.get("/n/<network_slug>/logo")
@login_required
def network_logo(network_slug: str):
    network = access.network_or_404(current_user, network_slug, access.ORGANISERS)
    if not network.logo_mime:
        abort(404)
    response = Response(network.logo, mimetype=network.logo_mime)
    # A cleaned SVG has no scripts; opened on its own it still may run none.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
