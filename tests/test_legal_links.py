"""Legal links on every page a person can reach: public, manage link, back office, door, sign-in, errors."""
from tests.conftest import sign_in
from tests.manage_helpers import ANHALT, registrations_of
from tests.test_accessibility_sweep import _pages


#: Shown on a projector at the venue, not navigated: a full-screen slide with a QR code.
PROJECTED = ("/rueckmeldung/folie",)


def _without_legal_links(client, urls: list[str]) -> list[str]:
    missing = []
    for url in urls:
        if url.endswith(PROJECTED):
            continue
        response = client.get(url)
        if response.mimetype != "text/html" or response.status_code in (301, 302, 303):
            continue
        html = response.get_data(as_text=True)
        footer = html[html.find('<footer'):]
        direct = all(part in footer for part in ("/impressum", "/barrierefreiheit", "Datenschutz", "Leichte Sprache"))
        if not (direct or "/rechtliches" in footer):
            missing.append(url)
    return missing


def test_every_page_signed_out_links_the_legal_pages(app, client, demo):
    urls = _pages(app, ("/e/", "/n/")) + ["/", "/manage/anmelden", "/rechtliches"]
    assert _without_legal_links(client, [u for u in urls if u != "/rechtliches"]) == []
    error = client.get("/e/gibt-es-nicht")
    assert error.status_code == 404 and _without_legal_links(client, ["/e/gibt-es-nicht"]) == []


def test_every_back_office_and_door_page_links_the_legal_pages(app, client, demo):
    sign_in(client, ANHALT)
    person = registrations_of()[0]
    urls = _pages(app, ("/manage", "/checkin")) + [f"/c/{person.badge_token}", "/manage/e/gibt-es-nicht/"]
    assert _without_legal_links(client, urls) == []


def test_the_start_page_links_privacy_and_easy_language(client, demo):
    html = client.get("/").get_data(as_text=True)
    assert "/e/stark-fuer-familien/datenschutz" in html and "/e/stark-fuer-familien/leichte-sprache" in html


def test_the_overview_lists_every_network_and_event(client, demo):
    html = client.get("/rechtliches").get_data(as_text=True)
    for path in ("/n/anhalt-bitterfeld/impressum", "/n/magdeburg/barrierefreiheit",
                 "/e/netzwerkforum-magdeburg/datenschutz", "/e/stark-fuer-familien/leichte-sprache"):
        assert path in html
