"""A county goes live in one walk, in a real browser: the network is made on the command line with
an invitation for its first admin; she sets her password, fills the settings and invites an
organiser, who sets his own, creates and publishes an event; an attendee registers, and the
confirmation comes from the network. One walk, so a break between two steps shows.

The steps' own details (legal pages, accent colour, workshop leaders, a used invitation) are in
test_golive_browser and test_team_browser; their helpers are used here.
"""
from tests.conftest import outbox_messages
from tests.test_golive_browser import create_event_with_program, fill_network_settings
from tests.test_registration_browser import fill_required
from tests.test_team import invitation_link
from tests.test_team_browser import accept_invitation, invite_to_team
from confapp.services.mail import outbox

NETWORK = "Netzwerk Kinderschutz Wittenberg"
ADMIN = "koordination@wittenberg.example"
ADMIN_PASSWORD = "Wittenberg hält zusammen 2024"
ORGANISER = "fachtag@wittenberg.example"
ORGANISER_PASSWORD = "Ein Fachtag für alle Fachkräfte"


def test_a_county_goes_live_from_the_command_line_to_the_first_confirmation(app, cli, browser, live_server,
                                                                            app_context):
    created = cli.invoke(args=["network", "create", "landkreis-wittenberg", "--name", NETWORK,
                               "--admin", ADMIN, "--invite"])
    assert created.exit_code == 0, created.output
    assert f"Die Einladung als Administration ist an {ADMIN} unterwegs" in created.output
    outbox.deliver_pending()  # the command queues it; the server's mail worker would send it
    url = live_server.url

    def new_page(width: int = 1000):
        page = browser.new_context(locale="de-DE", viewport={"width": width, "height": 900}).new_page()
        page.set_default_timeout(10_000)
        return page

    # The admin opens her invitation, sets her password and signs in: the checklist greets her.
    admin = new_page()
    accept_invitation(admin, url + invitation_link(app, ADMIN), "Kim Koordination", ADMIN_PASSWORD, ADMIN)
    admin.get_by_role("heading", name=f"Vor dem Veröffentlichen: {NETWORK}").wait_for()
    assert "Administration" in admin.content()

    # She fills the settings the public pages and the e-mails need; only the logo stays open.
    admin.get_by_role("link", name="Einstellungen").first.click()
    fill_network_settings(admin)
    still_open = admin.locator(".checklist li.open")
    assert still_open.count() == 1 and "Logo" in still_open.inner_text()

    # She invites an organiser through the team page.
    admin.get_by_role("link", name="Übersicht").first.click()
    admin.get_by_role("link", name="Team").click()
    admin.get_by_role("heading", name="Team").wait_for()
    invite_to_team(admin, ORGANISER, "organiser")

    # The organiser opens his invitation, sets a password, signs in and creates the event.
    organiser = new_page()
    accept_invitation(organiser, url + invitation_link(app, ORGANISER), "Olaf Organisation", ORGANISER_PASSWORD,
                      ORGANISER)
    organiser.get_by_role("heading", name="Übersicht").wait_for()
    assert f"{NETWORK} (Organisation)" in organiser.content()
    create_event_with_program(organiser, "Fachtag Kinderschutz Wittenberg", "fachtag-wittenberg")
    organiser.get_by_role("link", name="Übersicht").nth(1).click()
    organiser.get_by_role("button", name="Veröffentlichen").click()
    organiser.get_by_text("Neuer Status: Veröffentlicht.").wait_for()

    # An attendee registers on the public page, on a phone.
    visitor = new_page(390)
    visitor.goto(url + "/e/fachtag-wittenberg")
    visitor.get_by_role("link", name="Jetzt anmelden").click()
    fill_required(visitor)
    visitor.get_by_role("button", name="Verbindlich anmelden").click()
    visitor.get_by_text("Bitte sehen Sie in Ihr Postfach").first.wait_for()

    # The confirmation comes from the network, and answers go to its address.
    [confirmation] = [m for m in outbox_messages(app) if m["To"] == "anna@example.org"]
    assert confirmation["From"] == f"{NETWORK} <noreply@localhost>"
    assert confirmation["Reply-To"] == "netzwerk@wittenberg.example"
    assert "Fachtag Kinderschutz Wittenberg" in confirmation.get_body(("plain",)).get_content()

    # The organiser sees her among the registrations.
    organiser.get_by_role("link", name="Anmeldungen").first.click()
    assert "Muster" in organiser.content()
    for page in (admin, organiser, visitor):
        page.context.close()
