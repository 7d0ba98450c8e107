"""API views for registrations: the public registration, and organisers' list, detail, update, cancel."""
from __future__ import annotations

from flask import g, jsonify

from confapp.database import takes_write_lock_late
from confapp.api import bp
from confapp.api.auth import network_event, token_actor, token_required
from confapp.api.payloads import (MAX_ID, choice_arg, field_errors, int_arg, json_object, registration_changes,
                                  registration_data, text_arg)
from confapp.api.problems import ApiProblem, text
from confapp.api.serializers import registration, registration_detail
from confapp.extensions import limiter
from confapp.models import Registration, RegistrationStatus, TokenScope
from confapp.services.events import lookup as events
from confapp.services.registration import register as registering
from confapp.services.registration import change as registrations
from confapp.services.registration import details as api_registrations

#: Per caller address, as the registration form (colleagues on one office network register in a row).
REGISTRATION_LIMIT = "20 per minute;200 per hour"


def network_registration(slug: str, registration_id: int) -> Registration:
    found = (api_registrations.registration_of_network(g.api_token.network, slug, registration_id)
             if registration_id <= MAX_ID else None)
    if found is None:
        raise ApiProblem(404, "not_found")
    return found


@bp.post("/events/<slug>/registrations")
@takes_write_lock_late
@limiter.limit(REGISTRATION_LIMIT)
def register(slug: str):
    """Register as the form does. New or already registered: the same answer (the e-mail tells)."""
    event = events.published_or_404(slug)
    data = registration_data(json_object())
    try:
        registering.register(event, data)
    except registrations.RegistrationClosed:
        raise ApiProblem(409, "registration_closed")
    except registrations.InvalidRegistration as invalid:
        raise field_errors(invalid)
    return jsonify({"email": data.email.strip().lower(), "detail": text("registration_received")}), 202


@bp.get("/network/events/<slug>/registrations")
@token_required()
def list_registrations(slug: str):
    event = network_event(slug)
    status = choice_arg("status", [s.value for s in RegistrationStatus])
    filters = api_registrations.RegistrationFilter(
        status=RegistrationStatus(status) if status else None,
        sector=text_arg("sector", 100), workshop=int_arg("workshop", None, minimum=1))
    page = api_registrations.registrations_page(event, filters, after=int_arg("cursor", 0),
                                                 limit=int_arg("limit", 50, 1, api_registrations.MAX_PAGE))
    return jsonify({"registrations": [registration(r) for r in page.registrations], "next_cursor": page.next_after})


@bp.get("/network/events/<slug>/registrations/<int:registration_id>")
@token_required()
def show_registration(slug: str, registration_id: int):
    return jsonify(registration_detail(network_registration(slug, registration_id)))


@bp.patch("/network/events/<slug>/registrations/<int:registration_id>")
@token_required(TokenScope.write)
def update_registration(slug: str, registration_id: int):
    found = network_registration(slug, registration_id)
    details, choices = registration_changes(json_object(), api_registrations.EDITABLE)
    try:
        api_registrations.update_registration(found, details, choices, by=token_actor())
    except registrations.InvalidRegistration as invalid:
        raise field_errors(invalid)
    except registrations.RegistrationError:
        raise ApiProblem(409, "registration_cancelled")
    return jsonify(registration_detail(network_registration(slug, registration_id)))


@bp.post("/network/events/<slug>/registrations/<int:registration_id>/cancel")
@token_required(TokenScope.write)
def cancel_registration(slug: str, registration_id: int):
    """Cancel (seats go to the waitlist, everyone concerned is e-mailed); cancelling twice changes nothing."""
    registrations.cancel(network_registration(slug, registration_id), by=token_actor())
    return jsonify(registration_detail(network_registration(slug, registration_id)))
