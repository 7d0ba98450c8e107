"""Workshop assignment through the API: a dry run with a read token, applying it with a write token."""
from __future__ import annotations

from sqlalchemy import func, select

from confapp.extensions import db
from confapp.models import Assignment, Registration, RegistrationHistory, RegistrationStatus
from confapp.services.registration import register as registering
from confapp.services.registration.change import RegistrationData
from tests.api_support import assert_matches, bearer, tokens  # noqa: F401  (tokens is a fixture)

URL = "/api/v1/network/events/stark-fuer-familien/assignment"


def stored_seats() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Assignment))


def test_a_dry_run_reports_the_optimal_assignment_and_stores_nothing(client, tokens, demo):
    response = client.post(f"{URL}/preview", headers=bearer(tokens["read"]))

    assert response.status_code == 200
    assert_matches(client, response, "/network/events/{slug}/assignment/preview", "post")
    body = response.get_json()
    confirmed = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == demo[0].id, Registration.status == RegistrationStatus.confirmed))
    assert body["report"]["people"] == confirmed
    assert sum(body["report"]["slots"][0]["wishes"]) + body["report"]["slots"][0]["fallback"] == confirmed
    assert len(body["changes"]) == confirmed * len(demo[0].choice_slots)
    assert stored_seats() == 0


def test_applying_needs_a_write_token_and_stores_what_the_preview_showed(client, tokens, demo):
    preview = client.post(f"{URL}/preview", json={"mode": "reoptimize"}, headers=bearer(tokens["read"])).get_json()
    refused = client.post(URL, json={"fingerprint": preview["fingerprint"]}, headers=bearer(tokens["read"]))
    assert refused.status_code == 403 and stored_seats() == 0

    applied = client.post(URL, json={"fingerprint": preview["fingerprint"]}, headers=bearer(tokens["write"]))
    assert applied.status_code == 200
    assert_matches(client, applied, "/network/events/{slug}/assignment", "post")
    assert applied.get_json()["applied"]["created"] == len(preview["changes"]) == stored_seats()
    actors = set(db.session.scalars(select(RegistrationHistory.actor).where(RegistrationHistory.action == "assigned")))
    assert actors == {next(iter(actors))} and next(iter(actors)).startswith("API-Token Listen")


def test_a_stale_preview_is_not_applied(client, tokens, demo):
    preview = client.post(f"{URL}/preview", headers=bearer(tokens["read"])).get_json()
    event = demo[0]
    registering.register(event, RegistrationData(
        first_name="Neu", last_name="Dazu", email="neu@example.org", organisation="Kita", sector="Kita",
        privacy_consent=True, choices={s.id: [i.id for i in s.choice_items[:event.ranks]] for s in event.choice_slots}))

    stale = client.post(URL, json={"fingerprint": preview["fingerprint"]},
                        headers={**bearer(tokens["write"]), "Accept-Language": "en"})
    assert stale.status_code == 409
    assert stale.get_json()["detail"].startswith("Registrations, wishes or seats changed")
    assert_matches(client, stale, "/network/events/{slug}/assignment", "post")
    assert stored_seats() == 0


def test_bad_options_and_other_networks_are_problems(client, tokens, demo):
    bad = client.post(f"{URL}/preview", json={"mode": "zufall", "extra": 1}, headers=bearer(tokens["read"]))
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"mode", "extra"}
    assert_matches(client, bad, "/network/events/{slug}/assignment/preview", "post")
    foreign = client.post(URL, headers=bearer(tokens["other_write"]))
    assert foreign.status_code == 404 and stored_seats() == 0
