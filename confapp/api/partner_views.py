"""API views for the partner directory and the coverage report, read-only (thin shells over ``services.partners``).

Institutions only: contact persons' names and addresses stay in the back office.
"""
from __future__ import annotations

from flask import g, jsonify

from confapp.api import bp
from confapp.api.auth import network_event, token_required
from confapp.api.problems import ApiProblem
from confapp.services.partners import coverage, directory


def _partner(partner) -> dict:
    return {"id": partner.id, "name": partner.name, "sector": partner.sector, "address": partner.address,
            "district": partner.district, "contacts": len(partner.contacts)}


def _coverage(report: coverage.Coverage) -> dict:
    return {
        "title": report.title, "events": [event.slug for event in report.events],
        "people_registered": report.people_registered, "people_attended": report.people_attended,
        "sectors": [{"sector": row.sector, "in_directory": row.in_directory, "invited": row.invited,
                     "registered_institutions": row.registered_institutions,
                     "attended_institutions": row.attended_institutions,
                     "registered_people": row.registered_people, "attended_people": row.attended_people}
                    for row in report.sectors],
        "institutions": [{"partner_id": row.partner.id, "name": row.partner.name, "sector": row.partner.sector,
                          "invited": row.invited, "registered": row.registered, "attended": row.attended}
                         for row in report.institutions],
        "new_institutions": [{"name": new.name, "sector": new.sector, "people": new.people}
                             for new in report.new_institutions],
    }


@bp.get("/network/partners")
@token_required()
def list_partners():
    return jsonify([_partner(p) for p in directory.partners_of(g.api_token.network)])


@bp.get("/network/events/<slug>/coverage")
@token_required()
def event_coverage(slug: str):
    return jsonify(_coverage(coverage.event_coverage(network_event(slug))))


@bp.get("/network/coverage/<int:year>")
@token_required()
def year_coverage(year: int):
    if not 2000 <= year <= 2100:
        raise ApiProblem(404, "not_found")
    return jsonify(_coverage(coverage.year_coverage(g.api_token.network, year)))
