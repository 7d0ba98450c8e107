"""Attendee registration pages: the form, the confirmation, and the private manage page."""
from __future__ import annotations

from dataclasses import replace

from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from confapp.database import takes_write_lock_late
from confapp.errors import render_error
from confapp.extensions import limiter
from confapp.models import Registration
from confapp.public import bp
from confapp.public.forms import ChoiceForm, ConfirmForm, DetailsForm, RegistrationForm
from confapp.services.events import lookup as events
from confapp.services.registration import register as registering
from confapp.services.registration import change as registrations
from confapp.services.registration import details as registration_details
from confapp.services.registration import lookup as registration_lookup
from confapp.services.documents import printing as documents
from confapp.services.mail.calendar import FILENAME, event_calendar
from confapp.services.materials import library as material_library
from confapp.services.partners import directory as partner_directory
from confapp.services.partners import invitations as partner_invitations
from confapp.services.registration.choices import noun, ranks_in
from confapp.services.registration.change import InvalidRegistration, RegistrationClosed, RegistrationError

bp.add_app_template_global(ranks_in, "ranks_in")
bp.add_app_template_global(noun, "choice_noun")

#: Per visitor address: enough for colleagues registering one after another on one office network.
POST_LIMIT = "20 per minute;200 per hour"


@bp.route("/e/<slug>/anmelden", methods=["GET", "POST"])
@takes_write_lock_late
@limiter.limit(POST_LIMIT, methods=["POST"])
def register(slug: str):
    event = events.published_or_404(slug, details=False)
    if not event.registration_open():
        return render_template("public/registration_closed.html", event=event)
    form = RegistrationForm.for_event(event)
    invitation_key = f"invitation:{slug}"
    if request.method == "GET" and partner_invitations.LINK_PARAMETER in request.args:
        # A partner's personal link: institution and sector filled in, the link remembered for the POST.
        invitation = partner_invitations.open_invitation(event, request.args[partner_invitations.LINK_PARAMETER])
        if invitation is not None:
            session[invitation_key] = request.args[partner_invitations.LINK_PARAMETER]
            form.organisation.data, form.sector.data = invitation.partner.name, invitation.partner.sector
    if form.validate_on_submit():
        if form.is_bot:  # looks like success to the bot; nothing is stored
            session["registered_email"] = form.email.data
            return redirect(url_for(".registered", slug=slug))
        try:
            registering.register(event, replace(form.as_request(), invitation=session.get(invitation_key)))
        except InvalidRegistration as invalid:
            form.show(invalid)
        except RegistrationClosed:
            return render_template("public/registration_closed.html", event=event)
        else:
            session.pop(invitation_key, None)
            # New or already registered: the same page either way (no hint who is registered).
            session["registered_email"] = form.email.data.strip()
            return redirect(url_for(".registered", slug=slug))
    # The directory's names as suggestions: read only when the form is shown, not for a registration.
    partner_names = partner_directory.names_of(event.network)
    if partner_names:
        form.organisation.render_kw = {**(form.organisation.render_kw or {}), "list": "partner-names"}
    status = 422 if form.is_submitted() else 200
    return render_template("public/register.html", event=event, form=form, partner_names=partner_names), status


@bp.get("/e/<slug>/anmelden/danke")
def registered(slug: str):
    event = events.published_or_404(slug)
    return render_template("public/registered.html", event=event, email=session.get("registered_email"))


def _registration_or_404(slug: str, token: str) -> Registration:
    registration = registration_lookup.find_by_manage_token(token)
    if registration is None or registration.event.slug != slug:
        abort(Response(render_error(404, _("Dieser Link ist ungültig oder abgelaufen. Bitte nutzen Sie den Link "
                                           "aus Ihrer neuesten E-Mail oder melden Sie sich beim Veranstalter."))[0],
                       status=404))
    return registration


def _private(response):
    """Manage pages carry the attendee's secret link: never cached, never indexed."""
    response = response if isinstance(response, Response) else Response(response)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/e/<slug>/anmeldung/<token>")
def manage(slug: str, token: str):
    registration = _registration_or_404(slug, token)
    return _private(render_template(
        "public/manage.html", event=registration.event, registration=registration, token=token,
        slots=registration_lookup.slot_choices(registration),
        waitlist_position=registration_lookup.waitlist_position(registration),
        materials=material_library.for_attendee(registration),
        can_change=registration_lookup.can_change(registration), can_cancel=registration_lookup.can_cancel(registration),
        can_correct=registration_lookup.can_correct(registration),
        certificate=documents.own_certificate_available(registration),
        assigned=registration_lookup.seats_assigned_from_wishes(registration)))


@bp.route("/e/<slug>/anmeldung/<token>/aendern", methods=["GET", "POST"])
@limiter.limit(POST_LIMIT, methods=["POST"])
def change(slug: str, token: str):
    registration = _registration_or_404(slug, token)
    event = registration.event
    if not registration_lookup.can_change(registration):
        flash(_("Ihre Wahl lässt sich nicht mehr ändern: die Plätze sind schon zugeteilt.")
              if registration_lookup.seats_assigned_from_wishes(registration)
              else _("Ihre Wahl lässt sich nicht mehr ändern: die Anmeldung ist geschlossen."), "error")
        return redirect(url_for(".manage", slug=slug, token=token))
    form = ChoiceForm.for_event(event)
    if not form.is_submitted():
        form.fill_choices(registration_lookup.current_choices(registration))
    elif form.validate_on_submit():
        try:
            waiting = registrations.change_choices(registration, form.choices)
        except InvalidRegistration as invalid:
            form.show(invalid)
        except RegistrationError as error:
            flash(str(error), "error")
            return redirect(url_for(".manage", slug=slug, token=token))
        else:
            flash(_("Ihre Änderung ist gespeichert.") + (" " + _("Für %(titles)s stehen Sie auf der Warteliste.",
                                                            titles=", ".join(i.title for i in waiting)) if waiting else ""),
                  "success")
            return redirect(url_for(".manage", slug=slug, token=token))
    status = 422 if form.is_submitted() else 200
    return _private(render_template("public/change.html", event=event, registration=registration, form=form,
                                    token=token)), status


@bp.route("/e/<slug>/anmeldung/<token>/angaben", methods=["GET", "POST"])
@limiter.limit(POST_LIMIT, methods=["POST"])
def correct(slug: str, token: str):
    """The attendee corrects name, organisation, sector, diet and access needs."""
    registration = _registration_or_404(slug, token)
    if not registration_lookup.can_correct(registration):
        return redirect(url_for(".manage", slug=slug, token=token))
    form = DetailsForm.for_registration(registration)
    if not form.is_submitted():
        form.process(data=registration_details.current_details(registration))
    elif form.validate_on_submit():
        try:
            registration_details.correct_details(registration, form.corrections(), by="attendee")
        except InvalidRegistration as invalid:
            form.show(invalid)
        except RegistrationError as error:
            flash(str(error), "error")
            return redirect(url_for(".manage", slug=slug, token=token))
        else:
            flash(_("Ihre Angaben sind gespeichert."), "success")
            return redirect(url_for(".manage", slug=slug, token=token))
    status = 422 if form.is_submitted() else 200
    return _private(render_template("public/details.html", event=registration.event, registration=registration,
                                    form=form, token=token)), status


@bp.route("/e/<slug>/anmeldung/<token>/stornieren", methods=["GET", "POST"])
@limiter.limit(POST_LIMIT, methods=["POST"])
def cancel(slug: str, token: str):
    registration = _registration_or_404(slug, token)
    if not registration_lookup.can_cancel(registration):
        return redirect(url_for(".manage", slug=slug, token=token))
    form = ConfirmForm()
    if form.validate_on_submit():
        registrations.cancel(registration)
        flash(_("Ihre Anmeldung ist storniert. Sie bekommen eine Bestätigung per E-Mail."), "success")
        return redirect(url_for(".manage", slug=slug, token=token))
    return _private(render_template("public/cancel.html", event=registration.event, registration=registration,
                                    form=form, token=token))


@bp.get("/e/<slug>/anmeldung/<token>/kalender.ics")
def calendar_file(slug: str, token: str):
    registration = _registration_or_404(slug, token)
    response = Response(event_calendar(registration.event, registration), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{FILENAME}"'
    return _private(response)


@bp.get("/e/<slug>/anmeldung/<token>/teilnahmebescheinigung.pdf")
def own_certificate(slug: str, token: str):
    """The attendee's own certificate, once the event is over, if they were checked in."""
    registration = _registration_or_404(slug, token)
    try:
        pdf = documents.attendee_certificate_pdf(registration)
    except documents.DocumentError as error:
        flash(str(error), "error")
        return redirect(url_for(".manage", slug=slug, token=token))
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'attachment; filename="teilnahmebescheinigung.pdf"'
    return _private(response)
