"""API views for an event's figures and files: statistics and registration exports, thin shells over
``services.reports.statistics`` and ``services.reports.exports`` (the same numbers and files as the back office)."""
from __future__ import annotations

from flask import Response, jsonify

from confapp.api import bp
from confapp.api.auth import network_event, token_actor, token_required
from confapp.api.serializers import statistics
from confapp.extensions import db
from confapp.services.networks import audit
from confapp.services.reports import exports
from confapp.services.reports import statistics as stats


@bp.get("/network/events/<slug>/statistics")
@token_required()
def event_statistics(slug: str):
    return jsonify(statistics(stats.event_statistics(network_event(slug))))


def _logged(event, fmt: str) -> None:
    """An export of personal data, in the audit log under the token's name."""
    audit.record(token_actor(), "export.registrations", f"Anmeldungen als {fmt} über die API abgerufen.", event=event)
    db.session.commit()


@bp.get("/network/events/<slug>/export.json")
@token_required()
def export_json(slug: str):
    event = network_event(slug)
    data = exports.registrations_json(event)
    _logged(event, "JSON")
    return jsonify(data)


@bp.get("/network/events/<slug>/export.csv")
@token_required()
def export_csv(slug: str):
    """German Excel's CSV (semicolons, BOM), formulas neutralised, as the back office's download."""
    event = network_event(slug)
    body, mimetype = exports.render(exports.registrations_table(event), "csv")
    _logged(event, "CSV")
    return Response(body, mimetype=mimetype.split(";")[0],
                    headers={"Content-Disposition": f'attachment; filename="{event.slug}-anmeldungen.csv"'})
