"""Door views: badge links, scanner, search and counts. Parse, call services/checkin, render."""
from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from confapp.checkin import bp
from confapp.checkin.forms import ActionForm, CodeForm, SearchForm, SettingsForm
from confapp.formatting import format_wallclock
from confapp.models import Event, RegistrationStatus
from confapp.services.networks import access
from confapp.services.checkin import door as checkin
from confapp.services.checkin.door import CheckinResult, Outcome
from confapp.services.checkin.door_codes import door_code

ICONS = {"ok": "✓", "warn": "!", "bad": "✕"}


def describe(result: CheckinResult, event: Event | None = None) -> dict | None:
    """What the door sees for a result: tone (colour), icon and German text; None for no message."""
    registration = result.registration
    name = registration.full_name if registration else ""
    titles = {
        Outcome.checked_in: _("Eingecheckt"),
        Outcome.already: _("Bereits eingecheckt"),
        Outcome.not_admitted: _("Nicht einchecken"),
        Outcome.not_for_event: _("Nicht für diese Veranstaltung"),
        Outcome.unknown: _("Unbekannter Code"),
        Outcome.undone: _("Check-in zurückgenommen"),
        Outcome.not_checked_in: _("War nicht eingecheckt"),
    }
    if result.outcome not in titles:
        return None
    detail = name
    if result.outcome == Outcome.already:
        at = checkin.local_time(registration.event, registration.checked_in_at)
        detail = _("%(name)s: eingecheckt %(at)s von %(by)s", name=name,
                   at=format_wallclock(at, "short"), by=registration.checked_in_by)
    elif result.outcome == Outcome.not_admitted:
        reason = (_("Anmeldung storniert") if registration.status == RegistrationStatus.cancelled
                  else _("auf der Warteliste"))
        detail = f"{name}: {reason}"
    elif result.outcome == Outcome.unknown:
        detail = _("Dieser Code ist kein Namensschild. Bitte suchen Sie die Person mit Namen.")
    tone = result.outcome.tone
    return {"outcome": result.outcome.value, "tone": tone, "icon": ICONS[tone], "title": titles[result.outcome],
            "detail": detail}


def person_page(result: CheckinResult, status: int = 200, notice: str | None = None):
    """The person with the outcome of what was just done (also used by the walk-in form)."""
    registration = result.registration
    event = registration.event
    return render_template(
        "checkin/person.html", event=event, person=registration, view=describe(result), notice=notice,
        assignments=checkin.assignments_of(registration), form=ActionForm(),
        checked_in_at=checkin.local_time(event, registration.checked_in_at),
        admitted=registration.status == RegistrationStatus.confirmed), status


def _badge_page(result: CheckinResult):
    """The person, or only the outcome (unknown, not for this event) with nothing about anyone."""
    if result.registration is None:
        return render_template("checkin/badge_result.html", view=describe(result)), 404
    return person_page(result)


@bp.get("/c/<token>")
def badge_link(token: str):
    """The URL in a badge's QR code. Door staff see the person; anyone else only a way to sign in."""
    if not current_user.is_authenticated:
        return render_template("checkin/sign_in_needed.html",
                               sign_in_url=url_for("manage.login", next=request.path))
    return _badge_page(checkin.open_badge(current_user, token))


@bp.get("/checkin/")
@login_required
def index():
    return render_template("checkin/index.html", events=checkin.door_events(current_user))


@bp.get("/checkin/<slug>/")
@login_required
def overview(slug: str):
    event = checkin.door_event_or_404(current_user, slug)
    search_form = SearchForm(request.args)
    results = None
    if search_form.q.data and search_form.validate():
        results = checkin.search(current_user, event, search_form.q.data)
    return render_template("checkin/overview.html", event=event, counts=checkin.counts(current_user, event),
                           search_form=search_form, results=results, form=ActionForm(),
                           settings_form=SettingsForm(checkin_on_open=event.checkin_on_open),
                           may_change_settings=checkin.may_change_settings(current_user, event))


@bp.get("/checkin/<slug>/zahlen")
@login_required
def counts(slug: str):
    event = checkin.door_event_or_404(current_user, slug)
    return jsonify(checkin.counts(current_user, event).as_dict())


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.route("/checkin/<slug>/scanner", methods=["GET", "POST"])
@login_required
def scanner(slug: str):
    event = checkin.door_event_or_404(current_user, slug)
    form = CodeForm()
    view = None
    status = 200
    if form.validate_on_submit():
        result = checkin.scan(current_user, event, form.code.data)
        view = describe(result)
        if _wants_json():
            totals = checkin.totals(current_user, event)
            person = result.registration
            return jsonify(view | {
                "name": person.full_name if person else None,
                "url": url_for(".person", slug=slug, registration_id=person.id) if person else None,
                "checked_in": totals.checked_in, "expected": totals.expected})
        form.code.data = ""
    elif request.method == "POST":
        if _wants_json():
            return jsonify({"outcome": "invalid", "tone": "bad", "icon": ICONS["bad"],
                            "title": _("Unbekannter Code"), "detail": " ".join(form.errors.get("code", []))}), 422
        status = 422
    return render_template("checkin/scanner.html", event=event, form=form, view=view,
                           counts=checkin.totals(current_user, event)), status


@bp.get("/checkin/<slug>/person/<int:registration_id>")
@login_required
def person(slug: str, registration_id: int):
    return person_page(CheckinResult(Outcome.found, _door_registration(slug, registration_id)))


def _door_registration(slug: str, registration_id: int):
    event = checkin.door_event_or_404(current_user, slug)
    return checkin.registration_or_404(current_user, event, registration_id)


@bp.post("/checkin/<slug>/person/<int:registration_id>/einchecken")
@login_required
def check_in(slug: str, registration_id: int):
    return person_page(checkin.check_in(current_user, _door_registration(slug, registration_id)))


@bp.post("/checkin/<slug>/person/<int:registration_id>/rueckgaengig")
@login_required
def undo(slug: str, registration_id: int):
    return person_page(checkin.undo_check_in(current_user, _door_registration(slug, registration_id)))


@bp.post("/checkin/<slug>/einstellungen")
@login_required
def settings(slug: str):
    event = checkin.door_event_or_404(current_user, slug)
    form = SettingsForm()
    if form.validate_on_submit():
        checkin.set_checkin_on_open(current_user, event, form.checkin_on_open.data)
        flash(_("Einstellung gespeichert."), "success")
    return redirect(url_for(".overview", slug=slug))


@bp.app_template_global("door_code")
def door_code_global(registration) -> str:
    """The registration's door code in templates: ``door_code(registration)``."""
    return door_code(registration.badge_token)


@bp.app_template_filter("event_local")
def event_local(moment, event: Event):
    """A stored UTC time as wall-clock time at the event (templates: ``x | event_local(event)``)."""
    return checkin.local_time(event, moment)
