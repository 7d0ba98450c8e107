"""Corrections: attendees fix their details through the private link, organisers every field;
a printed badge is marked for reprint; a cancelled registration comes back (seat or waitlist)."""
from sqlalchemy import select

from tests.conftest import outbox_messages, post_form, sign_in
from tests.manage_helpers import ANHALT, BASE, event_named, registrations_of
from confapp.extensions import db
from confapp.models import Registration, RegistrationStatus, utcnow
from confapp.services.registration.lookup import manage_path


def _person(email_part: str = "") -> Registration:
    return next(r for r in registrations_of() if r.status == RegistrationStatus.confirmed and email_part in r.email)


def _details(registration, **changes):
    data = {"first_name": registration.first_name, "last_name": registration.last_name,
            "organisation": registration.organisation, "sector": registration.sector, "diet": "", "access_needs": ""}
    return {**data, **changes}


def test_an_attendee_corrects_name_and_diet_and_the_printed_badge_is_marked(client, demo, app_context):
    person = _person()
    person.badge_printed_at = utcnow()
    db.session.commit()
    link = manage_path(person)
    assert "Angaben korrigieren" in client.get(link).get_data(as_text=True)

    refused = post_form(client, link + "/angaben", _details(person, last_name="", diet="vegan"))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Bitte geben Sie Ihren Nachnamen an." in html
    assert "Bitte willigen Sie ein" in html
    saved = post_form(client, link + "/angaben", _details(person, first_name="Zoë", diet="vegan", needs_consent="y"),
                      follow_redirects=True)
    assert "Ihre Angaben sind gespeichert." in saved.get_data(as_text=True)
    corrected = next(r for r in registrations_of() if r.id == person.id)
    assert corrected.first_name == "Zoë" and corrected.diet == "vegan" and corrected.needs_consent_at
    assert corrected.badge_reprint
    assert corrected.history[-1].actor == "attendee" and "Vorname" in corrected.history[-1].note

    sign_in(client, ANHALT)
    listed = client.get(f"{BASE}/anmeldungen", query_string={"q": "Zoë"}).get_data(as_text=True)
    assert "Namensschild neu drucken" in listed
    assert f"{corrected.last_name}, Zoë" in client.get(f"{BASE}/dokumente").get_data(as_text=True)

    withdrawn = post_form(client, link + "/angaben", _details(corrected))  # consent box left empty
    assert withdrawn.status_code == 302
    assert next(r for r in registrations_of() if r.id == person.id).diet == ""


def test_an_organiser_corrects_the_address_and_the_new_address_gets_the_link(client, app, demo, app_context):
    person, other = [r for r in registrations_of() if r.status == RegistrationStatus.confirmed][:2]
    old_path = manage_path(person)
    sign_in(client, ANHALT)
    url = f"{BASE}/anmeldungen/{person.id}/bearbeiten"
    taken = post_form(client, url, _details(person, email=other.email))
    assert taken.status_code == 422 and "schon jemand" in taken.get_data(as_text=True)
    before = len(outbox_messages(app))
    post_form(client, url, _details(person, email="Neu.Adresse@Example.org", access_needs="Rollstuhl",
                                    needs_consent="y"))
    corrected = next(r for r in registrations_of() if r.id == person.id)
    assert corrected.email == "neu.adresse@example.org" and corrected.access_needs == "Rollstuhl"
    [mail] = outbox_messages(app)[before:]
    assert mail["To"] == "neu.adresse@example.org" and manage_path(corrected) in mail.get_body(("plain",)).get_content()
    assert client.get(old_path).status_code == 404


def test_a_cancelled_registration_is_reactivated_with_a_seat_or_on_the_waitlist(client, demo, app_context):
    event = event_named()
    first, second = [r for r in registrations_of() if r.status == RegistrationStatus.confirmed][:2]
    sign_in(client, ANHALT)
    for person in (first, second):
        post_form(client, f"{BASE}/anmeldungen/{person.id}/stornieren", {}, page_url=f"{BASE}/anmeldungen/{person.id}")
    event = event_named()
    event.capacity = event.seats_taken + 1
    db.session.commit()
    back = post_form(client, f"{BASE}/anmeldungen/{first.id}/reaktivieren", {},
                     page_url=f"{BASE}/anmeldungen/{first.id}", follow_redirects=True)
    assert "wieder aufgenommen: bestätigt" in back.get_data(as_text=True)
    waiting = post_form(client, f"{BASE}/anmeldungen/{second.id}/reaktivieren", {},
                        page_url=f"{BASE}/anmeldungen/{second.id}", follow_redirects=True)
    assert "wieder aufgenommen: Warteliste" in waiting.get_data(as_text=True)
    statuses = {r.id: r.status for r in registrations_of()}
    assert statuses[first.id] == RegistrationStatus.confirmed and statuses[second.id] == RegistrationStatus.waitlisted
    assert event_named().seats_taken == event_named().capacity
