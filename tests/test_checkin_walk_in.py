"""Walk-ins: registered at the door through the registration service, checked in at once if there is room."""
from sqlalchemy import select

from confapp.extensions import db
from confapp.models import Event, ProgramItem, Registration, RegistrationStatus, Slot
from tests.conftest import csrf_token, outbox_messages, post_form, sign_in
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


# --- Workshops at the door -------------------------------------------------------------------

KITA = "Kinderschutz in der Kita"
PARENTS = "Gespräche mit Eltern bei Sorge um das Kind"


def workshop(title: str) -> ProgramItem:
    db.session.commit()  # end the test's read transaction: see what the requests committed
    return db.session.scalar(select(ProgramItem).join(Slot).join(Event)
                             .where(Event.slug == EVENT, ProgramItem.title == title))


def fill_up(title: str) -> None:
    item = workshop(title)
    item.seats_taken = item.capacity
    db.session.commit()


def test_a_walk_in_takes_a_free_workshop_seat_and_the_door_shows_it(app, client, demo, app_context):
    fill_up(PARENTS)
    kita = workshop(KITA)
    sign_in(client, DOOR)
    form = client.get(URL).get_data(as_text=True)
    assert "Workshop-Platz" in form and "keine Wahl" in form
    assert f"{KITA} (Raum 101) – noch 25 frei" in form
    assert PARENTS not in form  # full: not offered

    html = post_form(client, URL, {**WALK_IN, f"workshop_{kita.slot_id}": str(kita.id)}).get_data(as_text=True)
    assert "result-ok" in html and "Eingecheckt" in html
    assert f"Workshops:</span> {KITA}" in html and "Raum 101" in html
    person = by_email("greta.spontan@example.org")
    assert [(a.program_item.title, a.locked) for a in person.assignments] == [(KITA, True)]
    assert workshop(KITA).seats_taken == 1
    assert history(person.id) == [("registered", DOOR), ("workshop_assigned", DOOR), ("checked_in", DOOR)]
    mail = next(m for m in outbox_messages(app) if m["To"] == "greta.spontan@example.org")
    text = mail.get_body(("plain",)).get_content()
    assert f"Workshops: {KITA}" in text and "nach Anmeldeschluss" not in text  # seated: nothing left to assign


def test_no_choice_at_the_door_takes_no_workshop_seat(client, demo, app_context):
    kita = workshop(KITA)
    sign_in(client, DOOR)
    html = post_form(client, URL, {**WALK_IN, f"workshop_{kita.slot_id}": ""}).get_data(as_text=True)
    assert "Eingecheckt" in html and KITA not in html
    assert by_email("greta.spontan@example.org").assignments == []
    assert workshop(KITA).seats_taken == 0


def test_a_workshop_full_since_the_form_was_shown_is_refused_and_nothing_changes(app, client, demo, app_context):
    kita = workshop(KITA)
    sign_in(client, DOOR)
    page = client.get(URL).get_data(as_text=True)
    assert KITA in page
    fill_up(KITA)  # someone else took the last seat meanwhile
    seats_before = db.session.get(Event, demo[0].id).seats_taken
    response = client.post(URL, data={"csrf_token": csrf_token(page), **WALK_IN,
                                      f"workshop_{kita.slot_id}": str(kita.id)})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"„{KITA}“ ist inzwischen voll. Bitte wählen Sie einen anderen Workshop oder „keine Wahl“." in html
    assert f"{KITA} (Raum 101)" not in html  # no longer offered
    assert by_email("greta.spontan@example.org") is None
    assert db.session.get(Event, demo[0].id).seats_taken == seats_before
    assert workshop(KITA).seats_taken == workshop(KITA).capacity
    assert not any(m["To"] == "greta.spontan@example.org" for m in outbox_messages(app))


def test_a_workshop_of_another_slot_or_garbage_is_refused_in_german(client, demo, app_context):
    kita = workshop(KITA)
    sign_in(client, DOOR)
    for value in ("abc", "999999"):
        response = post_form(client, URL, {**WALK_IN, f"workshop_{kita.slot_id}": value})
        assert response.status_code == 422
        assert "Bitte wählen Sie einen Eintrag aus der Liste." in response.get_data(as_text=True)
    assert by_email("greta.spontan@example.org") is None


def test_when_the_last_free_workshop_of_a_slot_fills_up_the_door_says_so_above_the_form(client, demo, app_context):
    kita = workshop(KITA)
    for item in db.session.get(Slot, kita.slot_id).choice_items:
        if item.id != kita.id:
            item.seats_taken = item.capacity
    db.session.commit()
    sign_in(client, DOOR)
    page = client.get(URL).get_data(as_text=True)
    assert "Workshop-Platz" in page and KITA in page
    fill_up(KITA)
    response = client.post(URL, data={"csrf_token": csrf_token(page), **WALK_IN,
                                      f"workshop_{kita.slot_id}": str(kita.id)})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'role="alert"' in html
    assert f"„{KITA}“ ist inzwischen voll." in html and "Workshop-Platz" not in html  # nothing left to offer
    assert by_email("greta.spontan@example.org") is None
