"""The back office in a real Chromium: next year's event from a copy, and axe on every page type."""
from datetime import timedelta

from tests.conftest import axe_violations, has_horizontal_scroll
from tests.manage_helpers import ANHALT, EVENT, event_named, registrations_of, workshops
from confapp.services.events.demo import DEMO_PASSWORD


def _sign_in(page, live_server, email=ANHALT):
    page.goto(live_server.url + "/manage/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("heading", name="Übersicht").wait_for()


def test_duplicate_rename_publish_and_find_it_on_the_public_list(page, demo, live_server):
    next_year = event_named().starts_at.date() + timedelta(days=364)
    _sign_in(page, live_server)
    page.get_by_role("link", name="Stark für Familien").click()
    page.get_by_role("link", name="Veranstaltung kopieren").click()
    page.get_by_label("Titel der Kopie").fill("Stark für Familien – nächstes Jahr")
    page.get_by_label("Adresse der Kopie").fill("stark-naechstes-jahr")
    page.get_by_label("Neuer erster Veranstaltungstag").fill(next_year.isoformat())
    page.get_by_role("button", name="Kopie anlegen").click()
    page.get_by_text("Die Kopie ist als Entwurf angelegt").wait_for()

    page.get_by_role("link", name="Angaben").click()
    page.get_by_label("Titel", exact=True).fill("Stark für Familien 2025")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Die Änderungen sind gespeichert").wait_for()
    page.get_by_role("button", name="Veröffentlichen").click()
    page.get_by_text("Neuer Status: Veröffentlicht").wait_for()

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Stark für Familien 2025").click()
    assert "/e/stark-naechstes-jahr" in page.url
    assert page.get_by_text(workshops()[0].title).count() >= 1


def test_back_office_pages_pass_axe(page, demo, live_server):
    _sign_in(page, live_server)
    base = f"{live_server.url}/manage/e/{EVENT}"
    event = event_named()
    item = workshops()[0]
    for path in ("/", "/bearbeiten", "/kopieren", "/programm", f"/programm/punkt/{item.id}",
                 f"/programm/zeitfenster/{event.slots[0].id}", f"/programm/raum/{event.rooms[0].id}",
                 "/anmeldungen", "/anmeldungen?warteliste=1&sort=created", f"/anmeldungen/{registrations_of()[0].id}",
                 "/export", f"/workshops/{item.id}", "/statistik", "/nachrichten",
                 "/anmeldungen/neu", f"/anmeldungen/{registrations_of()[0].id}/bearbeiten"):
        page.goto(base + path)
        assert axe_violations(page) == [], path
        assert not has_horizontal_scroll(page), path
    page.goto(base + "/programm/zeitfenster/neu")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("alert").wait_for()
    assert axe_violations(page) == []
    for url in ("/manage/n/anhalt-bitterfeld/neu", "/manage/n/anhalt-bitterfeld/protokoll"):
        page.goto(live_server.url + url)
        assert axe_violations(page) == [], url
