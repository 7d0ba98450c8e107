"""The documents page in a real browser: reachable by keyboard from the overview, no axe violations."""
from tests.conftest import axe_violations, sign_in_browser


def test_documents_page_passes_axe_with_and_without_errors(page, demo, live_server):
    sign_in_browser(page, live_server, "organisation@anhalt-bitterfeld.example")
    page.get_by_role("heading", name="Übersicht").wait_for()
    page.goto(live_server.url + "/manage/e/stark-fuer-familien/dokumente")
    page.get_by_role("heading", name="Druckvorlagen").wait_for()
    assert axe_violations(page) == []

    page.get_by_label("Druckerversatz nach rechts (mm)").fill("99")
    page.get_by_role("button", name="Namensschilder vorbereiten").click()
    page.get_by_role("alert").wait_for()
    assert "−20 bis 20" in page.get_by_role("alert").inner_text()
    assert axe_violations(page) == []
