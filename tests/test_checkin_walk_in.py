"""Walk-ins: registered at the door through the registration service, checked in at once if there is room."""
from sqlalchemy import select

from confapp.extensions import db
from confapp.models import Registration, RegistrationStatus
from tests.conftest import outbox_messages, post_form, sign_in
from tests.test_checkin import DOOR, EVENT, OTHER_NETWORK, history, people

URL = f"/checkin/{EVENT}/vor-ort"
WALK_IN = {"first_name": "Greta", "last_name": "Spontan", "email": "Greta.Spontan@example.org",
           "organisation": "Kita Regenbogen", "sector": "Kita", "privacy_consent": "y"}


def by_email(email: str) -> Registration | None:
    db.session.commit()  # end the test's read transaction: see what the requests committed
    return db.session.scalar(select(Registration).where(Registration.email == email))


def test_a_walk_in_is_registered_and_checked_in_at_once(app, client, demo, app_context):
    sign_in(client, DOOR)
    html = post_form(client, URL, WALK_IN).get_data(as_text=True)
    assert "result-ok" in html and "Eingecheckt" in html and "Greta Spontan" in html
    person = by_email("greta.spontan@example.org")
    assert person.status == RegistrationStatus.confirmed and person.checked_in_by == DOOR
    assert history(person.id) == [("registered", DOOR), ("checked_in", DOOR)]
    assert client.get(f"/checkin/{EVENT}/zahlen").get_json() == {**client.get(f"/checkin/{EVENT}/zahlen").get_json(),
                                                                  "checked_in": 1, "expected": 13}
    assert any(m["To"] == "greta.spontan@example.org" for m in outbox_messages(app))


def test_a_walk_in_at_a_full_event_goes_to_the_waitlist_and_is_not_checked_in(client, demo, app_context):
    demo[0].capacity = demo[0].seats_taken
    db.session.commit()
    sign_in(client, DOOR)
    assert "Die Veranstaltung ist voll." in client.get(URL).get_data(as_text=True)
    html = post_form(client, URL, WALK_IN).get_data(as_text=True)
    assert "result-bad" in html and "Nicht einchecken" in html and "auf der Warteliste" in html
    person = by_email("greta.spontan@example.org")
    assert person.status == RegistrationStatus.waitlisted and person.checked_in_at is None


def test_someone_already_registered_is_checked_in_not_registered_twice(client, demo, app_context):
    known = people(demo[0])[0]
    sign_in(client, DOOR)
    html = post_form(client, URL, {**WALK_IN, "email": known.email.upper()}).get_data(as_text=True)
    assert "Diese E-Mail-Adresse war schon angemeldet." in html and "Eingecheckt" in html
    assert by_email(known.email).checked_in_by == DOOR
    assert db.session.query(Registration).filter_by(event_id=demo[0].id).count() == 12


def test_walk_in_form_errors_are_german_and_next_to_the_fields(client, demo, app_context):
    sign_in(client, DOOR)
    response = post_form(client, URL, {"first_name": "", "last_name": "x" * 101, "email": "kein-at",
                                       "organisation": "", "sector": "Erfunden"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Bitte prüfen Sie Ihre Angaben" in html
    assert "Bitte geben Sie den Vornamen an." in html and "Bitte geben Sie die Einrichtung oder den Träger an." in html
    assert 'aria-invalid="true"' in html
    assert db.session.query(Registration).filter_by(event_id=demo[0].id).count() == 12


def test_walk_in_with_a_hostile_name_is_shown_as_text(client, demo, app_context):
    sign_in(client, DOOR)
    html = post_form(client, URL, {**WALK_IN, "first_name": "<img src=file:///etc/passwd>"}).get_data(as_text=True)
    assert "<img src=file" not in html and "&lt;img src=file:///etc/passwd&gt; Spontan" in html


def test_other_networks_cannot_register_walk_ins(client, demo, app_context):
    sign_in(client, OTHER_NETWORK)
    assert client.get(URL).status_code == 404
    assert client.get("/checkin/stark-fuer-familien/vor-ort").status_code == 404
