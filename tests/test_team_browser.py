"""In a real browser: an admin invites a colleague, who sets a password from the e-mail and signs in."""
import re

from tests.conftest import axe_violations, outbox_messages, sign_in_browser

NEW = "kollege@anhalt-bitterfeld.example"
PASSWORD = "Kinderschutz braucht Netzwerke"


def invite_to_team(page, email: str, role: str) -> None:
    """On the team page: invite ``email`` with ``role`` (a workshop leader leads the first workshop)."""
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Rolle", exact=True).select_option(role)
    if role == "workshop_leader":
        page.get_by_role("group", name="Workshops").get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Einladung schicken").click()
    page.get_by_text("ist unterwegs").wait_for()


def accept_invitation(page, url: str, name: str, password: str, email: str) -> None:
    """Open an invitation link, set name and password, and sign in with them on the page that follows."""
    page.goto(url)
    page.get_by_role("heading", name="Willkommen im Team").wait_for()
    assert axe_violations(page) == []
    page.get_by_label("Ihr Name").fill(name)
    page.get_by_label("Neues Passwort", exact=True).fill(password)
    page.get_by_label("Neues Passwort wiederholen").fill(password)
    page.get_by_role("button", name="Passwort festlegen").click()
    page.get_by_text("Willkommen im Team von").wait_for()
    assert page.get_by_label("E-Mail-Adresse").input_value() == email
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()


def test_invite_set_password_and_sign_in(page, app, demo, live_server):
    sign_in_browser(page, live_server, "organisation@anhalt-bitterfeld.example")
    page.get_by_role("link", name="Team").click()
    page.get_by_role("heading", name="Team").wait_for()
    assert axe_violations(page) == []
    invite_to_team(page, NEW, "workshop_leader")
    assert NEW in page.get_by_role("list").filter(has_text="eingeladen von").inner_text()
    assert axe_violations(page) == []

    mail = next(m for m in outbox_messages(app) if m["To"] == NEW)
    link = re.search(r"http://confapp\.test(/manage/einladung/\S+)", mail.get_body(("plain",)).get_content()).group(1)
    invitee = page.context.browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844}).new_page()
    accept_invitation(invitee, live_server.url + link, "Karl Kollege", PASSWORD, NEW)
    invitee.get_by_role("heading", name="Ihre Workshops").wait_for()
    assert "Workshopleitung" in invitee.content()

    invitee.goto(live_server.url + link)
    assert "Diese Einladung gilt nicht mehr" in invitee.content()

    page.reload()
    row = page.get_by_role("row").filter(has_text=NEW)
    assert "Karl Kollege" in row.inner_text() and "leitet:" in row.inner_text()
    invitee.context.close()
