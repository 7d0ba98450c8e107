"""Error pages: a clear German page for every error, never a stack trace."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from confapp.api.problems import problem
from confapp.documents.render import RenderTimeout
from confapp.input_checks import MalformedInput
from confapp.extensions import db


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Ungültige Anfrage"), _("Die Anfrage konnte nicht verarbeitet werden. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.")),
        403: (_("Kein Zugriff"), _("Für diese Seite fehlen Ihnen die Rechte.")),
        404: (_("Seite nicht gefunden"), _("Diese Seite gibt es nicht oder nicht mehr. Bitte prüfen Sie den Link.")),
        405: (_("Nicht erlaubt"), _("Diese Aktion ist auf dieser Seite nicht möglich.")),
        410: (_("Link abgelaufen"), _("Dieser Link gilt nicht mehr.")),
        413: (_("Datei zu groß"), _("Die gesendeten Daten sind zu groß. Bitte wählen Sie eine kleinere Datei.")),
        503: (_("Dokument nicht erstellt"), _("Das Dokument konnte nicht rechtzeitig erstellt werden.")),
        429: (_("Zu viele Anfragen"), _("Bitte warten Sie einen Moment und versuchen Sie es dann noch einmal.")),
        500: (_("Ein Fehler ist aufgetreten"), _("Das hat nicht geklappt. Bitte versuchen Sie es später noch einmal.")),
    }


def render_error(code: int, detail: str | None = None):
    """The error page, or problem+json for API requests."""
    if request.path.startswith("/api/"):
        return problem(code, "not_found" if code == 404 else "generic")
    messages = _messages()
    title, text = messages.get(code, messages[500] if code >= 500 else messages[400])
    return render_template("error.html", title=title, text=detail or text, code=code), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, _("Das Formular ist abgelaufen oder unvollständig. Bitte laden Sie die Seite neu und senden Sie es noch einmal."))

    @app.errorhandler(MalformedInput)
    def malformed_input(error: MalformedInput):
        if request.path.startswith("/api/"):
            return problem(400, "generic", detail=str(error))
        return render_error(400, str(error))

    @app.errorhandler(RenderTimeout)
    def render_timeout(error: RenderTimeout):
        db.session.rollback()
        return render_error(503, str(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error")
        db.session.rollback()
        return render_error(500)
