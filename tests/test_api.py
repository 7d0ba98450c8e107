"""The JSON API: responses match the OpenAPI description, tokens are scoped to their network."""
import time

import pytest
import schemathesis
from schemathesis.checks import positive_data_acceptance
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate as validate_spec

from confapp.extensions import db
from confapp.models import ApiToken, EventStatus
from confapp.services.networks import api_tokens
from tests.api_support import assert_matches, bearer, spec, tokens  # noqa: F401  (tokens is a fixture)


def test_the_description_is_valid_openapi_3_1(client):
    document = spec(client)
    validate_spec(document)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://confapp.test/api/v1"}]


def test_public_event_list_and_program_match_the_description(client, demo):
    events = client.get("/api/v1/events")
    assert events.status_code == 200
    assert_matches(client, events, "/events")
    assert {e["slug"] for e in events.get_json()["events"]} == {"stark-fuer-familien", "netzwerkforum-magdeburg"}

    event = client.get("/api/v1/events/stark-fuer-familien")
    assert_matches(client, event, "/events/{slug}")
    body = event.get_json()
    workshops = [item for slot in body["slots"] for item in slot["items"] if item["kind"] == "workshop"]
    assert len(workshops) == 7 and all(w["seats_free"] == w["capacity"] for w in workshops)
    assert body["starts_at"].endswith("+01:00") or body["starts_at"].endswith("+02:00")


def test_unknown_and_draft_events_are_problems_in_the_callers_language(client, demo, app_context):
    demo[1].status = EventStatus.draft
    db.session.commit()
    german = client.get("/api/v1/events/netzwerkforum-magdeburg")
    assert german.status_code == 404 and german.mimetype == "application/problem+json"
    assert german.get_json()["title"] == "Nicht gefunden"
    assert_matches(client, german, "/events/{slug}")
    english = client.get("/api/v1/events/gibt-es-nicht", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.get_json()["detail"] == "This resource does not exist."
    assert english.headers["Content-Language"] == "en"


def test_a_token_sees_its_own_networks_events_only(client, tokens):
    mine = client.get("/api/v1/network/events", headers=bearer(tokens["read"]))
    assert mine.status_code == 200
    assert_matches(client, mine, "/network/events")
    assert [e["slug"] for e in mine.get_json()["events"]] == ["stark-fuer-familien"]
    assert client.get("/api/v1/network/events/stark-fuer-familien", headers=bearer(tokens["read"])).status_code == 200
    foreign = client.get("/api/v1/network/events/stark-fuer-familien", headers=bearer(tokens["other"]))
    assert foreign.status_code == 404


@pytest.mark.parametrize("header", [{}, {"Authorization": "Bearer cfa_falsch"}, {"Authorization": "Basic eDp5"}])
def test_organiser_operations_need_a_live_token(client, tokens, header):
    response = client.get("/api/v1/network/events", headers=header)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert_matches(client, response, "/network/events")


def test_tokens_are_stored_hashed_record_last_use_and_can_be_revoked(client, tokens, demo, app_context):
    stored = db.session.query(ApiToken).filter_by(name="Website").one()
    assert tokens["read"] not in (stored.token_hash, stored.prefix) and stored.last_used_at is None
    client.get("/api/v1/network/events", headers=bearer(tokens["read"]))
    db.session.rollback()  # end the test's read transaction (a WAL snapshot) and reload
    assert stored.last_used_at is not None

    api_tokens.revoke_token(demo[0].network, stored.id)
    assert client.get("/api/v1/network/events", headers=bearer(tokens["read"])).status_code == 401


def test_a_network_cannot_revoke_another_networks_token(tokens, demo, app_context):
    stored = db.session.query(ApiToken).filter_by(name="Website").one()
    assert api_tokens.revoke_token(demo[1].network, stored.id) is None
    db.session.refresh(stored)
    assert stored.revoked_at is None


# --- Fuzzing: every operation, generated input, bounded ------------------------------------

#: Wall-clock budget per operation; examples past it are drawn but not sent.
FUZZ_SECONDS_PER_OPERATION = 4


def test_fuzzed_requests_never_fail_and_match_the_description(app, tokens):
    """Schemathesis generates requests for every operation (with a write token where one is needed;
    half of them aimed at a real event, so bodies reach the services): no 5xx, every response as
    described. Bounded: at most 40 examples and a few seconds per operation."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(methods) for methods in spec(app.test_client())["paths"].values())
    sent = 0
    for operation in operations:
        stop_at = time.monotonic() + FUZZ_SECONDS_PER_OPERATION

        @given(case=operation.as_strategy(), real_event=st.booleans())
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case, real_event):
            nonlocal sent
            if time.monotonic() > stop_at:
                return
            if real_event and "slug" in (case.path_parameters or {}):
                case.path_parameters["slug"] = "stark-fuer-familien"
            headers = bearer(tokens["write"]) if operation.path.startswith("/network") else {}
            # Where business rules go past the schema (a network's sectors, an event's workshops),
            # schema-valid input may rightly be a 422: that is declared, so only that check is off.
            rules = [positive_data_acceptance] if "422" in operation.definition.raw["responses"] else []
            case.call_and_validate(headers=headers, excluded_checks=rules)
            sent += 1

        check()
    # Every operation got requests: on a busy machine (the full suite on 2 cores) the time
    # budget may cut the examples short, which once left fewer than 3 per operation.
    assert sent >= len(operations)
