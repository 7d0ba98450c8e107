"""Helpers for the API tests: the description, contract checks against it, tokens."""
from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from confapp.models import TokenScope
from confapp.services.networks import api_tokens


def spec(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def assert_matches(client, response, path: str, method: str = "get"):
    """The response body validates against what the description promises for its status."""
    document = spec(client)
    declared = document["paths"][path][method]["responses"][str(response.status_code)]
    schema = _pointing_into(declared["content"][response.mimetype]["schema"])
    registry = Registry().with_resource("urn:openapi", Resource.opaque(document))
    errors = sorted(Draft202012Validator(schema, registry=registry).iter_errors(response.get_json()), key=str)
    assert errors == [], [error.message for error in errors]


def _pointing_into(node):
    """Make the description's local "$ref"s resolvable from a standalone schema."""
    if isinstance(node, dict):
        return {key: ("urn:openapi" + value if key == "$ref" else _pointing_into(value)) for key, value in node.items()}
    if isinstance(node, list):
        return [_pointing_into(value) for value in node]
    return node


@pytest.fixture
def tokens(demo, app_context):
    """A read and a write token of the Anhalt-Bitterfeld network, a read and a write token of Magdeburg."""
    anhalt, magdeburg = demo[0].network, demo[1].network
    _, read = api_tokens.create_token(anhalt, "Website", TokenScope.read, "admin@example.org")
    _, write = api_tokens.create_token(anhalt, "Listen", TokenScope.write, "admin@example.org")
    _, other = api_tokens.create_token(magdeburg, "Magdeburg", TokenScope.read, "admin@example.org")
    _, other_write = api_tokens.create_token(magdeburg, "Magdeburg Listen", TokenScope.write, "admin@example.org")
    return {"read": read, "write": write, "other": other, "other_write": other_write}


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}
