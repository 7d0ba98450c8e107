"""The OpenAPI description of the partner directory and the coverage reports (read-only), merged into
``confapp.api.openapi``."""
from __future__ import annotations

from confapp.api.openapi_parts import (COUNT, EVENT_PROBLEMS, NETWORK, SLUG_PARAMETER, UNAUTHORISED, closed_object,
                                       json_response, problem_response)

PARTNER_SCHEMAS = {
    "Partner": closed_object({
        "id": {"type": "integer"}, "name": {"type": "string"}, "sector": {"type": "string"},
        "address": {"type": "string"}, "district": {"type": "string"},
        "contacts": {**COUNT,
                     "description": "How many contact persons the directory holds (their data is not in the API)"}}),
    "Coverage": closed_object({
        "title": {"type": "string"}, "events": {"type": "array", "items": {"type": "string"}},
        "people_registered": COUNT, "people_attended": COUNT,
        "sectors": {"type": "array", "items": closed_object({
            "sector": {"type": "string"}, "in_directory": COUNT, "invited": COUNT, "registered_institutions": COUNT,
            "attended_institutions": COUNT, "registered_people": COUNT, "attended_people": COUNT})},
        "institutions": {"type": "array", "items": closed_object({
            "partner_id": {"type": "integer"}, "name": {"type": "string"}, "sector": {"type": "string"},
            "invited": {"type": "boolean"}, "registered": COUNT, "attended": COUNT})},
        "new_institutions": {"type": "array", "items": closed_object({
            "name": {"type": "string"}, "sector": {"type": "string"}, "people": COUNT})}}),
}
YEAR_PARAMETER = {"name": "year", "in": "path", "required": True,
                  "schema": {"type": "integer", "minimum": 2000, "maximum": 2100}}
PARTNER_PATHS = {
    "/network/partners": {"get": {
        "operationId": "listPartners", **NETWORK,
        "summary": "The network's partner directory: institutions with sector and district",
        "responses": {"200": json_response("The institutions", {"type": "array",
                                                                "items": {"$ref": "#/components/schemas/Partner"}}),
                      "401": UNAUTHORISED}}},
    "/network/events/{slug}/coverage": {"get": {
        "operationId": "getEventCoverage", **NETWORK, "parameters": [SLUG_PARAMETER],
        "summary": "Which sectors and partner institutions were invited, registered and attended",
        "responses": {"200": json_response("The coverage", {"$ref": "#/components/schemas/Coverage"}),
                      **EVENT_PROBLEMS}}},
    "/network/coverage/{year}": {"get": {
        "operationId": "getYearCoverage", **NETWORK, "parameters": [YEAR_PARAMETER],
        "summary": "The coverage of all the network's events that start in this year",
        "responses": {"200": json_response("The coverage", {"$ref": "#/components/schemas/Coverage"}),
                      "401": UNAUTHORISED, "404": problem_response("A year outside 2000–2100")}}},
}
