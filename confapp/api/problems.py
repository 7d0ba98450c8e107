"""Problem details (RFC 9457) in the caller's language."""
from __future__ import annotations

from flask import Response, json, request

PROBLEM_TYPE = "application/problem+json"

#: status → (German title, English title)
TITLES = {
    400: ("Ungültige Anfrage", "Bad request"),
    401: ("Anmeldung erforderlich", "Authentication required"),
    403: ("Keine Berechtigung", "Forbidden"),
    404: ("Nicht gefunden", "Not found"),
    405: ("Methode nicht erlaubt", "Method not allowed"),
    409: ("Konflikt", "Conflict"),
    413: ("Anfrage zu groß", "Payload too large"),
    415: ("Falsches Format", "Unsupported media type"),
    422: ("Ungültige Angaben", "Invalid data"),
    429: ("Zu viele Anfragen", "Too many requests"),
    500: ("Interner Fehler", "Internal error"),
}
#: Details by key: (German, English)
DETAILS = {
    "not_found": ("Diese Ressource gibt es nicht.", "This resource does not exist."),
    "token_missing": ("Bitte senden Sie ein API-Token im Header Authorization: Bearer …",
                      "Send an API token in the header Authorization: Bearer …"),
    "token_scope": ("Dieses Token darf nur lesen.", "This token may only read."),
    "json_expected": ("Bitte senden Sie JSON (Content-Type: application/json).",
                      "Send JSON (Content-Type: application/json)."),
    "invalid": ("Bitte prüfen Sie die markierten Angaben.", "Please check the listed fields."),
    "registration_closed": ("Die Anmeldung für diese Veranstaltung ist geschlossen.",
                            "Registration for this event is closed."),
    "registration_received": ("Danke! Wir haben Ihnen eine E-Mail geschickt. Bitte prüfen Sie Ihr Postfach.",
                              "Thank you! We have sent you an e-mail. Please check your inbox."),
    "registration_cancelled": ("Diese Anmeldung ist storniert und lässt sich nicht mehr ändern.",
                               "This registration is cancelled and can no longer be changed."),
    "assignment_impossible": ("Die Zuteilung ist gerade nicht möglich.",
                              "The assignment is not possible now (the German message says why)."),
    "assignment_changed": ("Anmeldungen, Wünsche oder Zuteilungen haben sich seit der Vorschau geändert. "
                           "Bitte berechnen Sie die Vorschau neu.",
                           "Registrations, wishes or seats changed since the preview. Compute a new preview."),
    "generic": ("Die Anfrage konnte nicht verarbeitet werden.", "The request could not be processed."),
}


def language() -> str:
    return request.accept_languages.best_match(["de", "en"], default="de")


class ApiProblem(Exception):
    """Raised anywhere in an API view: answered as ``problem(status, key, errors, detail)``."""

    def __init__(self, status: int, key: str = "generic", errors: dict[str, str] | None = None,
                 detail: str | None = None):
        super().__init__(key)
        self.status, self.key, self.errors, self.detail = status, key, errors, detail

    def response(self) -> Response:
        return problem(self.status, self.key, self.errors, self.detail)


def text(key: str) -> str:
    """A detail text in the caller's language."""
    return DETAILS[key][language() == "en"]


def problem(status: int, key: str = "generic", errors: dict[str, str] | None = None, detail: str | None = None) -> Response:
    """A problem+json response; ``errors`` maps field names to messages."""
    english = language() == "en"
    title = TITLES.get(status, TITLES[500 if status >= 500 else 400])[english]
    body: dict = {"type": "about:blank", "title": title, "status": status,
                  "detail": detail or DETAILS.get(key, DETAILS["generic"])[english]}
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_TYPE)
    response.headers["Content-Language"] = "en" if english else "de"
    return response
