"""Public pages in a real Chromium: axe-clean, reflow at 320 px, keyboard reachable."""
import pytest

from tests.conftest import axe_violations, has_horizontal_scroll


@pytest.fixture
def demo_served(demo, live_server):
    return live_server.url


@pytest.mark.parametrize("path", ["/", "/e/stark-fuer-familien", "/e/netzwerkforum-magdeburg", "/e/gibt-es-nicht"])
def test_public_pages_have_no_axe_violations(page, demo_served, path):
    page.goto(demo_served + path)
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", ["/", "/e/stark-fuer-familien"])
def test_public_pages_reflow_at_320_pixels(page, demo_served, path):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(demo_served + path)
    assert not has_horizontal_scroll(page)


def test_skip_link_is_the_first_stop_and_leads_to_the_content(page, demo_served):
    page.goto(demo_served + "/e/stark-fuer-familien")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("path", ["/e/stark-fuer-familien/datenschutz", "/e/stark-fuer-familien/leichte-sprache",
                                  "/n/anhalt-bitterfeld/impressum", "/n/anhalt-bitterfeld/barrierefreiheit"])
def test_legal_pages_have_no_axe_violations(page, demo_served, path):
    page.goto(demo_served + path)
    assert axe_violations(page) == []


def test_program_widget_has_no_axe_violations(page, demo_served):
    page.goto(demo_served + "/e/stark-fuer-familien/widget")
    assert axe_violations(page) == []
