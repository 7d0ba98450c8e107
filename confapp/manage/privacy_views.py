"""Privacy in the back office: the event's retention date and purge, and the Art. 15 export for one person."""
from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import _, lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired

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


@bp.route("/e/<slug>/datenschutz", methods=["GET", "POST"])
@login_required
def privacy_page(slug: str):
    event = access.event_or_404(current_user, slug)
    form = PurgeForm()
    if form.validate_on_submit() and event.purged_at is None:
        report = retention.purge_event(event, actor=current_user)
        flash(_("Personenbezogene Daten gelöscht: %(count)d Anmeldungen anonymisiert, %(emails)d E-Mails gelöscht.",
                count=report.registrations, emails=report.emails_deleted), "success")
        return redirect(url_for("manage.privacy_page", slug=slug))
    return render_template("manage/privacy.html", event=event, form=form,
                           is_admin=access.may(current_user, event.network, access.ADMINS),
                           state=retention.retention_state(event), preview=retention.purge_preview(event))


@bp.get("/e/<slug>/anmeldungen/<int:registration_id>/auskunft.json")
@login_required
def registration_data_export(slug: str, registration_id: int):
    event = access.event_or_404(current_user, slug)
    registration = registration_list.registration_or_404(event, registration_id)
    data = json.dumps(data_access.personal_data(registration), ensure_ascii=False, indent=2)
    audit.record(current_user, "registration.data_export", "Auskunft nach Art. 15 DSGVO heruntergeladen.",
                 event=event)
    db.session.commit()
    response = Response(data, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="auskunft-{registration.id}.json"'
    response.headers["Cache-Control"] = "no-store"  # personal data: not in shared caches
    return response
