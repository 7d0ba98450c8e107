"""Privacy in the back office: retention warning, purge after confirmation, Art. 15 export for one person."""
import json
from datetime import date, timedelta

from sqlalchemy import select

from confapp.extensions import db
from confapp.models import AuditEntry
from tests.conftest import axe_violations, post_form, sign_in
from tests.manage_helpers import ANHALT, BASE, DOOR, event_named, move_into_past, registrations_of
from tests.test_backoffice_browser import _sign_in


def test_the_page_warns_when_the_retention_date_is_past(client, demo, app_context):
    event = event_named()
    sign_in(client, ANHALT)
    page = client.get(f"{BASE}/datenschutz").get_data(as_text=True)
    assert event.retention_until.strftime("%d.%m.%Y") in page and "Löschung fällig" not in page
    assert "Was gelöscht wird" in page and "Was bleibt" in page

    event.retention_until = date.today() + timedelta(days=10)
    db.session.commit()
    assert "Löschung bald fällig" in client.get(f"{BASE}/datenschutz").get_data(as_text=True)
    event.retention_until = date.today() - timedelta(days=1)
    db.session.commit()
    assert "Löschung fällig:" in client.get(f"{BASE}/datenschutz").get_data(as_text=True)


def test_purge_needs_the_confirmation_and_is_audited(client, demo, app_context):
    move_into_past(event_named())
    first = registrations_of()[0]
    name, email = first.last_name, first.email
    sign_in(client, ANHALT)

    refused = post_form(client, f"{BASE}/datenschutz", {})
    assert "Bitte bestätigen Sie die Löschung." in refused.get_data(as_text=True)
    assert registrations_of()[0].email == email and event_named().purged_at is None

    done = post_form(client, f"{BASE}/datenschutz", {"confirm": "y"}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "Anmeldungen anonymisiert" in text and "wurden am" in text
    assert name not in text
    db.session.rollback()  # end the test's read transaction so it sees the purge
    again = registrations_of()[0]
    assert again.email.endswith("@invalid") and event_named().purged_at is not None
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "event.purged")).one()
    assert entry.actor == ANHALT


def test_door_staff_cannot_purge(client, demo, app_context):
    sign_in(client, DOOR)
    assert client.get(f"{BASE}/datenschutz").status_code == 404


def test_organiser_downloads_the_art_15_export_of_one_registration(client, demo, app_context):
    registration = registrations_of()[0]
    sign_in(client, ANHALT)
    detail = client.get(f"{BASE}/anmeldungen/{registration.id}").get_data(as_text=True)
    url = f"{BASE}/anmeldungen/{registration.id}/auskunft.json"
    assert url in detail
    response = client.get(url)
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.get_data(as_text=True))
    assert data["registration"]["email"] == registration.email
    assert data["registration"]["last_name"] == registration.last_name
    db.session.rollback()
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "registration.data_export")).one()


def test_privacy_page_passes_axe(page, demo, live_server):
    _sign_in(page, live_server)
    page.goto(live_server.url + f"{BASE}/datenschutz")
    assert axe_violations(page) == []  # before the event: the retention date, no purge yet
    assert "noch nicht vorbei" in page.content()
    move_into_past(demo[0])
    page.goto(live_server.url + f"{BASE}/datenschutz")
    page.get_by_role("button", name="Personenbezogene Daten endgültig löschen").click()
    page.get_by_text("Bitte bestätigen Sie die Löschung.").first.wait_for()
    assert axe_violations(page) == []
    page.get_by_label("Ich habe verstanden").check()
    page.get_by_role("button", name="Personenbezogene Daten endgültig löschen").click()
    page.get_by_text("Anmeldungen anonymisiert").wait_for()
    assert axe_violations(page) == []
