"""The OpenAPI 3.1 description of ``/api/v1``: the contract tests validate real responses against it.

The shared fragments are in ``openapi_parts``; the partner directory and coverage reports in
``openapi_partners``; the other sections and the whole document here.
"""
from __future__ import annotations

from flask import current_app

from confapp.api.openapi_parts import (COUNT, EVENT_PROBLEMS, MOMENT, NETWORK, NULLABLE_COUNT, NULLABLE_MOMENT,
                                       NULLABLE_STRING, PLAIN_TEXT, SLUG_PARAMETER, UNAUTHORISED, closed_object,
                                       json_response, problem_response)
from confapp.api.openapi_partners import PARTNER_PATHS, PARTNER_SCHEMAS
from confapp.api.payloads import MAX_ID
from confapp.services.registration.change import LIMITS

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
    "EventSummary": closed_object(EVENT_SUMMARY_PROPERTIES),
    "EventDetail": closed_object({**EVENT_SUMMARY_PROPERTIES, "description": {"type": "string"},
                                  "contact_email": {"type": "string"},
                                  "slots": {"type": "array", "items": {"$ref": "#/components/schemas/Slot"}}}),
}

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
            "404": problem_response("No published event with this slug")},
    }},
    "/network/events": {"get": {
        "operationId": "listNetworkEvents", "summary": "All events of the token's network, drafts included",
        "tags": ["organiser"], "security": [{"bearerToken": []}],
        "responses": {"200": {"description": "The events", "content": {"application/json": {"schema": {
            "type": "object", "required": ["events"], "additionalProperties": False,
            "properties": {"events": {"type": "array", "items": {"$ref": "#/components/schemas/EventSummary"}}}}}}},
            "401": problem_response("No or an invalid token")},
    }},
    "/network/events/{slug}": {"get": {
        "operationId": "getNetworkEvent", "summary": "One event of the token's network with its program",
        "tags": ["organiser"], "security": [{"bearerToken": []}], "parameters": [SLUG_PARAMETER],
        "responses": {"200": {"description": "The event", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/EventDetail"}}}},
            "401": problem_response("No or an invalid token"),
            "404": problem_response("No event of this network with this slug")},
    }},
}


# --- registrations -------------------------------------------------------------------------

ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
STATUS = {"enum": ["confirmed", "waitlisted", "cancelled"]}
CHOICES_INPUT = {
    "type": "array", "maxItems": 20,
    "description": "Per choice slot the workshops or theme tables, first wish first (direct mode: one).",
    "items": {"type": "object", "additionalProperties": False, "required": ["slot_id", "item_ids"],
              "properties": {"slot_id": ID, "item_ids": {"type": "array", "maxItems": 10, "items": ID}}}}
REGISTRATION_PROPERTIES = {
    "id": {"type": "integer"}, "event": {"type": "string", "description": "The event's slug"},
    "first_name": {"type": "string"}, "last_name": {"type": "string"}, "email": {"type": "string"},
    "organisation": {"type": "string"}, "sector": {"type": "string"}, "status": STATUS,
    "created_at": MOMENT, "checked_in_at": NULLABLE_MOMENT, "photo_consent": {"type": "boolean"},
    "choices": {"type": "array", "items": closed_object({
        "slot_id": {"type": "integer"}, "slot_label": {"type": "string"},
        "wishes": {"type": "array", "items": {"type": "integer"}, "description": "Item ids, first wish first"},
        "assigned": {"type": ["integer", "null"], "description": "The item with the attendee's seat"}})},
}

SCHEMAS.update({
    "Registration": closed_object(REGISTRATION_PROPERTIES),
    "RegistrationDetail": closed_object({
        **REGISTRATION_PROPERTIES, "diet": {"type": "string"}, "access_needs": {"type": "string"},
        "waitlist_position": {"type": ["integer", "null"], "minimum": 1},
        "history": {"type": "array", "items": closed_object({
            "at": MOMENT, "action": {"type": "string"}, "from_status": NULLABLE_STRING,
            "to_status": NULLABLE_STRING, "actor": {"type": "string"}, "note": {"type": "string"}})}}),
    "RegistrationRequest": {
        "type": "object", "additionalProperties": False,
        "required": ["first_name", "last_name", "email", "organisation", "sector", "privacy_consent"],
        "properties": {
            **{name: {"type": "string", "maxLength": limit} for name, limit in LIMITS.items()},
            "privacy_consent": {"type": "boolean", "description": "Must be true: the privacy notice was read"},
            "photo_consent": {"type": "boolean"},
            "needs_consent": {"type": "boolean", "description": "Needed when diet or access_needs are given"},
            "choices": CHOICES_INPUT}},
    "RegistrationChange": {
        "type": "object", "additionalProperties": False,
        "properties": {**{name: {"type": "string", "maxLength": LIMITS[name]}
                          for name in ("first_name", "last_name", "organisation", "sector")},
                       "choices": CHOICES_INPUT}},
})

REGISTRATION_ID_PARAMETER = {"name": "registration_id", "in": "path", "required": True, "schema": ID}
READ_ONLY = problem_response("The token may only read")
NOT_FOUND = problem_response("No such event or registration in the token's network")
INVALID = problem_response("Field problems: `errors` maps each field (choices: `choices.<slot_id>.<rank>`) "
                           "to a message")


def _json_body(ref: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


DETAIL = json_response("The registration", {"$ref": "#/components/schemas/RegistrationDetail"})

PATHS.update({
    "/events/{slug}/registrations": {"post": {
        "operationId": "register", "tags": ["public"], "parameters": [SLUG_PARAMETER],
        "summary": "Register for an event, with the same rules, limits and e-mails as the form",
        "description": "The answer is the same whether the address is new or registered already; the "
                       "e-mail says which, with the private link to change or cancel (never in this answer).",
        "requestBody": _json_body("RegistrationRequest"),
        "responses": {
            "202": json_response("Received; an e-mail is on its way", closed_object(
                {"email": {"type": "string"}, "detail": {"type": "string"}})),
            "400": problem_response("The body is not a JSON object"),
            "404": problem_response("No published event with this slug"),
            "409": problem_response("Registration is closed"),
            "413": problem_response("The body is too large"),
            "415": problem_response("The body is not JSON"),
            "422": INVALID,
            "429": problem_response("Too many registrations from this address; wait a minute")},
    }},
    "/network/events/{slug}/registrations": {"get": {
        "operationId": "listRegistrations", **NETWORK, "summary": "An event's registrations, oldest first",
        "parameters": [
            SLUG_PARAMETER,
            {"name": "status", "in": "query", "schema": STATUS},
            {"name": "sector", "in": "query", "schema": {"type": "string", "maxLength": 100, "pattern": PLAIN_TEXT},
             "description": "One of the network's sectors (another matches nobody)"},
            {"name": "workshop", "in": "query", "schema": ID, "description": "Program item id: who has a seat in it"},
            {"name": "cursor", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
             "description": "`next_cursor` of the previous page"},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200,
                                                        "default": 50}}],
        "responses": {
            "200": json_response("One page", closed_object({
                "registrations": {"type": "array", "items": {"$ref": "#/components/schemas/Registration"}},
                "next_cursor": {"type": ["integer", "null"], "description": "null on the last page"}})),
            "400": problem_response("A filter or paging parameter is invalid"),
            "401": UNAUTHORISED, "404": NOT_FOUND},
    }},
    "/network/events/{slug}/registrations/{registration_id}": {
        "get": {"operationId": "getRegistration", **NETWORK, "summary": "One registration with its history",
                "parameters": [SLUG_PARAMETER, REGISTRATION_ID_PARAMETER],
                "responses": {"200": DETAIL, "401": UNAUTHORISED, "404": NOT_FOUND}},
        "patch": {"operationId": "updateRegistration", **NETWORK,
                  "summary": "Change name, organisation, sector or choices (write token)",
                  "description": "Choices replace the wishes slot by slot, with seats and waitlists as when "
                                 "attendees change them.",
                  "parameters": [SLUG_PARAMETER, REGISTRATION_ID_PARAMETER],
                  "requestBody": _json_body("RegistrationChange"),
                  "responses": {"200": DETAIL, "400": problem_response("The body is not a JSON object"),
                                "401": UNAUTHORISED, "403": READ_ONLY, "404": NOT_FOUND,
                                "409": problem_response("The registration is cancelled"),
                                "413": problem_response("The body is too large"),
                                "415": problem_response("The body is not JSON"), "422": INVALID}},
    },
    "/network/events/{slug}/registrations/{registration_id}/cancel": {"post": {
        "operationId": "cancelRegistration", **NETWORK,
        "summary": "Cancel (write token); seats go to the waitlist, everyone concerned is e-mailed",
        "parameters": [SLUG_PARAMETER, REGISTRATION_ID_PARAMETER],
        "responses": {"200": DETAIL, "401": UNAUTHORISED, "403": READ_ONLY, "404": NOT_FOUND}},
    },
})


# --- assignment ------------------------------------------------------------------------------

MODE = {"enum": ["reoptimize", "fill"], "default": "reoptimize",
        "description": "reoptimize: everyone's seats anew (locked ones stay); fill: only place those without a seat "
                       "(direct-choice events take only fill: it seats the workshops' waitlists, without fallbacks)"}
ASSIGNMENT_PROPERTIES = {
    "mode": {"enum": ["reoptimize", "fill"]},
    "fingerprint": {"type": "string", "description": "Digest of the input; pass it to apply what you saw"},
    "report": closed_object({
        "people": COUNT, "objective": {"type": "integer"}, "optimal": {"type": "boolean"},
        "slots": {"type": "array", "items": closed_object({
            "slot_id": {"type": "integer"}, "label": {"type": "string"},
            "wishes": {"type": "array", "items": COUNT, "description": "People with their 1st, 2nd, … wish"},
            "fallback": COUNT, "unplaced": COUNT, "kept": COUNT})},
        "items": {"type": "array", "items": closed_object({
            "item_id": {"type": "integer"}, "slot_label": {"type": "string"}, "title": {"type": "string"},
            "capacity": COUNT, "assigned": COUNT,
            "sectors": {"type": "array", "items": closed_object({"sector": {"type": "string"}, "people": COUNT})},
            "over_cap": {"type": "array", "items": {"type": "string"}}})}}),
    "changes": {"type": "array", "items": closed_object({
        "registration_id": {"type": "integer"}, "name": {"type": "string"}, "slot_id": {"type": "integer"},
        "slot_label": {"type": "string"}, "before": NULLABLE_STRING, "after": NULLABLE_STRING,
        "notified": {"type": "boolean", "description": "The attendee was told the seat they had"}})},
}
SCHEMAS["AssignmentResult"] = closed_object(ASSIGNMENT_PROPERTIES)
SCHEMAS["AppliedAssignment"] = closed_object({**ASSIGNMENT_PROPERTIES, "applied": closed_object({
    "created": COUNT, "moved": COUNT, "removed": COUNT, "notified": COUNT})})
ASSIGNMENT_RESULT = {"$ref": "#/components/schemas/AssignmentResult"}
ASSIGNMENT_PROBLEMS = {
    "400": problem_response("The body is not a JSON object"), "401": UNAUTHORISED,
    "404": problem_response("No event of this network with this slug"),
    "409": problem_response("Nothing to assign, or the input changed since the preview"),
    "415": problem_response("The body is not JSON"), "422": INVALID}


def _optional_body(properties: dict) -> dict:
    return {"required": False, "content": {"application/json": {"schema": {
        "type": "object", "additionalProperties": False, "properties": properties}}}}


PATHS.update({
    "/network/events/{slug}/assignment/preview": {"post": {
        "operationId": "previewAssignment", **NETWORK, "parameters": [SLUG_PARAMETER],
        "summary": "Dry run: the optimal workshop assignment with its report; stores nothing",
        "requestBody": _optional_body({"mode": MODE}),
        "responses": {"200": json_response("The preview", ASSIGNMENT_RESULT), **ASSIGNMENT_PROBLEMS}}},
    "/network/events/{slug}/assignment": {"post": {
        "operationId": "applyAssignment", **NETWORK, "parameters": [SLUG_PARAMETER],
        "summary": "Compute and store the optimal workshop assignment (write token)",
        "requestBody": _optional_body({
            "mode": MODE,
            "fingerprint": {"type": "string", "maxLength": 128,
                            "description": "From a preview: store only if nothing changed since (else 409)"},
            "notify": {"type": "boolean", "default": False,
                       "description": "Then e-mail every attendee not yet told their workshops"}}),
        "responses": {
            "200": json_response("Stored", {"$ref": "#/components/schemas/AppliedAssignment"}),
            "403": READ_ONLY, **ASSIGNMENT_PROBLEMS}}},
})


# --- statistics and exports ------------------------------------------------------------------

RATE = {"type": "number", "minimum": 0}
SCHEMAS["Statistics"] = closed_object({
    "confirmed": COUNT, "waitlisted": COUNT, "cancelled": COUNT, "checked_in": COUNT,
    "checkin_rate": {**RATE, "description": "Checked in of confirmed, 0–1"},
    "over_time": {"type": "array", "items": closed_object({"date": {"type": "string", "format": "date"},
                                                             "new": COUNT, "total": COUNT})},
    "by_sector": {"type": "array", "items": closed_object({"sector": {"type": "string"}, "registrations": COUNT})},
    "workshops": {"type": "array", "items": closed_object({
        "item_id": {"type": "integer"}, "title": {"type": "string"}, "capacity": COUNT, "assigned": COUNT,
        "fill_rate": RATE,
        "sectors": {"type": "array", "items": closed_object({"sector": {"type": "string"}, "people": COUNT})}})},
})
NAMED_ITEM = closed_object({"slot": {"type": "string"}, "item": {"type": "string"}})
SCHEMAS["RegistrationExport"] = closed_object({
    "event": {"type": "string"},
    "registrations": {"type": "array", "items": closed_object({
        "first_name": {"type": "string"}, "last_name": {"type": "string"}, "email": {"type": "string"},
        "organisation": {"type": "string"}, "sector": {"type": "string"}, "status": STATUS,
        "created_at": NULLABLE_STRING, "checked_in_at": NULLABLE_STRING,
        "preferences": {"type": "array",
                        "items": closed_object({**NAMED_ITEM["properties"], "rank": {"type": "integer"}})},
        "assignments": {"type": "array", "items": NAMED_ITEM}})},
})

PATHS.update({
    "/network/events/{slug}/statistics": {"get": {
        "operationId": "getStatistics", **NETWORK, "parameters": [SLUG_PARAMETER],
        "summary": "Registrations over time, by sector and by workshop; check-in rate",
        "responses": {"200": json_response("The figures", {"$ref": "#/components/schemas/Statistics"}),
                      **EVENT_PROBLEMS}}},
    "/network/events/{slug}/export.json": {"get": {
        "operationId": "exportRegistrationsJson", **NETWORK, "parameters": [SLUG_PARAMETER],
        "summary": "All registrations with status, wishes and assignments (times are UTC)",
        "responses": {"200": json_response("The export", {"$ref": "#/components/schemas/RegistrationExport"}),
                      **EVENT_PROBLEMS}}},
    "/network/events/{slug}/export.csv": {"get": {
        "operationId": "exportRegistrationsCsv", **NETWORK, "parameters": [SLUG_PARAMETER],
        "summary": "The same as CSV for German Excel (UTF-8 with BOM, semicolons, formulas neutralised)",
        "responses": {"200": {"description": "The CSV file", "content": {"text/csv": {"schema": {"type": "string"}}}},
                      **EVENT_PROBLEMS}}},
})


# --- door check-in ---------------------------------------------------------------------------

SCHEMAS["CheckinResult"] = closed_object({
    "outcome": {"enum": ["checked_in", "already", "not_admitted"],
                "description": "checked_in: just now; already: before (maybe by another device); "
                               "not_admitted: cancelled or on the waitlist"},
    "registration_id": {"type": "integer"}, "first_name": {"type": "string"},
    "last_name": {"type": "string"}, "organisation": {"type": "string"},
    "checked_in_at": {"type": ["string", "null"], "format": "date-time"}})
PATHS.update({
    "/network/events/{slug}/checkin": {"post": {
        "operationId": "checkInBadge", **NETWORK, "parameters": [SLUG_PARAMETER],
        "summary": "Check in by badge QR code (write token); a second scan answers `already`",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "additionalProperties": False, "required": ["badge"],
            "properties": {"badge": {"type": "string", "minLength": 1, "maxLength": 300,
                                     "description": "The QR code's content: the badge URL or its token"}}}}}},
        "responses": {"200": json_response("What happened", {"$ref": "#/components/schemas/CheckinResult"}),
                      "400": problem_response("The body is not a JSON object"), "401": UNAUTHORISED,
                      "403": READ_ONLY, "404": problem_response("No such event, or no badge of this event"),
                      "413": problem_response("The body is too large"),
                      "415": problem_response("The body is not JSON"), "422": INVALID}}},
})

# --- partners and coverage (read-only): confapp.api.openapi_partners ---------------------------

SCHEMAS.update(PARTNER_SCHEMAS)
PATHS.update(PARTNER_PATHS)


#: Any operation: what no operation can use (control characters, lone surrogates, JSON nested too
#: deeply, huge integers) is refused before it runs (``confapp.input_checks``).
MALFORMED = problem_response("The request holds characters, nesting or numbers that no operation accepts")


def _with_malformed(paths: dict) -> dict:
    return {path: {method: {**operation, "responses": {"400": MALFORMED, **operation["responses"]}}
                   for method, operation in operations.items()}
            for path, operations in paths.items()}


def openapi_document() -> dict:
    """The whole description, with this installation's address as server."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "confapp API", "version": "1.0.0",
                 "description": "Events, programs and registrations of child-protection network conferences. "
                                "Errors are application/problem+json in German or English (Accept-Language)."},
        "servers": [{"url": f"{current_app.config['BASE_URL']}/api/v1"}],
        "paths": _with_malformed(PATHS),
        "components": {"schemas": SCHEMAS, "securitySchemes": {
            "bearerToken": {"type": "http", "scheme": "bearer",
                            "description": "A network's API token (created by its admins in the back office)."}}},
    }
