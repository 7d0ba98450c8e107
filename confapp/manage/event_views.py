"""Event pages: overview with key figures, the event form, status changes, duplicating."""
from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from confapp.labels import status_label
from confapp.manage import bp
from confapp.manage.event_forms import ConfirmForm, DuplicateForm, EventForm
from confapp.manage.helpers import attach_errors, promotion_step
from confapp.models import ChoiceMode, EventStatus
from confapp.services.networks import access
from confapp.services.events import editor as event_editor
from confapp.services.registration import admin as registration_admin
from confapp.services.events.editor import EditorError, EventDetails
from confapp.services.mail.bulk import NotConfirmed


def _details(form: EventForm) -> EventDetails:
    return EventDetails(
        title=form.title.data, slug=form.slug.data.strip(), subtitle=form.subtitle.data,
        description=form.description.data, starts_at=form.starts_at.data, ends_at=form.ends_at.data,
        venue_name=form.venue_name.data, venue_address=form.venue_address.data, capacity=form.capacity.data,
        registration_opens_at=form.registration_opens_at.data,
        registration_closes_at=form.registration_closes_at.data,
        choice_mode=ChoiceMode(form.choice_mode.data), ranks=form.ranks.data,
        contact_email=(form.contact_email.data or "").strip(), teaching_units=form.teaching_units.data)


@bp.route("/n/<network_slug>/neu", methods=["GET", "POST"])
@login_required
def new_event(network_slug: str):
    network = access.network_or_404(current_user, network_slug)
    form = EventForm()
    if form.validate_on_submit():
        try:
            event = event_editor.create_event(current_user, network, _details(form))
        except EditorError as error:
            attach_errors(form, error)
        else:
            flash(_("Die Veranstaltung ist als Entwurf angelegt."), "success")
            return redirect(url_for("manage.event_overview", slug=event.slug))
    return render_template("manage/event_form.html", form=form, network=network, event=None), \
        422 if form.errors else 200


@bp.get("/e/<slug>/")
@login_required
def event_overview(slug: str):
    event = access.event_or_404(current_user, slug)
    return render_template("manage/event_overview.html", event=event, figures=event_editor.key_figures(event),
                           transitions=event_editor.TRANSITIONS[event.status], form=ConfirmForm())


@bp.route("/e/<slug>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit_event(slug: str):
    event = access.event_or_404(current_user, slug)
    form = EventForm(obj=event)
    if not form.is_submitted():
        form.choice_mode.data = event.choice_mode.value
    shown = None
    if form.validate_on_submit():
        try:
            promoted = event_editor.update_event(current_user, event, _details(form), confirmed=form.confirmed.data)
        except EditorError as error:
            attach_errors(form, error)
        except NotConfirmed as error:  # more seats: first who moves up from the waitlist and gets an e-mail
            shown = promotion_step(form, error)
        else:
            flash(_("Die Änderungen sind gespeichert."), "success")
            if promoted:
                flash(registration_admin.promoted_notice(promoted), "success")
            return redirect(url_for("manage.event_overview", slug=event.slug))
    return render_template("manage/event_form.html", form=form, network=event.network, event=event, shown=shown), \
        422 if form.errors else 200


@bp.post("/e/<slug>/status/<status>")
@login_required
def change_status(slug: str, status: str):
    event = access.event_or_404(current_user, slug)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            event_editor.set_status(current_user, event, EventStatus(status))
        except (ValueError, EditorError) as error:
            flash(str(error) if isinstance(error, EditorError) else _("Diesen Status gibt es nicht."), "error")
        else:
            flash(_("Neuer Status: %(status)s.", status=status_label(event.status)), "success")
    return redirect(url_for("manage.event_overview", slug=event.slug))


@bp.route("/e/<slug>/kopieren", methods=["GET", "POST"])
@login_required
def duplicate_event(slug: str):
    event = access.event_or_404(current_user, slug)
    form = DuplicateForm()
    if not form.is_submitted():
        form.title.data = event.title
        form.slug.data = f"{event.slug}-kopie"[:80]
        form.starts_on.data = event.starts_at.date() + timedelta(weeks=52)
    if form.validate_on_submit():
        try:
            copy = event_editor.duplicate_event(current_user, event, form.slug.data.strip(), form.title.data,
                                                form.starts_on.data)
        except EditorError as error:
            attach_errors(form, error)
        else:
            flash(_("Die Kopie ist als Entwurf angelegt. Bitte prüfen Sie Titel und Termine."), "success")
            return redirect(url_for("manage.event_overview", slug=copy.slug))
    return render_template("manage/event_duplicate.html", form=form, event=event), 422 if form.errors else 200
