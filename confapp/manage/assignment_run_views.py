"""A preview of the assignment (a run): its progress while it is computed, then its report; apply or discard it.

The preview is computed in the background (``services.assignment.runs``); this page shows a progress bar
that a small script refreshes from ``…/stand`` (without script: a refresh link), then the report in the
organiser's words: summary first, then the apply and notify buttons, then the changes (filterable), the
solver's figures last in a details section. An applied run stays as the report of that assignment.
"""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from confapp.extensions import db
from confapp.manage import bp
from confapp.manage.assignment_forms import ChangeFilterForm
from confapp.manage.event_forms import ConfirmForm
from confapp.models import AssignmentRun, ChoiceMode, Event, RunState
from confapp.services.assignment import runs
from confapp.services.assignment.workflow import AppliedAssignment, AssignmentError, AssignmentPreview
from confapp.services.networks import access, audit


def _run_or_404(slug: str, run_id: int) -> tuple[Event, AssignmentRun]:
    event = access.event_or_404(current_user, slug)
    run = runs.get(event, run_id)
    if run is None:
        abort(404)
    return event, run


def _filtered(result: AssignmentPreview, form: ChangeFilterForm):
    changes = result.changes
    if form.name.data:
        needle = form.name.data.casefold().strip()
        changes = tuple(change for change in changes if needle in change.name.casefold())
    if form.slot.data:
        changes = tuple(change for change in changes if change.slot_label == form.slot.data)
    if form.notified.data:
        changes = tuple(change for change in changes if change.notified)
    return changes


@bp.get("/e/<slug>/zuteilung/lauf/<int:run_id>")
@login_required
def assignment_run(slug: str, run_id: int):
    event, run = _run_or_404(slug, run_id)
    direct = event.choice_mode == ChoiceMode.direct
    if run.state == RunState.running or not run.result:
        return render_template("manage/assignment_progress.html", event=event, run=run, direct=direct)
    result = runs.load(run.result)
    form = ChangeFilterForm(request.args)
    form.slot.choices = [("", _("alle"))] + [(label, label) for label in dict.fromkeys(
        slot.label for slot in result.report.slots)]
    changes = _filtered(result, form) if form.validate() else result.changes
    return render_template("manage/assignment_report.html", event=event, run=run, result=result, direct=direct,
                           changes=changes, filters=form, confirm=ConfirmForm(),
                           registration_open=event.registration_open())


@bp.get("/e/<slug>/zuteilung/lauf/<int:run_id>/stand")
@login_required
def assignment_run_status(slug: str, run_id: int):
    """The run's progress as JSON, for the page's script."""
    _event, run = _run_or_404(slug, run_id)
    return jsonify(state=run.state.value, progress=run.progress, step=run.step,
                   done=run.state != RunState.running)


@bp.post("/e/<slug>/zuteilung/lauf/<int:run_id>/anwenden")
@login_required
def assignment_run_apply(slug: str, run_id: int):
    event, run = _run_or_404(slug, run_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    result = runs.load(run.result) if run.result else None

    def note(applied: AppliedAssignment) -> None:
        audit.record(current_user, "assignment.applied",
                     f"Zuteilung gespeichert ({applied.created} neu, {applied.moved} verschoben, "
                     f"{applied.removed} entfernt; davon "
                     f"{len(result.moves_of_notified) if result else 0} bei bereits Benachrichtigten"
                     + (", mit Ausweichplätzen" if result and result.fallback and event.choice_mode == ChoiceMode.direct
                        else "") + ").", event=event)

    try:
        applied = runs.apply_run(event, run_id, actor=current_user.email, before_commit=note)
    except AssignmentError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("manage.assignment_page", slug=event.slug))
    flash(_("Die Zuteilung ist gespeichert: %(created)d neu, %(moved)d verschoben, %(removed)d entfernt. "
            "Dieser Bericht bleibt unter „Frühere Zuteilungen“ abrufbar.",
            created=applied.created, moved=applied.moved, removed=applied.removed), "success")
    return redirect(url_for("manage.assignment_run", slug=event.slug, run_id=run_id))


@bp.post("/e/<slug>/zuteilung/lauf/<int:run_id>/verwerfen")
@login_required
def assignment_run_discard(slug: str, run_id: int):
    event, _run = _run_or_404(slug, run_id)
    if ConfirmForm().validate_on_submit() and runs.discard(event, run_id):
        flash(_("Die Vorschau ist verworfen; es wurde nichts gespeichert."), "success")
    return redirect(url_for("manage.assignment_page", slug=event.slug))
