"""How large a request's body may be: small everywhere, larger where a view takes big files.

``MAX_CONTENT_LENGTH`` (2 MB) bounds every request, so nobody can make a worker read megabytes
into a sign-in form. A view that takes larger files (slides, photos) says so with
``@accepts_files_up_to(bytes)``; its requests may then be that large, plus room for the form's
other fields. The limit is set before anything reads the body (CSRF checks included), so the
app's factory calls ``init_app`` first.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, request

#: The form's other fields and the multipart framing around the file.
FORM_ROOM = 64 * 1024


def accepts_files_up_to(max_bytes: int) -> Callable:
    """Mark a view as taking files of up to ``max_bytes`` (the view still checks each file's size)."""
    def mark(view: Callable) -> Callable:
        view.upload_limit = max_bytes + FORM_ROOM  # copied by functools.wraps of outer decorators
        return view
    return mark


def apply_upload_limit() -> None:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    limit = getattr(view, "upload_limit", None)
    if limit is not None:
        request.max_content_length = limit


def init_app(app: Flask) -> None:
    app.before_request(apply_upload_limit)
