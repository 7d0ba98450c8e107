"""The coordinator's working day in a real Chromium: the flows of issue 18's "done when"."""
from sqlalchemy import select

from tests.conftest import axe_violations, sign_in_browser
from tests.manage_helpers import ANHALT, DOOR, EVENT, MAGDEBURG, event_named, registrations_of
from confapp.extensions import db
from confapp.models import Event, ItemKind, OutboxMessage, ProgramItem, RegistrationStatus, Slot, utcnow
from confapp.services.registration.lookup import manage_path


def test_an_attendee_corrects_her_name_and_the_badge_list_marks_her_for_reprint(page, demo, live_server):
    person = next(r for r in registrations_of() if r.status == RegistrationStatus.confirmed)
    person.badge_printed_at = utcnow()
    db.session.commit()
    page.goto(live_server.url + manage_path(person))
    page.get_by_role("link", name="Angaben korrigieren").click()
    page.get_by_label("Vorname").fill("Maria-Luisa")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Angaben speichern").click()
    page.get_by_text("Ihre Angaben sind gespeichert.").wait_for()
    assert page.get_by_text(f"Maria-Luisa {person.last_name}").count() >= 1

    sign_in_browser(page, live_server, ANHALT)
    page.goto(f"{live_server.url}/manage/e/{EVENT}/dokumente")
    reprints = page.locator("#reprints")
    assert f"{person.last_name}, Maria-Luisa" in reprints.inner_text() and "Nachdruck" in reprints.inner_text()


def test_the_message_page_sends_only_after_preview_and_confirmation(page, demo, live_server):
    sign_in_browser(page, live_server, ANHALT)
    page.goto(f"{live_server.url}/manage/e/{EVENT}/nachrichten")
    assert page.get_by_role("button", name="Jetzt").count() == 0  # nothing to send before a preview
    page.get_by_label("Betreff").fill("Anreise")
    page.get_by_label("Text").fill("Hallo {vorname}, bitte kommen Sie pünktlich.")
    page.get_by_role("button", name="Vorschau anzeigen").click()
    people = sum(1 for r in registrations_of() if r.status == RegistrationStatus.confirmed)
    page.get_by_text(f"Diese E-Mail geht an {people} Personen.").wait_for()
    assert axe_violations(page) == []
    page.get_by_label("Text").fill("Geänderter Text ohne neue Vorschau")
    page.get_by_role("button", name=f"Jetzt an {people} Personen senden").click()
    page.get_by_text("Seit der Vorschau haben sich Empfänger*innen oder Text geändert").wait_for()
    db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage)) == 0
    page.get_by_role("button", name=f"Jetzt an {people} Personen senden").click()
    page.get_by_text(f"{people} E-Mails sind im Postausgang").wait_for()


def test_a_checkin_only_user_lands_on_the_scanner(page, demo, live_server):
    sign_in_browser(page, live_server, DOOR)
    page.get_by_role("heading", name="Scanner").first.wait_for()
    assert page.url.endswith(f"/checkin/{EVENT}/scanner")


def test_the_magdeburg_forum_editor_saves_a_capacity_change(page, demo, live_server):
    table = db.session.scalars(select(ProgramItem).join(Slot).join(Event).where(
        Event.slug == "netzwerkforum-magdeburg", ProgramItem.kind == ItemKind.theme_table)
        .order_by(ProgramItem.id)).first()
    sign_in_browser(page, live_server, MAGDEBURG)
    page.goto(f"{live_server.url}/manage/e/netzwerkforum-magdeburg/programm/punkt/{table.id}")
    page.get_by_label("Plätze").fill("14")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Der Programmpunkt ist gespeichert").wait_for()
    db.session.commit()
    assert db.session.get(ProgramItem, table.id).capacity == 14


def test_a_phone_registration_without_email_and_with_wishes_gets_a_seat_from_the_assignment(page, demo,
                                                                                           live_server):
    event = event_named()
    slot = event.choice_slots[0]
    wished = slot.choice_items[1]
    sign_in_browser(page, live_server, ANHALT)
    page.goto(f"{live_server.url}/manage/e/{EVENT}/anmeldungen")
    page.get_by_role("link", name="Anmeldung von Hand erfassen").click()
    page.get_by_label("Vorname").fill("Hanne")
    page.get_by_label("Nachname").fill("Telefon")
    page.get_by_label("Einrichtung / Träger").fill("Kita Regenbogen")
    page.get_by_label("Arbeitsfeld").select_option(index=1)
    page.locator(f"#choice_{slot.id}_1").select_option(str(wished.id))
    page.locator(f"#choice_{slot.id}_2").select_option(str(slot.choice_items[0].id))
    page.get_by_label("Die Person kennt die Datenschutzhinweise").check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Ohne E-Mail-Adresse bekommt die Person keine E-Mails").wait_for()

    page.get_by_role("link", name="Zuteilung").first.click()
    page.get_by_role("button", name="Vorschau berechnen").click()
    page.get_by_role("button", name="Zuteilung übernehmen").click()
    page.get_by_text("Die Zuteilung ist gespeichert").wait_for()
    person = next(r for r in registrations_of() if r.last_name == "Telefon")
    assert person.email == "" and [a.program_item_id for a in person.assignments] == [wished.id]
