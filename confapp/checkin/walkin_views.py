"""Walk-ins: people without a registration, registered at the door and checked in at once."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from confapp.checkin import bp
from confapp.checkin.forms import WalkInForm
from confapp.checkin.views import person_page
from confapp.services.checkin import door as checkin
from confapp.services.checkin.door import CheckinResult, Outcome
from confapp.extensions import db
from confapp.services.registration.change import (InvalidRegistration, RegistrationData, RegistrationError,
                                                  SeatUnavailable)


@bp.route("/checkin/<slug>/vor-ort", methods=["GET", "POST"])
@login_required
def walk_in(slug: str):
    event = checkin.door_event_or_404(current_user, slug)
    form = WalkInForm.for_event(event)
    problem = None
    if form.validate_on_submit():
        data = RegistrationData(first_name=form.first_name.data, last_name=form.last_name.data,
                                email=form.email.data or "", organisation=form.organisation.data,
                                sector=form.sector.data, choices=form.choices,
                                privacy_consent=form.privacy_consent.data)
        try:
            walk_in = checkin.register_walk_in(current_user, event, data)
        except InvalidRegistration as invalid:
            form.show(invalid)
        except SeatUnavailable as full:  # filled up since the page was shown: nothing was registered
            form = WalkInForm.for_event(event)  # offers only what is still free
            field = form.field_of_item(full.item_id)
            if field is None:  # the slot's last free workshop: the slot is no longer offered
                problem = str(full)
            else:
                field.errors = [*field.errors, str(full)]
        except RegistrationError as error:  # closed for good: the event's data was purged
            db.session.rollback()
            form.email.errors.append(str(error))
        else:
            result = walk_in.registration
            if walk_in.checkin is None:
                return person_page(CheckinResult(Outcome.not_admitted, result.registration))
            notice = None if result.created else _("Diese E-Mail-Adresse war schon angemeldet.")
            if not result.created and data.choices:
                notice += " " + _("Die gewählten Workshops sind nicht übernommen; es gelten die bisherigen.")
            if not result.registration.email:
                notice = _("Ohne E-Mail-Adresse bekommt die Person keine E-Mails (keine Bestätigung, keinen Link).")
            return person_page(walk_in.checkin, notice=notice)
    status = 422 if form.errors or problem else 200
    return render_template("checkin/walk_in.html", event=event, form=form, problem=problem,
                           full=event.capacity is not None and event.seats_taken >= event.capacity), status
