"""Pieces the sections of the OpenAPI description share: JSON Schema fragments, parameters, responses."""
from __future__ import annotations

NULLABLE_STRING = {"type": ["string", "null"]}
MOMENT = {"type": "string", "format": "date-time"}
NULLABLE_MOMENT = {"type": ["string", "null"], "format": "date-time"}
NULLABLE_COUNT = {"type": ["integer", "null"], "minimum": 0}
COUNT = {"type": "integer", "minimum": 0}

#: Text without control characters (``confapp.input_checks`` refuses them with a 400 before any operation).
PLAIN_TEXT = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"
SLUG_PARAMETER = {"name": "slug", "in": "path", "required": True,
                  "schema": {"type": "string", "maxLength": 80, "pattern": PLAIN_TEXT},
                  "description": "The event's slug, e.g. stark-fuer-familien"}

#: What every operation on a network's data has: its tag and the bearer token.
NETWORK = {"tags": ["organiser"], "security": [{"bearerToken": []}]}


def closed_object(properties: dict) -> dict:
    """A closed object whose every property is required."""
    return {"type": "object", "additionalProperties": False, "required": list(properties), "properties": properties}


def problem_response(description: str) -> dict:
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def json_response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


UNAUTHORISED = problem_response("No or an invalid token")
EVENT_PROBLEMS = {"401": UNAUTHORISED, "404": problem_response("No event of this network with this slug")}
