"""Registrations through the API: the public registration as the form does it, organisers' list,
detail, update and cancel, each response checked against the OpenAPI description."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from confapp import create_app
from confapp.extensions import db, limiter
from confapp.models import Registration, RegistrationStatus
from confapp.services.registration import change as registrations
from tests.api_support import assert_matches, bearer, tokens  # noqa: F401  (tokens is a fixture)
from tests.conftest import outbox_messages
from tests.registration_support import make_event, manage_link

URL = "/api/v1/events/stark-fuer-familien/registrations"
NETWORK_URL = "/api/v1/network/events/stark-fuer-familien/registrations"


def ranked_choices(event, offset: int = 0) -> list[dict]:
    return [{"slot_id": slot.id, "item_ids": [item.id for item in slot.choice_items[offset:offset + event.ranks]]}
            for slot in event.choice_slots]


def attendee(event, **overrides) -> dict:
    return {"first_name": "Jana", "last_name": "Krüger", "email": "jana.krueger@example.org",
            "organisation": "Jugendamt Bitterfeld", "sector": "Jugendamt/ASD", "privacy_consent": True,
            "choices": ranked_choices(event), **overrides}


def count(event) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Registration).where(Registration.event_id == event.id))


def by_email(email: str) -> Registration:
    db.session.rollback()
    return db.session.scalar(select(Registration).where(Registration.email == email))


# --- public registration ----------------------------------------------------------------------

def test_registering_sends_the_confirmation_and_the_answer_holds_no_manage_link(app, client, demo):
    response = client.post(URL, json=attendee(demo[0]))

    assert response.status_code == 202
    assert_matches(client, response, "/events/{slug}/registrations", "post")
    stored = by_email("jana.krueger@example.org")
    assert stored.status == RegistrationStatus.confirmed and len(stored.preferences) == demo[0].ranks
    assert stored.manage_token not in response.get_data(as_text=True)
    mail = outbox_messages(app)[-1]
    assert mail["To"] == "jana.krueger@example.org"
    assert manage_link(mail).endswith(stored.manage_token)


def test_a_second_registration_with_the_same_address_answers_exactly_like_the_first(app, client, demo):
    first = client.post(URL, json=attendee(demo[0]))
    before = count(demo[0])
    again = client.post(URL, json=attendee(demo[0], first_name="Jemand", email="Jana.Krueger@example.org "))

    assert (again.status_code, again.get_data()) == (first.status_code, first.get_data())
    assert count(demo[0]) == before
    assert by_email("jana.krueger@example.org").first_name == "Jana"
    first_mail, second_mail = [m for m in outbox_messages(app) if m["To"] == "jana.krueger@example.org"]
    assert first_mail["Subject"].startswith("Anmeldung bestätigt")
    assert second_mail["Subject"].startswith("Ihre Anmeldung")  # the manage link again, nothing new
    assert manage_link(second_mail) == manage_link(first_mail)


def test_field_problems_are_listed_per_field_in_german_or_english(client, demo):
    event = demo[0]
    slot = event.choice_slots[0]
    twice = [slot.choice_items[0].id] * event.ranks
    body = attendee(event, last_name="", sector="Zauberei", privacy_consent=False, diet="vegan",
                    choices=[{"slot_id": slot.id, "item_ids": twice}])

    german = client.post(URL, json=body)
    assert german.status_code == 422 and german.mimetype == "application/problem+json"
    assert_matches(client, german, "/events/{slug}/registrations", "post")
    errors = german.get_json()["errors"]
    assert errors["last_name"] == "Bitte geben Sie Ihren Nachnamen an."
    assert errors["sector"] == "Bitte wählen Sie ein Arbeitsfeld aus der Liste."
    assert "Datenschutzhinweise" in errors["privacy_consent"] and "needs_consent" in errors
    assert f"choices.{slot.id}.2" in errors

    english = client.post(URL, json=body, headers={"Accept-Language": "en"}).get_json()
    assert english["title"] == "Invalid data"
    assert english["errors"]["last_name"] == "Please enter your last name."
    assert english["errors"]["privacy_consent"] == "Please confirm that you have read the privacy notice."
    assert english["errors"][f"choices.{slot.id}.2"] == "Please choose a different one for each choice."
    assert count(event) == 12


@pytest.mark.parametrize("body, status", [
    ({"first_name": ["Jana"], "choices": "Kita"}, 422),
    ({"name": "Jana"}, 422),
    ("[1, 2]", 400),
])
def test_malformed_bodies_are_problems_not_errors(client, demo, body, status):
    response = (client.post(URL, data=body, content_type="application/json") if isinstance(body, str)
                else client.post(URL, json=body))
    assert response.status_code == status
    assert_matches(client, response, "/events/{slug}/registrations", "post")


def test_form_data_and_unknown_or_closed_events_are_refused(client, demo):
    assert client.post(URL, data={"first_name": "Jana"}).status_code == 415
    missing = client.post("/api/v1/events/gibt-es-nicht/registrations", json=attendee(demo[0]))
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    closed = make_event(slug="vorbei", opens_in_days=-20, closes_in_days=-1)
    refused = client.post("/api/v1/events/vorbei/registrations", json=attendee(closed, choices=[]),
                          headers={"Accept-Language": "en"})
    assert refused.status_code == 409
    assert refused.get_json()["detail"] == "Registration for this event is closed."
    assert_matches(client, refused, "/events/{slug}/registrations", "post")


def test_registration_is_rate_limited_like_the_form(app, demo):
    limited = create_app({**app.config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"})
    try:
        client = limited.test_client()
        answers = [client.post(URL, json=attendee(demo[0], email=f"person{n}@example.org", sector="Kita"))
                   for n in range(21)]
    finally:
        limiter.enabled = False  # the shared extension object: back to what the test app was built with
    assert [a.status_code for a in answers[:20]] == [202] * 20
    assert answers[20].status_code == 429 and answers[20].mimetype == "application/problem+json"


# --- organisers: list, detail, update, cancel ---------------------------------------------

def test_the_list_pages_through_all_registrations_and_filters(client, tokens, demo):
    event = demo[0]
    seen, cursor = [], None
    while True:
        page = client.get(NETWORK_URL, query_string={"limit": 5, **({"cursor": cursor} if cursor else {})},
                          headers=bearer(tokens["read"]))
        assert page.status_code == 200
        assert_matches(client, page, "/network/events/{slug}/registrations")
        body = page.get_json()
        seen += [r["id"] for r in body["registrations"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 12

    someone = db.session.get(Registration, seen[0])
    workshop = event.choice_slots[0].choice_items[2]
    registrations.move_to_workshop(someone, workshop, by="test")
    registrations.cancel(db.session.get(Registration, seen[1]), by="test")
    sector = db.session.get(Registration, seen[2]).sector

    def ids(**query):
        answer = client.get(NETWORK_URL, query_string=query, headers=bearer(tokens["read"]))
        assert answer.status_code == 200
        return [r["id"] for r in answer.get_json()["registrations"]]

    assert ids(workshop=workshop.id) == [seen[0]]
    assert ids(status="cancelled") == [seen[1]]
    assert seen[2] in ids(sector=sector) and all(
        db.session.get(Registration, i).sector == sector for i in ids(sector=sector))
    bad = client.get(NETWORK_URL, query_string={"status": "storniert"}, headers=bearer(tokens["read"]))
    assert bad.status_code == 400 and "status" in bad.get_json()["errors"]
    assert_matches(client, bad, "/network/events/{slug}/registrations")


def test_the_detail_shows_choices_and_history(client, tokens, demo):
    registration = db.session.scalars(select(Registration).where(Registration.event_id == demo[0].id)).first()
    response = client.get(f"{NETWORK_URL}/{registration.id}", headers=bearer(tokens["read"]))
    assert response.status_code == 200
    assert_matches(client, response, "/network/events/{slug}/registrations/{registration_id}")
    body = response.get_json()
    assert body["email"] == registration.email and body["history"][0]["action"] == "registered"
    assert [c["slot_id"] for c in body["choices"]] == [s.id for s in demo[0].choice_slots]


def test_another_networks_token_finds_nothing(client, tokens, demo):
    mine = db.session.scalars(select(Registration).where(Registration.event_id == demo[0].id)).first()
    theirs = db.session.scalars(select(Registration).where(Registration.event_id == demo[1].id)).first()
    foreign = bearer(tokens["other_write"])
    for response in (client.get(NETWORK_URL, headers=foreign),
                     client.get(f"{NETWORK_URL}/{mine.id}", headers=foreign),
                     client.patch(f"{NETWORK_URL}/{mine.id}", json={"first_name": "X"}, headers=foreign),
                     client.post(f"{NETWORK_URL}/{mine.id}/cancel", headers=foreign),
                     # an id of the token's own network under another network's event
                     client.get(f"{NETWORK_URL}/{theirs.id}", headers=foreign)):
        assert response.status_code == 404 and response.mimetype == "application/problem+json"
    db.session.refresh(mine)
    assert mine.status != RegistrationStatus.cancelled and mine.first_name != "X"


def test_a_read_token_cannot_change_or_cancel(client, tokens, demo):
    registration = db.session.scalars(select(Registration).where(Registration.event_id == demo[0].id)).first()
    url = f"{NETWORK_URL}/{registration.id}"
    patched = client.patch(url, json={"first_name": "Geändert"}, headers=bearer(tokens["read"]))
    cancelled = client.post(f"{url}/cancel", headers=bearer(tokens["read"]))
    assert patched.status_code == cancelled.status_code == 403
    assert_matches(client, patched, "/network/events/{slug}/registrations/{registration_id}", "patch")
    assert_matches(client, cancelled, "/network/events/{slug}/registrations/{registration_id}/cancel", "post")
    db.session.refresh(registration)
    assert registration.first_name != "Geändert" and registration.status != RegistrationStatus.cancelled


def test_a_write_token_changes_details_and_choices_through_the_service(client, tokens, demo):
    event = demo[0]
    registration = db.session.scalars(select(Registration).where(Registration.event_id == event.id)).first()
    url = f"{NETWORK_URL}/{registration.id}"
    wanted = ranked_choices(event, offset=3)
    response = client.patch(url, json={"first_name": "=HYPERLINK(\"x\")", "sector": "Schule",
                                       "choices": wanted}, headers=bearer(tokens["write"]))

    assert response.status_code == 200, response.get_json()
    assert_matches(client, response, "/network/events/{slug}/registrations/{registration_id}", "patch")
    body = response.get_json()
    assert (body["first_name"], body["sector"]) == ("=HYPERLINK(\"x\")", "Schule")
    assert [c["wishes"] for c in body["choices"]] == [c["item_ids"] for c in wanted]
    assert {"details_changed", "choices_changed"} <= {h["action"] for h in body["history"]}
    assert any(h["actor"].startswith("API-Token Listen") for h in body["history"])

    invalid = client.patch(url, json={"sector": "Zauberei", "last_name": "x" * 101},
                           headers={**bearer(tokens["write"]), "Accept-Language": "en"})
    assert invalid.status_code == 422
    assert invalid.get_json()["errors"] == {"sector": "Please choose a sector from the list.",
                                            "last_name": "Please enter at most 100 characters."}
    assert_matches(client, invalid, "/network/events/{slug}/registrations/{registration_id}", "patch")


def test_a_write_token_cancels_and_the_attendee_is_told(app, client, tokens, demo):
    registration = db.session.scalars(select(Registration).where(Registration.event_id == demo[0].id)).first()
    url = f"{NETWORK_URL}/{registration.id}"
    response = client.post(f"{url}/cancel", headers=bearer(tokens["write"]))

    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert_matches(client, response, "/network/events/{slug}/registrations/{registration_id}/cancel", "post")
    assert outbox_messages(app)[-1]["To"] == registration.email
    again = client.patch(url, json={"first_name": "Neu"}, headers=bearer(tokens["write"]))
    assert again.status_code == 409
    assert_matches(client, again, "/network/events/{slug}/registrations/{registration_id}", "patch")
