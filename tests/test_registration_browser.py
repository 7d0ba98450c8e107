"""Registration in a real Chromium on a phone: the whole path, keyboard only, axe-clean pages."""
import re

import pytest

from confapp.extensions import db
from confapp.models import RegistrationStatus
from tests.conftest import axe_violations, has_horizontal_scroll, outbox_messages
from tests.registration_support import manage_link, registration_of


@pytest.fixture
def served(app, app_context, live_server):
    from tests.registration_support import make_event

    return live_server.url, make_event


def tab_to(page, element_id: str, limit: int = 40) -> None:
    """Press Tab until the element has the focus (it must be reachable by keyboard)."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} cannot be reached with Tab")


def fill_required(page) -> None:
    page.get_by_label("Vorname").fill("Anna")
    page.get_by_label("Nachname").fill("Muster")
    page.get_by_label("E-Mail-Adresse").fill("anna@example.org")
    page.get_by_label("Einrichtung / Träger").fill("Kita Sonnenschein")
    page.get_by_label("Arbeitsfeld").select_option("Kita")
    page.locator("#privacy_consent").check()


def test_register_read_the_email_change_a_wish_and_cancel(page, served, app):
    url, make_event = served
    event = make_event(mode="ranked", ranks=2)
    page.goto(f"{url}/e/{event.slug}")
    page.get_by_role("link", name="Jetzt anmelden").click()
    fill_required(page)
    page.get_by_label("1. Wahl").select_option("Häusliche Gewalt")
    page.get_by_label("2. Wahl").select_option("Kinderschutz in der Kita")
    page.get_by_role("button", name="Verbindlich anmelden").click()
    page.get_by_text("Bitte sehen Sie in Ihr Postfach").first.wait_for()  # the click navigates: wait for the new page
    assert "Bitte sehen Sie in Ihr Postfach" in page.content()
    assert not has_horizontal_scroll(page)

    [message] = outbox_messages(app)
    page.goto(url + manage_link(message))
    assert "Ihr Platz ist bestätigt." in page.content()
    page.get_by_role("link", name="Wahl ändern").click()
    page.get_by_label("1. Wahl").select_option("Gespräche mit Eltern")
    page.get_by_role("button", name="Änderung speichern").click()
    page.get_by_text("Ihre Änderung ist gespeichert.").first.wait_for()  # the click navigates: wait for the new page
    assert "Ihre Änderung ist gespeichert." in page.content()
    assert "1. Wahl: Gespräche mit Eltern" in page.content()

    page.get_by_role("link", name="Anmeldung stornieren").click()
    page.get_by_role("button", name="Ja, Anmeldung stornieren").click()
    page.get_by_text("Diese Anmeldung ist storniert.").first.wait_for()  # the click navigates: wait for the new page
    assert "Diese Anmeldung ist storniert." in page.content()
    db.session.commit()
    assert registration_of("anna@example.org").status == RegistrationStatus.cancelled


def test_a_registration_can_be_completed_with_tab_space_and_enter_only(page, served, app):
    url, make_event = served
    event = make_event(mode="direct")
    slot = event.choice_slots[0]
    page.goto(f"{url}/e/{event.slug}/anmelden")
    for field, text in (("first_name", "Ben"), ("last_name", "Beispiel"), ("email", "ben@example.org"),
                        ("organisation", "Jugendamt")):
        tab_to(page, field)
        page.keyboard.type(text)
    tab_to(page, "sector")
    page.keyboard.press("ArrowDown")
    tab_to(page, f"choice_{slot.id}_1")
    page.keyboard.press("Space")
    tab_to(page, "privacy_consent")
    page.keyboard.press("Space")
    tab_to(page, "photo_consent")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Verbindlich anmelden"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/anmelden/danke$"))

    db.session.commit()
    registration = registration_of("ben@example.org")
    assert registration.sector == "Jugendamt/ASD" and registration.photo_consent is False
    assert [a.program_item.title for a in registration.assignments] == [slot.choice_items[0].title]


def test_the_error_summary_links_to_the_field_in_trouble(page, served):
    url, make_event = served
    make_event()
    page.goto(f"{url}/e/fachtag/anmelden")
    page.get_by_role("button", name="Verbindlich anmelden").click()
    summary = page.locator("#error-summary")
    assert summary.get_by_role("link").first.text_content().startswith("Vorname:")
    summary.get_by_role("link", name=re.compile("^Nachname")).click()
    page.keyboard.type("Muster")
    assert page.locator("#last_name").input_value() == "Muster"


@pytest.mark.parametrize("mode", ["ranked", "direct"])
def test_registration_pages_have_no_axe_violations(page, served, app, mode):
    url, make_event = served
    event = make_event(mode=mode, rounds=2, ranks=2)
    checked = []

    def check(name: str) -> None:
        assert axe_violations(page) == [], name
        assert not has_horizontal_scroll(page), name
        checked.append(name)

    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{url}/e/{event.slug}")
    check("event page")
    page.goto(f"{url}/e/{event.slug}/anmelden")
    check("empty form")
    page.get_by_role("button", name="Verbindlich anmelden").click()
    check("form with errors")
    fill_required(page)
    if mode == "ranked":
        for index, title in enumerate(("Kinderschutz in der Kita", "Gespräche mit Eltern", "Häusliche Gewalt")):
            page.locator("select[name^=choice_]").nth(index).select_option(title)
    else:
        page.locator("input[type=radio]").first.check()
        page.locator(f"#choice_{event.choice_slots[1].id}_1-1").check()
    page.get_by_role("button", name="Verbindlich anmelden").click()
    check("confirmation page")
    link = url + manage_link(outbox_messages(app)[0])
    for suffix, name in (("", "manage page"), ("/aendern", "change page"), ("/stornieren", "cancel page")):
        page.goto(link + suffix)
        check(name)
    assert len(checked) == 7
