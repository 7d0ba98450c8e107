"""Workshop assignment in the back office: start a preview, adjust by hand, tell attendees.

Every rule lives in ``services.assignment``; these views parse, authorise, note the action in the audit
log (committed by the service together with the change) and render. Direct-mode events get the same
page, filling free seats from the workshops' waitlists. The preview itself, its progress, report,
apply and discard are in ``assignment_run_views``.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from confapp.extensions import db
from confapp.manage import bp
from confapp.manage.assignment_forms import HandForm, LockForm, PreviewForm
from confapp.manage.event_forms import ConfirmForm
from confapp.manage.forms import BulkConfirmForm
from confapp.models import ChoiceMode, Event, Registration
from confapp.services.networks import access
from confapp.services.assignment import runs
from confapp.services.assignment import notices, workflow as assignment
from confapp.services.networks import audit
from confapp.services.assignment.workflow import AssignmentError, AssignmentMode
from confapp.services.assignment.model import confirmed_registrations
from confapp.services.registration.lookup import workshop_waitlists
from confapp.services.mail.bulk import NotConfirmed


def _people(event: Event) -> list[Registration]:
    return sorted(confirmed_registrations(event), key=lambda r: (r.last_name.lower(), r.first_name.lower(), r.id))


def _hand_form(event: Event, people: list[Registration]) -> HandForm:
    form = HandForm(prefix="hand")
    # A required select starts with an empty option, so nobody is chosen by accident.
    form.registration_id.choices = [("", _("Bitte wählen"))] + [
        (r.id, f"{r.last_name}, {r.first_name}") for r in people]
    form.item_id.choices = [("", _("Bitte wählen"))] + [
        (item.id, f"{slot.label}: {item.title} ({item.seats_taken}/{item.capacity or '∞'})")
        for slot in event.choice_slots for item in slot.choice_items]
    return form


def _page(event: Event, form: PreviewForm | None = None, hand: HandForm | None = None):
    """The assignment page; 422 when one of its forms comes back with errors."""
    people = _people(event)
    status = 422 if (form and form.errors) or (hand and hand.errors) else 200
    waitlists = workshop_waitlists(event)
    waiting = {(person.id, entry.item.slot_id): entry.item.title for entry in waitlists for person in entry.waiting}
    return render_template("manage/assignment.html", event=event, people=people, form=form or PreviewForm(),
                           hand=hand or _hand_form(event, people), lock=LockForm(), confirm=ConfirmForm(),
                           direct=event.choice_mode == ChoiceMode.direct, waitlists=waitlists,
                           waiting=waiting, open_run=runs.open_run(event), applied_runs=runs.applied_runs(event),
                           registration_open=event.registration_open()), status


def _back(event: Event):
    return redirect(url_for("manage.assignment_page", slug=event.slug))


@bp.get("/e/<slug>/zuteilung")
@login_required
def assignment_page(slug: str):
    return _page(access.event_or_404(current_user, slug))


@bp.post("/e/<slug>/zuteilung/vorschau")
@login_required
def assignment_preview(slug: str):
    """Start computing a preview in the background; its page shows progress, then the report."""
    event = access.event_or_404(current_user, slug)
    form = PreviewForm()
    if not form.validate_on_submit():
        return _page(event, form=form)
    try:
        run = runs.start(event, AssignmentMode(form.mode.data), fallback=form.fallback.data,
                         actor=current_user.email)
    except AssignmentError as error:
        flash(str(error), "error")
        return _back(event)
    return redirect(url_for("manage.assignment_run", slug=event.slug, run_id=run.id))


@bp.post("/e/<slug>/zuteilung/platz/<int:assignment_id>/sperre")
@login_required
def assignment_lock(slug: str, assignment_id: int):
    event = access.event_or_404(current_user, slug)
    form = LockForm()
    if form.validate_on_submit():
        locked = form.locked.data == "1"
        try:
            seat = assignment.set_locked(event, assignment_id, locked, actor=current_user.email)
        except AssignmentError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            # Logged once done: the service's lock commits what is pending before it checks anything.
            audit.record(current_user, "assignment.locked" if locked else "assignment.unlocked",
                         f"Zuteilung {assignment_id} {'gesperrt' if locked else 'entsperrt'}.", event=event,
                         registration=seat.registration)
            db.session.commit()
            name = seat.registration.full_name
            flash(_("Der Platz von %(name)s ist gesperrt.", name=name) if locked else
                  _("Der Platz von %(name)s ist wieder frei für die Optimierung.", name=name), "success")
    return _back(event)


@bp.post("/e/<slug>/zuteilung/von-hand")
@login_required
def assignment_by_hand(slug: str):
    event = access.event_or_404(current_user, slug)
    form = _hand_form(event, _people(event))
    if not form.validate_on_submit():
        return _page(event, hand=form)
    try:
        person = dict(form.registration_id.choices)[form.registration_id.data]
        item = dict(form.item_id.choices)[form.item_id.data]
        seat = assignment.assign_by_hand(event, form.registration_id.data, form.item_id.data,
                                         actor=current_user.email)
    except AssignmentError as error:
        db.session.rollback()
        form.item_id.errors = list(form.item_id.errors) + [str(error)]
        return _page(event, hand=form)
    # Logged once done: the service's lock commits what is pending before it checks anything.
    audit.record(current_user, "assignment.by_hand", f"{person} von Hand zugeteilt: {item}.", event=event,
                 registration=seat.registration)
    db.session.commit()
    flash(_("%(name)s hat jetzt einen festen Platz in „%(title)s“.", name=seat.registration.full_name,
            title=seat.program_item.title), "success")
    return _back(event)


@bp.post("/e/<slug>/zuteilung/benachrichtigen")
@login_required
def assignment_notify(slug: str):
    """First the confirmation page (how many, one e-mail as it reads); its button sends."""
    event = access.event_or_404(current_user, slug)
    form = BulkConfirmForm()
    if not form.validate_on_submit():
        return _back(event)
    try:
        if not form.confirmed.data:
            return render_template(
                "manage/mail_confirm.html", event=event, form=form, shown=notices.notify_preview(event),
                heading=_("Zuteilung per E-Mail mitteilen"),
                explanation=_("Jede Person mit einem noch nicht mitgeteilten Platz bekommt eine E-Mail mit ihren Workshops."),
                action=url_for("manage.assignment_notify", slug=slug), back=url_for("manage.assignment_page", slug=slug))
        audit.record(current_user, "assignment.notified", "Zuteilungen per E-Mail mitgeteilt.", event=event)
        sent = notices.notify_assigned(event, actor=current_user.email, confirmed=form.confirmed.data)
    except (AssignmentError, NotConfirmed) as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(_("%(n)d E-Mails mit der Zuteilung sind im Postausgang.", n=sent), "success")
    return _back(event)
