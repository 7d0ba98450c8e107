"""Check-in through the API: a badge code with a write token checks in once; other events' badges are 404."""
from __future__ import annotations

from sqlalchemy import select

from confapp.extensions import db
from confapp.models import Registration, RegistrationHistory, RegistrationStatus
from tests.api_support import assert_matches, bearer, tokens  # noqa: F401  (tokens is a fixture)

URL = "/api/v1/network/events/stark-fuer-familien/checkin"
PATH = "/network/events/{slug}/checkin"


def _person(event, status=RegistrationStatus.confirmed) -> Registration:
    db.session.rollback()
    return db.session.scalar(select(Registration).where(Registration.event_id == event.id,
                                                        Registration.status == status).order_by(Registration.id))


def test_a_badge_url_checks_in_once_and_the_second_scan_says_already(client, tokens, demo):
    person = _person(demo[0])
    first = client.post(URL, json={"badge": f"http://confapp.test/c/{person.badge_token}"},
                        headers=bearer(tokens["write"]))
    assert first.status_code == 200, first.get_data(as_text=True)
    assert_matches(client, first, PATH, "post")
    assert first.get_json()["outcome"] == "checked_in" and first.get_json()["last_name"] == person.last_name
    again = client.post(URL, json={"badge": person.badge_token}, headers=bearer(tokens["write"]))
    assert again.get_json()["outcome"] == "already"
    person = _person(demo[0])
    assert person.checked_in_at is not None and person.checked_in_by.startswith("API-Token Listen")
    actions = [h.action for h in db.session.scalars(select(RegistrationHistory).where(
        RegistrationHistory.registration_id == person.id))]
    assert actions.count("checked_in") == 1


def test_read_tokens_other_events_and_bad_bodies_change_nothing(client, tokens, demo):
    person = _person(demo[0])
    forum_person = _person(demo[1])
    assert client.post(URL, json={"badge": person.badge_token}, headers=bearer(tokens["read"])).status_code == 403
    # A badge of the same network's other event, and a made-up code: 404, naming nobody.
    other_event = client.post(URL, json={"badge": forum_person.badge_token}, headers=bearer(tokens["write"]))
    assert other_event.status_code == 404 and forum_person.last_name not in other_event.get_data(as_text=True)
    assert client.post(URL, json={"badge": "x" * 20}, headers=bearer(tokens["write"])).status_code == 404
    bad = client.post(URL, json={"badge": "", "extra": 1}, headers=bearer(tokens["write"]))
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"badge", "extra"}
    assert_matches(client, bad, PATH, "post")
    # Another network's token does not see this event at all.
    assert client.post(URL, json={"badge": person.badge_token}, headers=bearer(tokens["other"])).status_code in (403, 404)
    assert _person(demo[0]).checked_in_at is None
