"""Art. 15 and 17 from the manage link: everything stored, as a file and a page; erasure frees the seat."""
import json

import pytest
from sqlalchemy import select

from confapp.extensions import db
from confapp.models import OutboxMessage, Registration, RegistrationStatus
from tests.conftest import axe_violations, has_horizontal_scroll, outbox_messages, post_form
from tests.registration_support import form_data, make_event, manage_link, registration_of
from tests.test_retention import all_stored_text


def _register(client, event, number):
    response = post_form(client, f"/e/{event.slug}/anmelden", form_data(event, number))
    assert response.status_code == 302
    db.session.rollback()  # end the test's read transaction so it sees the new registration


def test_the_attendee_downloads_and_reads_everything_stored(client, app, app_context):
    event = make_event()
    _register(client, event, 1)
    link = manage_link(outbox_messages(app)[0])
    registration = registration_of("anna1@example.org")

    manage = client.get(link).get_data(as_text=True)
    assert f"{link}/daten.json" in manage and f"{link}/daten" in manage and "Anmeldung und Daten löschen" in manage
    download = client.get(f"{link}/daten.json")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["Cache-Control"] == "no-store"
    data = json.loads(download.get_data(as_text=True))
    assert data["registration"]["email"] == "anna1@example.org"
    assert data["emails"][0]["to"] == "anna1@example.org"
    page = client.get(f"{link}/daten").get_data(as_text=True)
    assert "Ihre gespeicherten Daten" in page
    assert registration.last_name in page and registration.organisation in page and "E-Mails an Sie" in page


def test_erasure_asks_first_frees_the_seat_and_leaves_no_trace(client, app, app_context):
    event = make_event(mode="ranked", capacity=1)
    _register(client, event, 1)
    _register(client, event, 2)
    first = registration_of("anna1@example.org")
    name, link = first.last_name, manage_link(outbox_messages(app)[0])

    question = client.get(f"{link}/loeschen").get_data(as_text=True)
    assert "Anmeldung und Daten löschen?" in question
    assert client.post(f"{link}/loeschen", data={}).status_code in (200, 400)  # no CSRF token: nothing happens
    db.session.rollback()
    assert registration_of("anna1@example.org") is not None

    done = post_form(client, f"{link}/loeschen", {}, follow_redirects=True)

    assert "Ihre Anmeldung und Ihre Daten sind gelöscht" in done.get_data(as_text=True)
    db.session.rollback()
    assert registration_of("anna2@example.org").status == RegistrationStatus.confirmed  # promoted
    erased = db.session.get(Registration, first.id)
    assert erased.status == RegistrationStatus.cancelled and erased.email.endswith("@invalid")
    stored = all_stored_text()
    assert "anna1@example.org" not in stored and name not in stored
    assert not db.session.scalars(select(OutboxMessage).where(OutboxMessage.registration_id == first.id)).all()
    assert client.get(link).status_code == 404  # the old link is dead


@pytest.mark.parametrize("path", ["/daten", "/loeschen"])
def test_data_and_erasure_pages_have_no_axe_violations(page, app, app_context, live_server, client, path):
    event = make_event()
    _register(client, event, 1)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server.url + manage_link(outbox_messages(app)[0]) + path)
    assert axe_violations(page) == []
    assert not has_horizontal_scroll(page)
