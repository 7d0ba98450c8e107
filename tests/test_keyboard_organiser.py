"""The organiser's main path with the keyboard alone: sign in, open the event, its registrations,
one registration, then preview the workshop assignment. No mouse, no direct URL after the start."""
import re

from tests.manage_helpers import ANHALT
from confapp.services.events.demo import DEMO_PASSWORD


def _tab_to(page, name: str, limit: int = 120) -> None:
    """Press Tab until the focused element's accessible text contains ``name``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        text = page.evaluate("() => (document.activeElement.innerText || document.activeElement.value || "
                             "document.activeElement.getAttribute('aria-label') || '').trim()")
        if name in text:
            return
    raise AssertionError(f"Tab never reached “{name}” on {page.url}")


def _tab_to_field(page, label: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused_label = page.evaluate("() => document.activeElement.labels && document.activeElement.labels[0] "
                                      "? document.activeElement.labels[0].innerText : ''")
        if label in focused_label:
            return
    raise AssertionError(f"Tab never reached the field “{label}”")


def test_organiser_main_path_by_keyboard(page, demo, live_server):
    page.goto(live_server.url + "/manage/anmelden")
    _tab_to_field(page, "E-Mail-Adresse")
    page.keyboard.type(ANHALT)
    _tab_to_field(page, "Passwort")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Übersicht").wait_for()

    _tab_to(page, "Stark für Familien")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/manage/e/stark-fuer-familien/$"))

    _tab_to(page, "Anmeldungen")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Anmeldungen").wait_for()

    first_person = page.locator("table tbody tr a").first.inner_text().strip()
    _tab_to(page, first_person)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/anmeldungen/\d+$"))
    page.get_by_role("heading", name="Verlauf").wait_for()  # the detail page with its history

    _tab_to(page, "Zuteilung")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Workshops zuteilen").wait_for()
    _tab_to(page, "Vorschau berechnen")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Vorschau der Zuteilung").wait_for(timeout=30_000)
