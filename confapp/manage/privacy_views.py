"""Privacy in the back office: the event's retention date and purge, and the Art. 15 export for one person."""
from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import _, lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SubmitField
from wtforms.validators import DataRequired, Optional

from confapp.extensions import db
from confapp.manage import bp
from confapp.services.networks import access
from confapp.services.networks import audit
from confapp.services.privacy import data_access
from confapp.services.registration import listing as registration_list
from confapp.services.privacy import retention


class PurgeForm(FlaskForm):
    confirm = BooleanField(_l("Ich habe verstanden, dass die personenbezogenen Daten dieser Veranstaltung "
                              "endgültig gelöscht werden."),
                           validators=[DataRequired(_l("Bitte bestätigen Sie die Löschung."))])


class RetentionForm(FlaskForm):
    retention_until = DateField(_l("Löschen nach dem"), validators=[Optional()])
    save = SubmitField(_l("Löschdatum speichern"))
    follow_rule = SubmitField(_l("Regel des Netzwerks verwenden"))


def _page(event, form: PurgeForm, retention_form: RetentionForm, status: int = 200):
    if not retention_form.is_submitted():
        retention_form.retention_until.data = event.retention_until if event.retention_explicit else None
    return render_template(
        "manage/privacy.html", event=event, form=form, retention_form=retention_form,
        is_admin=access.may(current_user, event.network, access.ADMINS),
        state=retention.retention_state(event), preview=retention.purge_preview(event),
        ended=retention.has_ended(event),
        rule_date=retention.default_retention_date(event.network, event.ends_at)), status


@bp.route("/e/<slug>/datenschutz", methods=["GET", "POST"])
@login_required
def privacy_page(slug: str):
    event = access.event_or_404(current_user, slug)
    form = PurgeForm()
    if form.validate_on_submit() and retention.retention_state(event) != "purged":
        try:
            report = retention.purge_event(event, actor=current_user)
        except retention.RetentionError as error:
            db.session.rollback()
            form.confirm.errors = [str(error)]
            return _page(event, form, RetentionForm(formdata=None), 422)
        flash(_("Personenbezogene Daten gelöscht: %(count)d Anmeldungen anonymisiert, %(emails)d E-Mails gelöscht.",
                count=report.registrations, emails=report.emails_deleted), "success")
        return redirect(url_for("manage.privacy_page", slug=slug))
    return _page(event, form, RetentionForm(formdata=None), 422 if form.errors else 200)


@bp.post("/e/<slug>/datenschutz/loeschdatum")
@login_required
def retention_date(slug: str):
    event = access.event_or_404(current_user, slug)
    form = RetentionForm()
    if form.validate_on_submit():
        try:
            retention.set_retention_date(current_user, event,
                                         None if form.follow_rule.data else form.retention_until.data)
        except retention.RetentionError as error:
            db.session.rollback()
            form.retention_until.errors = [str(error)]
        else:
            flash(_("Das Löschdatum ist gespeichert."), "success")
            return redirect(url_for("manage.privacy_page", slug=slug))
    elif form.is_submitted() and form.retention_until.errors:
        form.retention_until.errors = [_("Bitte geben Sie ein gültiges Datum an, z. B. 05.09.2025.")]
    return _page(event, PurgeForm(formdata=None), form, 422)


@bp.get("/e/<slug>/anmeldungen/<int:registration_id>/auskunft.json")
@login_required
def registration_data_export(slug: str, registration_id: int):
    event = access.event_or_404(current_user, slug)
    registration = registration_list.registration_or_404(event, registration_id)
    data = json.dumps(data_access.personal_data(registration), ensure_ascii=False, indent=2)
    audit.record(current_user, "registration.data_export", "Auskunft nach Art. 15 DSGVO heruntergeladen.",
                 event=event, registration=registration)
    db.session.commit()
    response = Response(data, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="auskunft-{registration.id}.json"'
    response.headers["Cache-Control"] = "no-store"  # personal data: not in shared caches
    return response
