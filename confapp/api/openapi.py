"""The OpenAPI 3.1 description of ``/api/v1``: the contract tests validate real responses against it."""
from __future__ import annotations

from flask import current_app

NULLABLE_STRING = {"type": ["string", "null"]}
MOMENT = {"type": "string", "format": "date-time"}
NULLABLE_MOMENT = {"type": ["string", "null"], "format": "date-time"}
NULLABLE_COUNT = {"type": ["integer", "null"], "minimum": 0}


def _problem_response(description: str) -> dict:
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


#: Fields of an event in lists; the detail adds its description and program.
EVENT_SUMMARY_PROPERTIES = {
    "slug": {"type": "string"}, "title": {"type": "string"}, "subtitle": {"type": "string"},
    "network": {"type": "object", "required": ["slug", "name"], "additionalProperties": False,
                "properties": {"slug": {"type": "string"}, "name": {"type": "string"}}},
    "starts_at": MOMENT, "ends_at": MOMENT, "timezone": {"type": "string"},
    "venue": {"type": "object", "required": ["name", "address"], "additionalProperties": False,
              "properties": {"name": {"type": "string"}, "address": {"type": "string"}}},
    "status": {"enum": ["draft", "published", "closed", "archived"]},
    "registration": {
        "type": "object", "additionalProperties": False,
        "required": ["open", "opens_at", "closes_at", "choice_mode", "ranks"],
        "properties": {"open": {"type": "boolean"}, "opens_at": NULLABLE_MOMENT, "closes_at": NULLABLE_MOMENT,
                       "choice_mode": {"enum": ["ranked", "direct"]},
                       "ranks": {"type": "integer", "minimum": 1, "maximum": 5}}},
    "capacity": NULLABLE_COUNT, "seats_free": NULLABLE_COUNT,
    "url": {"type": "string", "format": "uri"},
}


def _object(properties: dict) -> dict:
    """A closed object whose every property is required."""
    return {"type": "object", "additionalProperties": False, "required": list(properties), "properties": properties}


SCHEMAS = {
    "Problem": {
        "type": "object", "required": ["type", "title", "status", "detail"],
        "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                       "detail": {"type": "string"},
                       "errors": {"type": "object", "additionalProperties": {"type": "string"}}},
    },
    "ProgramItem": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "kind", "title", "abstract", "speakers", "room", "capacity", "seats_free"],
        "properties": {
            "id": {"type": "integer"}, "kind": {"enum": ["talk", "workshop", "theme_table", "break"]},
            "title": {"type": "string"}, "abstract": {"type": "string"},
            "speakers": {"type": "array", "items": {"type": "string"}}, "room": NULLABLE_STRING,
            "capacity": NULLABLE_COUNT, "seats_free": NULLABLE_COUNT,
        },
    },
    "Slot": {
        "type": "object", "additionalProperties": False, "required": ["id", "label", "starts_at", "ends_at", "items"],
        "properties": {"id": {"type": "integer"}, "label": {"type": "string"}, "starts_at": MOMENT, "ends_at": MOMENT,
                       "items": {"type": "array", "items": {"$ref": "#/components/schemas/ProgramItem"}}},
    },
    "EventSummary": _object(EVENT_SUMMARY_PROPERTIES),
    "EventDetail": _object({**EVENT_SUMMARY_PROPERTIES, "description": {"type": "string"},
                            "contact_email": {"type": "string"},
                            "slots": {"type": "array", "items": {"$ref": "#/components/schemas/Slot"}}}),
}

SLUG_PARAMETER = {"name": "slug", "in": "path", "required": True,
                  "schema": {"type": "string", "maxLength": 80}, "description": "The event's slug, e.g. stark-fuer-familien"}

PATHS = {
    "/events": {"get": {
        "operationId": "listEvents", "summary": "Published events, soonest first", "tags": ["public"],
        "responses": {"200": {"description": "The events", "content": {"application/json": {"schema": {
            "type": "object", "required": ["events"], "additionalProperties": False,
            "properties": {"events": {"type": "array", "items": {"$ref": "#/components/schemas/EventSummary"}}}}}}}},
    }},
    "/events/{slug}": {"get": {
        "operationId": "getEvent", "summary": "An event with its program and free seats", "tags": ["public"],
        "parameters": [SLUG_PARAMETER],
        "responses": {"200": {"description": "The event", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/EventDetail"}}}},
            "404": _problem_response("No published event with this slug")},
    }},
    "/network/events": {"get": {
        "operationId": "listNetworkEvents", "summary": "All events of the token's network, drafts included",
        "tags": ["organiser"], "security": [{"bearerToken": []}],
        "responses": {"200": {"description": "The events", "content": {"application/json": {"schema": {
            "type": "object", "required": ["events"], "additionalProperties": False,
            "properties": {"events": {"type": "array", "items": {"$ref": "#/components/schemas/EventSummary"}}}}}}},
            "401": _problem_response("No or an invalid token")},
    }},
    "/network/events/{slug}": {"get": {
        "operationId": "getNetworkEvent", "summary": "One event of the token's network with its program",
        "tags": ["organiser"], "security": [{"bearerToken": []}], "parameters": [SLUG_PARAMETER],
        "responses": {"200": {"description": "The event", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/EventDetail"}}}},
            "401": _problem_response("No or an invalid token"),
            "404": _problem_response("No event of this network with this slug")},
    }},
}


def openapi_document() -> dict:
    """The whole description, with this installation's address as server."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "confapp API", "version": "1.0.0",
                 "description": "Events, programs and registrations of child-protection network conferences. "
                                "Errors are application/problem+json in German or English (Accept-Language)."},
        "servers": [{"url": f"{current_app.config['BASE_URL']}/api/v1"}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS, "securitySchemes": {
            "bearerToken": {"type": "http", "scheme": "bearer",
                            "description": "A network's API token (created by its admins in the back office)."}}},
    }
