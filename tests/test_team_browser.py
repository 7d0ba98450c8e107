"""In a real browser: an admin invites a colleague, who sets a password from the e-mail and signs in."""
import re

from tests.conftest import axe_violations, outbox_messages, sign_in_browser

NEW = "kollege@anhalt-bitterfeld.example"
PASSWORD = "Kinderschutz braucht Netzwerke"


def test_invite_set_password_and_sign_in(page, app, demo, live_server):
    sign_in_browser(page, live_server, "organisation@anhalt-bitterfeld.example")
    page.get_by_role("link", name="Team").click()
    page.get_by_role("heading", name="Team").wait_for()
    assert axe_violations(page) == []
    page.get_by_label("E-Mail-Adresse").fill(NEW)
    page.get_by_label("Rolle", exact=True).select_option("workshop_leader")
    page.get_by_role("group", name="Workshops").get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Einladung schicken").click()
    page.get_by_text("ist unterwegs").wait_for()
    assert NEW in page.get_by_role("list").filter(has_text="eingeladen von").inner_text()
    assert axe_violations(page) == []

    mail = next(m for m in outbox_messages(app) if m["To"] == NEW)
    link = re.search(r"http://confapp\.test(/manage/einladung/\S+)", mail.get_body(("plain",)).get_content()).group(1)
    invitee = page.context.browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844}).new_page()
    invitee.goto(live_server.url + link)
    invitee.get_by_role("heading", name="Willkommen im Team").wait_for()
    assert axe_violations(invitee) == []
    invitee.get_by_label("Ihr Name").fill("Karl Kollege")
    invitee.get_by_label("Neues Passwort", exact=True).fill(PASSWORD)
    invitee.get_by_label("Neues Passwort wiederholen").fill(PASSWORD)
    invitee.get_by_role("button", name="Passwort festlegen").click()
    invitee.get_by_text("Willkommen im Team von").wait_for()
    assert invitee.get_by_label("E-Mail-Adresse").input_value() == NEW
    invitee.get_by_label("Passwort", exact=True).fill(PASSWORD)
    invitee.get_by_role("button", name="Anmelden").click()
    invitee.get_by_role("heading", name="Ihre Workshops").wait_for()
    assert "Workshopleitung" in invitee.content()

    invitee.goto(live_server.url + link)
    assert "Diese Einladung gilt nicht mehr" in invitee.content()

    page.reload()
    row = page.get_by_role("row").filter(has_text=NEW)
    assert "Karl Kollege" in row.inner_text() and "leitet:" in row.inner_text()
    invitee.context.close()
