"""From an empty server to a live network, in a real browser: the network is made on the command
line, everything else happens in the back office; an attendee's confirmation comes from the network."""
from datetime import datetime, timedelta

from tests.conftest import axe_violations, outbox_messages
from tests.test_registration_browser import fill_required

ADMIN = "koordination@wittenberg.example"
PASSWORD = "wittenberg-2024-sicher"


def fill_network_settings(page) -> None:
    """On the network settings page: what the legal pages and the e-mails need (all but a logo); saved."""
    page.get_by_label("Verantwortliche Stelle").fill("Landkreis Wittenberg, Jugendamt, Netzwerkkoordination Kinderschutz")
    page.get_by_label("Vertretungsberechtigte Person").fill("Landrat des Landkreises Wittenberg")
    page.get_by_label("Anschrift").fill("Breitscheidstraße 3\n06886 Lutherstadt Wittenberg")
    page.get_by_label("Telefon").fill("03491 479-0")
    page.get_by_label("Kontakt-E-Mail", exact=True).fill("kinderschutz@wittenberg.example")
    page.get_by_label("Datenschutzbeauftragte Person").fill("Datenschutzbeauftragte des Landkreises Wittenberg, "
                                                            "datenschutz@wittenberg.example")
    page.get_by_label("Datenschutz-Aufsichtsbehörde").fill("Landesbeauftragter für den Datenschutz Sachsen-Anhalt, "
                                                           "Otto-von-Guericke-Straße 34a, 39104 Magdeburg")
    page.get_by_label("Datum der Erklärung zur Barrierefreiheit").fill("2024-05-02")
    page.get_by_label("Schlichtungsstelle: Ihr Land").select_option(label="Sachsen-Anhalt")
    page.get_by_label("Antwortadresse (Reply-To)").fill("netzwerk@wittenberg.example")
    page.get_by_label("Akzentfarbe (optional)").fill("#00594f")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Einstellungen speichern").click()
    page.get_by_text("Die Einstellungen sind gespeichert.").wait_for()


def create_event_with_program(page, title: str, slug: str) -> None:
    """From the dashboard: a new event thirty days ahead with one slot; ends on the program page."""
    page.get_by_role("link", name="Neue Veranstaltung").click()
    day = (datetime.now() + timedelta(days=30)).replace(hour=9, minute=0, second=0, microsecond=0)
    page.get_by_label("Titel", exact=True).fill(title)
    page.get_by_label("Adresse (Kurzname in der URL)").fill(slug)
    page.get_by_label("Beginn").fill(day.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ende").fill((day + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Veranstaltungsort").fill("Kreishaus Wittenberg")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("link", name="Programm", exact=True).click()
    page.get_by_role("link", name="Neues Zeitfenster").click()
    page.get_by_label("Bezeichnung").fill("Vormittag")
    page.get_by_label("Beginn").fill(day.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ende").fill((day + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Speichern").click()


def test_a_new_network_goes_live_and_its_e_mails_come_from_it(app, cli, browser, live_server, app_context):
    created = cli.invoke(args=["network", "create", "landkreis-wittenberg", "--name",
                               "Netzwerk Kinderschutz Wittenberg", "--admin", ADMIN, "--password", PASSWORD])
    assert created.exit_code == 0, created.output
    url = live_server.url
    context = browser.new_context(locale="de-DE", viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)

    # The admin signs in; the dashboard says what is missing before publishing.
    page.goto(url + "/manage/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(ADMIN)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("heading", name="Vor dem Veröffentlichen: Netzwerk Kinderschutz Wittenberg").wait_for()

    # ...and fills the settings.
    page.get_by_role("link", name="Einstellungen").first.click()
    fill_network_settings(page)
    assert "Es fehlt" not in page.content().split("Logo")[0]  # only the logo is left on the checklist

    # The admin creates an event with a program, and publishes it.
    page.get_by_role("link", name="Übersicht").first.click()
    create_event_with_program(page, "Fachtag Kinderschutz Wittenberg", "fachtag-wittenberg")
    page.get_by_role("link", name="Übersicht").nth(1).click()
    page.get_by_role("button", name="Veröffentlichen").click()
    page.get_by_text("Neuer Status: Veröffentlicht.").wait_for()

    # An attendee registers.
    visitor = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844}).new_page()
    visitor.set_default_timeout(10_000)
    visitor.goto(url + "/e/fachtag-wittenberg")
    assert "--header-bg: #00594f" in visitor.content()
    visitor.get_by_role("link", name="Jetzt anmelden").click()
    fill_required(visitor)
    visitor.get_by_role("button", name="Verbindlich anmelden").click()
    visitor.get_by_text("Bitte sehen Sie in Ihr Postfach").first.wait_for()

    [confirmation] = [m for m in outbox_messages(app) if m["To"] == "anna@example.org"]
    assert confirmation["From"] == "Netzwerk Kinderschutz Wittenberg <noreply@localhost>"
    assert confirmation["Reply-To"] == "netzwerk@wittenberg.example"

    # The legal pages show the settings, and no template sentence.
    visitor.goto(url + "/n/landkreis-wittenberg/impressum")
    imprint = visitor.locator("article").inner_text()
    assert "Landkreis Wittenberg, Jugendamt" in imprint and "Landrat des Landkreises Wittenberg" in imprint
    assert "Vorlage" not in imprint
    visitor.goto(url + "/e/fachtag-wittenberg/datenschutz")
    privacy = visitor.locator("article").inner_text()
    assert "Datenschutzbeauftragte des Landkreises Wittenberg" in privacy and "Sachsen-Anhalt" in privacy
    assert axe_violations(visitor) == []

    # The organiser sees the confirmation in the event's outbox.
    page.get_by_role("link", name="Postausgang").click()
    page.wait_for_url("**/postausgang")  # content() during the navigation is empty
    page.wait_for_load_state()
    assert "anna@example.org" in page.content() and "gesendet" in page.content()
    assert axe_violations(page) == []
    context.close()
