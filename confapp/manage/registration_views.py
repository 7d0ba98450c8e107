"""The registrations of an event: the searchable table and each registration's detail page."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from confapp.extensions import db
from confapp.labels import registration_status_label
from confapp.manage import bp
from confapp.manage.event_forms import ConfirmForm
from confapp.manage.forms import BulkConfirmForm
from confapp.services.mail.bulk import NotConfirmed
from confapp.services.registration import change
from confapp.manage.helpers import attach_errors
from confapp.manage.registration_forms import AddRegistrationForm, CorrectionForm, MoveForm
from confapp.services.networks import access
from confapp.services.events import program as program_editor
from confapp.services.registration import admin as registration_admin
from confapp.services.registration import listing as registration_list
from confapp.services.events.editor import EditorError
from confapp.services.registration.change import (InvalidRegistration, RegistrationData, RegistrationError,
                                           SeatUnavailable)
from confapp.services.registration import details as registration_details
from confapp.services.registration.listing import RegistrationFilter


def _filter_from(args) -> RegistrationFilter:
    return RegistrationFilter(
        q=args.get("q", "")[:100], status=args.get("status", ""), sector=args.get("sector", "")[:100],
        unassigned_slot_id=args.get("ohne_zuteilung", type=int), item_id=args.get("workshop", type=int),
        wished=args.get("wunsch") == "1", waitlist=args.get("warteliste") == "1",
        sort=args.get("sort", "name"), page=args.get("seite", 1, type=int) or 1)


@bp.get("/e/<slug>/anmeldungen")
@login_required
def registrations(slug: str):
    event = access.event_or_404(current_user, slug)
    wanted = _filter_from(request.args)
    found = registration_list.search(event, wanted)
    items = [item for slot in event.choice_slots for item in slot.choice_items]
    args = {key: value for key, value in request.args.items() if key != "seite"}
    return render_template("manage/registrations.html", event=event, wanted=wanted, found=found, items=items,
                           sorts=registration_list.SORTS, args=args, form=ConfirmForm())


@bp.get("/e/<slug>/anmeldungen/<int:registration_id>")
@login_required
def registration_detail(slug: str, registration_id: int):
    event = access.event_or_404(current_user, slug)
    registration = registration_list.registration_or_404(event, registration_id)
    return render_template("manage/registration.html", event=event, registration=registration,
                           form=ConfirmForm(), move_form=_move_form(event))


# --- actions: every seat decision goes through services.registration ---------------------------

def _sectors(form, event) -> None:
    form.sector.choices = [("", _("– bitte wählen –"))] + [(s, s) for s in event.network.sectors]


@bp.route("/e/<slug>/anmeldungen/neu", methods=["GET", "POST"])
@login_required
def add_registration(slug: str):
    event = access.event_or_404(current_user, slug)
    form = AddRegistrationForm.for_event(event)
    _sectors(form, event)
    if form.validate_on_submit():
        try:
            result = registration_admin.add_by_hand(current_user, event, form.as_request())
        except InvalidRegistration as error:
            form.show(error)
        except RegistrationError as error:  # closed for good: the event's data was purged
            db.session.rollback()
            form.email.errors = [*form.email.errors, str(error)]
        else:
            person = result.registration
            if not result.created:
                flash(_("Diese E-Mail-Adresse ist schon angemeldet; der persönliche Link wurde erneut geschickt."),
                      "warning")
            elif person.email:
                flash(_("Die Anmeldung ist erfasst (%(status)s); die Bestätigung geht per E-Mail raus.",
                        status=registration_status_label(person.status)), "success")
            else:
                flash(_("Die Anmeldung ist erfasst (%(status)s). Ohne E-Mail-Adresse bekommt die Person keine "
                        "E-Mails: bitte teilen Sie ihr Platz, Zuteilung und Änderungen selbst mit.",
                        status=registration_status_label(person.status)), "warning")
            return redirect(url_for("manage.registration_detail", slug=slug, registration_id=person.id))
    return render_template("manage/registration_form.html", event=event, form=form, registration=None), \
        422 if form.errors else 200


@bp.route("/e/<slug>/anmeldungen/<int:registration_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit_registration(slug: str, registration_id: int):
    event = access.event_or_404(current_user, slug)
    reg = registration_list.registration_or_404(event, registration_id)
    form = CorrectionForm()
    _sectors(form, event)
    if not form.is_submitted():
        form.process(data=registration_details.current_details(reg))
    elif form.validate():
        try:
            changed = registration_admin.edit_person(current_user, reg, form.corrections())
        except InvalidRegistration as error:
            attach_errors(form, EditorError(error.problems))
        except RegistrationError as error:
            flash(str(error), "error")
        else:
            flash(_("Die Änderungen sind gespeichert.") if changed else _("Es hat sich nichts geändert."), "success")
            if "email" in changed and reg.email:
                flash(_("Die neue Adresse hat den persönlichen Link per E-Mail bekommen; der alte Link gilt nicht mehr."),
                      "info")
            if reg.badge_reprint:
                flash(_("Das Namensschild ist schon gedruckt und zum Nachdruck markiert."), "warning")
            return redirect(url_for("manage.registration_detail", slug=slug, registration_id=reg.id))
    return render_template("manage/registration_form.html", event=event, form=form, registration=reg), \
        422 if form.errors else 200


@bp.post("/e/<slug>/anmeldungen/<int:registration_id>/stornieren")
@login_required
def cancel_registration(slug: str, registration_id: int):
    event = access.event_or_404(current_user, slug)
    reg = registration_list.registration_or_404(event, registration_id)
    if ConfirmForm().validate_on_submit():
        promoted = registration_admin.cancel(current_user, reg)
        flash(_("Die Anmeldung ist storniert. Nachgerückt: %(n)d.", n=len(promoted)), "success")
        if seated := registration_admin.seated_notice(promoted):
            flash(seated, "success")
    return redirect(url_for("manage.registration_detail", slug=slug, registration_id=registration_id))


@bp.post("/e/<slug>/anmeldungen/<int:registration_id>/reaktivieren")
@login_required
def reactivate_registration(slug: str, registration_id: int):
    event = access.event_or_404(current_user, slug)
    reg = registration_list.registration_or_404(event, registration_id)
    if ConfirmForm().validate_on_submit():
        try:
            reg = registration_admin.reactivate(current_user, reg)
        except RegistrationError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(_("Die Anmeldung ist wieder aufgenommen: %(status)s.", status=registration_status_label(reg.status))
                  + ("" if reg.email else " " + _("Die Person hat keine E-Mail-Adresse und bekommt keine Bestätigung.")),
                  "success")
    return redirect(url_for("manage.registration_detail", slug=slug, registration_id=registration_id))


@bp.post("/e/<slug>/anmeldungen/<int:registration_id>/verschieben")
@login_required
def move_registration(slug: str, registration_id: int):
    event = access.event_or_404(current_user, slug)
    reg = registration_list.registration_or_404(event, registration_id)
    form = _move_form(event)
    if form.validate_on_submit():
        item = program_editor.item_of(event, form.item_id.data)
        if item is None:
            abort(404)
        try:
            registration_admin.move(current_user, reg, item, override_capacity=form.override.data)
        except RegistrationError as error:
            db.session.rollback()
            flash(f"{error} " + (_("Setzen Sie den Haken, um ihn ausnahmsweise zu erweitern.")
                                 if isinstance(error, SeatUnavailable) else ""), "error")
        else:
            flash(_("Verschoben nach „%(title)s“. Per E-Mail erfährt die Person es mit „Zuteilung per E-Mail "
                    "mitteilen“ auf der Seite Zuteilung.", title=item.title), "success")
    return redirect(url_for("manage.registration_detail", slug=slug, registration_id=registration_id))


@bp.post("/e/<slug>/warteliste/nachruecken")
@login_required
def promote_waitlist(slug: str):
    """First the confirmation page (who moves up and gets an e-mail, one of them as it reads)."""
    event = access.event_or_404(current_user, slug)
    form = BulkConfirmForm()
    back = url_for("manage.registrations", slug=slug, warteliste=1)
    if form.validate_on_submit():
        if not form.confirmed.data:
            return render_template(
                "manage/mail_confirm.html", event=event, form=form, shown=change.promotion_preview(event),
                heading=_("Freie Plätze an die Warteliste vergeben"),
                explanation=_("Wer von der Warteliste nachrückt, bekommt eine E-Mail mit der Bestätigung und dem Kalendereintrag."),
                action=url_for("manage.promote_waitlist", slug=slug), back=back)
        try:
            promoted = registration_admin.promote(current_user, event, form.confirmed.data)
        except NotConfirmed as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(_("Nachgerückt: %(n)d.", n=len(promoted)), "success")
            if seated := registration_admin.seated_notice(promoted):
                flash(seated, "success")
    return redirect(back)


def _move_form(event) -> MoveForm:
    form = MoveForm()
    form.item_id.choices = [(item.id, f"{slot.label}: {item.title} ({item.seats_taken}/{item.capacity})")
            for slot in event.choice_slots for item in slot.choice_items]
    return form
