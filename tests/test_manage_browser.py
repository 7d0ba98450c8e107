"""The back office in a real browser: sign-in by keyboard, no axe violations."""
from tests.conftest import axe_violations


def test_sign_in_by_keyboard_and_pages_pass_axe(page, demo, live_server):
    page.goto(live_server.url + "/manage/")
    assert "/manage/anmelden" in page.url
    assert axe_violations(page) == []
    page.keyboard.press("Tab")  # skip link
    page.get_by_label("E-Mail-Adresse").fill("organisation@anhalt-bitterfeld.example")
    page.get_by_label("Passwort").fill("falsch, aber lang genug")
    page.keyboard.press("Enter")
    page.get_by_role("alert").wait_for()
    assert axe_violations(page) == []
    page.get_by_label("Passwort").fill("demo-passwort-2024")
    page.get_by_label("Passwort").press("Enter")
    page.get_by_role("heading", name="Übersicht").wait_for()
    assert "Stark für Familien" in page.content()
    assert axe_violations(page) == []


def test_api_token_page_passes_axe(page, demo, live_server):
    page.goto(live_server.url + "/manage/anmelden")
    page.get_by_label("E-Mail-Adresse").fill("organisation@anhalt-bitterfeld.example")
    page.get_by_label("Passwort").fill("demo-passwort-2024")
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("link", name="API-Tokens").click()
    page.get_by_label("Name des Tokens").fill("Website")
    page.get_by_role("button", name="Token anlegen").click()
    page.get_by_text("nur dieses eine Mal").wait_for()
    assert axe_violations(page) == []
