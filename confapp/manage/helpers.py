"""Small helpers shared by the back-office views."""
from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from confapp.extensions import db
from confapp.services.events.editor import EditorError
from confapp.services.mail.bulk import BulkMail, NotConfirmed


def attach_errors(form: FlaskForm, error: EditorError) -> None:
    """Put each problem next to its field; problems without a field become a message at the top."""
    for name, message in error.problems.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [message]
        else:
            flash(message, "error")


def flash_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        flash(warning, "warning")


def promotion_step(form: FlaskForm, error: NotConfirmed) -> BulkMail:
    """A save that gives the waitlist more seats waits until the organiser saw who moves up and gets
    an e-mail: nothing of it stands; the form comes back with that preview and its fingerprint
    (``form.confirmed``). A confirmation gone stale (the waitlist changed meanwhile) says so."""
    db.session.rollback()
    if form.confirmed.data:
        flash(str(error), "warning")
    form.confirmed.data = error.preview.fingerprint
    return error.preview


def send_confirmed(send: Callable[[], int], done: Callable[[int], str], preview_url: str, sent_url: str) -> Response:
    """A mass e-mail confirmed on its preview: ``send()`` (the service checks the preview's
    fingerprint) and ``done(count)`` as the message; if recipients or text changed since the
    preview, nothing was sent and the organiser is back at the new preview, told why."""
    try:
        count = send()
    except NotConfirmed as error:
        db.session.rollback()
        flash(str(error), "warning")
        return redirect(preview_url)
    flash(done(count), "success")
    return redirect(sent_url)
