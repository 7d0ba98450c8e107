"""API view for the door: check in by badge code (a thin shell over ``services.checkin.door``)."""
from __future__ import annotations

from flask import jsonify

from confapp.api import bp
from confapp.api.auth import network_event, token_actor, token_required
from confapp.api.payloads import invalid_problem, json_object
from confapp.api.problems import ApiProblem
from confapp.models import TokenScope
from confapp.services.checkin import door as checkin

#: A badge URL (BASE_URL/c/<token>) fits easily; anything longer is no badge.
BADGE_LIMIT = 300


@bp.post("/network/events/<slug>/checkin")
@token_required(TokenScope.write)
def check_in_badge(slug: str):
    """Check in the attendee whose badge code (URL or bare token) was scanned; twice is "already"."""
    event = network_event(slug)
    body = json_object()
    errors = {str(name)[:100]: "Dieses Feld gibt es nicht." for name in body if name != "badge"}
    badge = body.get("badge")
    if not isinstance(badge, str) or not badge.strip() or len(badge) > BADGE_LIMIT:
        errors["badge"] = f"Bitte geben Sie den Inhalt des QR-Codes an (höchstens {BADGE_LIMIT} Zeichen)."
    if errors:
        raise invalid_problem(errors)
    result = checkin.check_in_badge_for_event(event, badge, token_actor())
    if result.registration is None:
        raise ApiProblem(404, "not_found")
    person = result.registration
    return jsonify({
        "outcome": result.outcome.value, "registration_id": person.id,
        "first_name": person.first_name, "last_name": person.last_name, "organisation": person.organisation,
        "checked_in_at": person.checked_in_at.isoformat() + "Z" if person.checked_in_at else None,
    })
