"""The partner directory in a real Chromium: import a list, invite the Kitas, one registers and comes."""
import re

from tests.conftest import outbox_messages, sign_in_browser
from tests.manage_helpers import ANHALT, EVENT
from tests.test_partners import _partner_list


def test_import_invite_register_check_in_and_read_the_coverage(page, browser, app, app_context, demo, live_server):
    base = live_server.url
    sign_in_browser(page, live_server, ANHALT)
    page.get_by_role("link", name="Partnerverzeichnis").first.click()
    page.get_by_role("link", name="Liste aus Excel oder CSV einlesen").click()
    page.get_by_label("Partnerliste (.xlsx oder .csv)").set_input_files(
        {"name": "partner.xlsx", "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "buffer": _partner_list()})
    page.get_by_role("button", name="Prüfen").click()
    page.get_by_text("2 Zeilen mit Fehlern werden nicht übernommen").wait_for()
    assert "Zeile 5" in page.content() and "Zeile 9" in page.content()
    page.get_by_role("button", name="58 Zeilen übernehmen").click()
    page.get_by_text("Übernommen: 58 neue Einrichtungen").wait_for()

    page.goto(f"{base}/manage/e/{EVENT}/einladungen")
    page.get_by_label("Arbeitsfeld").select_option("Kita")
    page.get_by_role("button", name="Vorschau").click()
    page.get_by_text("So liest sie").wait_for()
    count = int(re.search(r"Diese E-Mail geht an (\d+) Personen", page.content()).group(1))
    page.get_by_role("button", name=f"Jetzt {count} Einladungen senden").click()
    page.get_by_text(f"{count} Einladungen sind unterwegs.").wait_for()

    mail = next(m for m in outbox_messages(app) if m["To"] == "person12@partner.example")
    link = re.search(r"https?://[^/\s]+(/\S+einladung=\S+)", mail.get_body(("plain",)).get_content()).group(1)
    invitee = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844}).new_page()
    invitee.goto(base + link)
    assert invitee.get_by_label("Einrichtung / Träger").input_value() == "Testeinrichtung 12"
    assert invitee.get_by_label("Arbeitsfeld").input_value() == "Kita"
    invitee.get_by_label("Vorname").fill("Ines")
    invitee.get_by_label("Nachname").fill("Eingeladen")
    invitee.get_by_label("E-Mail-Adresse").fill("ines@partner.example")
    choices = invitee.locator("select[name^=choice_]")
    for index in range(choices.count()):
        choices.nth(index).select_option(index=index + 1)
    invitee.locator("#privacy_consent").check()
    invitee.get_by_role("button", name="Verbindlich anmelden").click()
    invitee.get_by_text("Bitte sehen Sie in Ihr Postfach").first.wait_for()

    # At the door, found by name.
    page.goto(f"{base}/checkin/{EVENT}/")
    page.get_by_label(re.compile("Name")).first.fill("Eingeladen")
    page.get_by_label(re.compile("Name")).first.press("Enter")
    page.get_by_role("link", name=re.compile("Eingeladen")).first.click()
    page.get_by_role("button", name=re.compile("einchecken", re.I)).first.click()
    page.get_by_text(re.compile("eingecheckt", re.I)).first.wait_for()

    page.goto(f"{base}/manage/e/{EVENT}/beteiligung")
    row = page.locator("tr", has=page.get_by_role("rowheader", name="Testeinrichtung 12", exact=True))
    assert [cell.strip() for cell in row.locator("td").all_inner_texts()] == ["Kita", "ja", "1", "1"]
    absent = page.locator("#nicht-gekommen + ul").inner_text()
    assert "Testeinrichtung 12" not in absent and "Testeinrichtung 16" in absent
