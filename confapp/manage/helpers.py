"""Small helpers shared by the back-office views."""
from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm

from confapp.services.events.editor import EditorError


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
