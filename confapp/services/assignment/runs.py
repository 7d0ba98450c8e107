"""Assignment runs: a preview computed in the background, kept in the database until applied or discarded.

A request that asks for a preview only starts a run (``start``): a thread of the web process computes
it and writes progress and result into the run's row, so the request returns at once (after waiting
a moment, which is enough for the usual event) and any web process can show progress and result. The
result is the ``AssignmentPreview`` as JSON. Applying a run stores exactly those seats (``apply_run``,
refused if anything changed since, as ``workflow.apply`` does); the run stays as the report of that
assignment, viewable later. Starting a new preview discards the open ones of the event.
"""
from __future__ import annotations

import json
import logging
import threading
from dataclasses import asdict
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import select, update

from confapp.extensions import db
from confapp.models import AssignmentRun, Event, RunState, utcnow
from confapp.services.assignment import workflow
from confapp.services.assignment.report import AssignmentReport, ItemFill, SlotOutcome
from confapp.services.assignment.solver import SolverFigures
from confapp.services.assignment.workflow import (AppliedAssignment, AssignmentError, AssignmentMode,
                                                  AssignmentPreview, Change, Unplaced)

log = logging.getLogger(__name__)

#: A running run without a sign of life for this long died with its process.
STALE_AFTER = timedelta(minutes=15)
OPEN = (RunState.running, RunState.ready)


def start(event: Event, mode: AssignmentMode, fallback: bool, actor: str,
          wait_seconds: float | None = None) -> AssignmentRun:
    """Start computing a preview in a background thread; wait up to ``wait_seconds`` for it.

    ``wait_seconds`` defaults to the app's ``ASSIGNMENT_WAIT_SECONDS``. Returns the run, finished or not.
    """
    workflow.require_choices(event, mode)
    now = utcnow()
    db.session.execute(update(AssignmentRun)
                       .where(AssignmentRun.event_id == event.id, AssignmentRun.state.in_(OPEN))
                       .values(state=RunState.discarded, result=None, updated_at=now))
    run = AssignmentRun(event_id=event.id, mode=mode.value, fallback=fallback, started_by=actor[:254],
                        step="Wartet auf den Start", started_at=now, updated_at=now)
    db.session.add(run)
    db.session.commit()
    app = current_app._get_current_object()  # the thread needs the app, not the request's proxy
    worker = threading.Thread(target=_compute_in_thread, args=(app, run.id), name=f"assignment-run-{run.id}",
                              daemon=True)
    worker.start()
    worker.join(app.config.get("ASSIGNMENT_WAIT_SECONDS", 2.0) if wait_seconds is None else wait_seconds)
    db.session.expire(run)
    return run


def _compute_in_thread(app: Flask, run_id: int) -> None:
    with app.app_context():
        try:
            compute(run_id)
        finally:
            db.session.remove()


def compute(run_id: int) -> None:
    """Compute a run's preview and store it (or the error). Progress is committed as it goes."""
    run = db.session.get(AssignmentRun, run_id)
    if run is None or run.state != RunState.running:
        return
    event_id, mode, fallback = run.event_id, AssignmentMode(run.mode), run.fallback

    def progress(percent: int, step: str) -> None:
        _store(run_id, progress=percent, step=step[:200])

    try:
        result = workflow.preview(db.session.get(Event, event_id), mode, progress=progress, fallback=fallback)
    except AssignmentError as error:
        _finish(run_id, state=RunState.failed, error=str(error))
    except Exception:  # noqa: BLE001 - the organiser gets a German message, the log the details
        log.exception("assignment run %s failed", run_id)
        db.session.rollback()
        _finish(run_id, state=RunState.failed,
                error="Die Berechnung ist fehlgeschlagen. Bitte versuchen Sie es noch einmal; "
                      "wenn es wieder nicht klappt, wenden Sie sich an den technischen Support.")
    else:
        _finish(run_id, state=RunState.ready, result=dump(result), progress=100, step="Fertig")


def _finish(run_id: int, **values) -> None:
    db.session.rollback()  # the preview's reading is done
    _store(run_id, **values)


def _store(run_id: int, **values) -> None:
    """Progress or outcome, committed in a transaction of its own while the preview's reading one
    goes on (on SQLite that one may not write once anybody committed since it began). Only a run
    still running: one discarded meanwhile stays discarded."""
    with db.engine.begin() as connection:
        connection.execute(update(AssignmentRun).where(AssignmentRun.id == run_id,
                                                       AssignmentRun.state == RunState.running)
                           .values(updated_at=utcnow(), **values))


def get(event: Event, run_id: int) -> AssignmentRun | None:
    """The run of this event (None for another event's: the caller answers 404)."""
    run = db.session.get(AssignmentRun, run_id)
    if run is None or run.event_id != event.id:
        return None
    if run.state == RunState.running and utcnow() - run.updated_at > STALE_AFTER:
        run.state, run.error = RunState.failed, "Die Berechnung wurde unterbrochen. Bitte starten Sie sie neu."
        db.session.commit()
    return run


def open_run(event: Event) -> AssignmentRun | None:
    """The event's preview that is running or waiting to be applied, if any."""
    return db.session.scalar(select(AssignmentRun).where(AssignmentRun.event_id == event.id,
                                                         AssignmentRun.state.in_(OPEN))
                             .order_by(AssignmentRun.started_at.desc(), AssignmentRun.id.desc()).limit(1))


def applied_runs(event: Event) -> list[AssignmentRun]:
    """The reports of the event's applied assignments, newest first."""
    return list(db.session.scalars(select(AssignmentRun).where(AssignmentRun.event_id == event.id,
                                                               AssignmentRun.state == RunState.applied)
                                   .order_by(AssignmentRun.applied_at.desc(), AssignmentRun.id.desc())))


def discard(event: Event, run_id: int) -> bool:
    """Discard an open preview; False if there is none with that id."""
    done = db.session.execute(update(AssignmentRun)
                              .where(AssignmentRun.id == run_id, AssignmentRun.event_id == event.id,
                                     AssignmentRun.state.in_(OPEN))
                              .values(state=RunState.discarded, result=None, updated_at=utcnow()))
    db.session.commit()
    return done.rowcount == 1


def apply_run(event: Event, run_id: int, actor: str, before_commit=None) -> AppliedAssignment:
    """Store the seats of a computed preview; the run becomes the report of this assignment.

    Refuses (``AssignmentError``) a run that is not ready, and one whose input changed since.
    ``before_commit`` as in ``workflow.apply``.
    """
    run = get(event, run_id)
    if run is None or run.state != RunState.ready or not run.result:
        raise AssignmentError("Diese Vorschau kann nicht mehr übernommen werden. Bitte berechnen Sie sie neu.")
    preview = load(run.result)

    def mark_applied(applied: AppliedAssignment) -> None:
        db.session.execute(update(AssignmentRun).where(AssignmentRun.id == run_id)
                           .values(state=RunState.applied, applied_at=utcnow(), applied_by=actor[:254]))
        if before_commit is not None:
            before_commit(applied)

    return workflow.apply(event, preview, actor=actor, before_commit=mark_applied)


def dump(preview: AssignmentPreview) -> str:
    """A preview as JSON, for the run's row."""
    data = asdict(preview)
    data["mode"] = preview.mode.value
    data["seats"] = [[key[0], key[1], item] for key, item in preview.seats.items()]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def load(text: str) -> AssignmentPreview:
    """The preview stored by ``dump``."""
    data = json.loads(text)
    report = data["report"]
    return AssignmentPreview(
        event_id=data["event_id"], mode=AssignmentMode(data["mode"]),
        seats={(registration, slot): item for registration, slot, item in data["seats"]},
        changes=tuple(Change(**change) for change in data["changes"]),
        report=AssignmentReport(
            people=report["people"],
            slots=tuple(SlotOutcome(**{**slot, "wishes": tuple(slot["wishes"])}) for slot in report["slots"]),
            items=tuple(ItemFill(**{**item, "sectors": tuple(tuple(pair) for pair in item["sectors"]),
                                    "over_cap": tuple(item["over_cap"])}) for item in report["items"]),
            solver=SolverFigures(**report["solver"])),
        fingerprint=data["fingerprint"], fallback=data["fallback"], waiting_for_event=data["waiting_for_event"],
        unplaced=tuple(Unplaced(**{**entry, "wishes": tuple(entry["wishes"])}) for entry in data["unplaced"]),
    )
