"""API views: parse, call a service, serialise."""
from flask import abort, g, jsonify

from confapp.api import bp
from confapp.api.auth import token_required
from confapp.api.openapi import openapi_document
from confapp.api.serializers import event_detail, event_summary
from confapp.services.events import lookup as events


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/events")
def list_events():
    return jsonify({"events": [event_summary(event) for event in events.public_events()]})


@bp.get("/events/<slug>")
def show_event(slug: str):
    return jsonify(event_detail(events.published_or_404(slug)))


@bp.get("/network/events")
@token_required()
def network_events():
    """All events of the token's network, drafts included."""
    return jsonify({"events": [event_summary(event) for event in events.events_of_network(g.api_token.network)]})


@bp.get("/network/events/<slug>")
@token_required()
def network_event(slug: str):
    event = events.event_of_network(g.api_token.network, slug)
    if event is None:
        abort(404)
    return jsonify(event_detail(event))
