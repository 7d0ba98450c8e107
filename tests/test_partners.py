"""The partner directory: import a coordinator's list, invite partners, and report who took part."""
import io
import json
import re
from datetime import date, timedelta

from openpyxl import Workbook, load_workbook

from tests.conftest import csrf_token, outbox_messages, post_form, sign_in
from tests.manage_helpers import ANHALT, BASE, EVENT, MAGDEBURG, event_named, form_fields, registrations_of
from tests.pdf_helpers import all_text
from tests.registration_support import form_data
from confapp.extensions import db
from confapp.models import (AuditEntry, Invitation, LegalBasis, Partner, PartnerContact, Registration,
                            RegistrationStatus, utcnow)
from confapp.services.events.file_io import export_event, import_event

NETWORK = "anhalt-bitterfeld"
DIRECTORY = f"/manage/n/{NETWORK}/partner"
HEADER = ["Einrichtung", "Arbeitsfeld", "Straße", "PLZ", "Ort", "Sozialraum", "Ansprechpartner*in", "Funktion",
          "E-Mail", "Telefon", "Rechtsgrundlage"]


def _partner_list(count: int = 60) -> bytes:
    """A list as a county office keeps it: 60 institutions, two of them broken (row 5 and row 9)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sectors = ["Kita", "Schule", "Beratungsstelle", "Gesundheitsamt"]
    for number in range(1, count + 1):
        sheet.append([f"Testeinrichtung {number:02d}", sectors[number % 4], f"Weg {number}", 6766, "Wolfen",
                      "Nord" if number % 2 else "Süd", f"Person {number}", "Leitung",
                      f"person{number}@partner.example", "03494 1234", "Öffentliche Aufgabe"])
    sheet["A5"] = None                      # row 5: no institution name
    sheet["I9"] = "keine-adresse"           # row 9: broken e-mail address
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(client, data: bytes, filename: str = "partner.xlsx"):
    page = client.get(f"{DIRECTORY}/import")
    return client.post(f"{DIRECTORY}/import", data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                                    "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def _confirm(client, preview_html: str):
    rows = re.search(r'name="rows" type="hidden" value="([^"]+)"|id="rows" name="rows" type="hidden" value="([^"]+)"',
                     preview_html)
    token = re.search(r'name="rows"[^>]*value="([^"]+)"', preview_html).group(1) if rows is None else \
        (rows.group(1) or rows.group(2))
    return client.post(f"{DIRECTORY}/import/uebernehmen", data={"csrf_token": csrf_token(preview_html), "rows": token})


def _partners(name_prefix: str = "Testeinrichtung") -> list[Partner]:
    db.session.commit()
    return [p for p in db.session.query(Partner).order_by(Partner.name) if p.name.startswith(name_prefix)]


def test_an_imported_list_names_every_broken_row_and_writes_nothing_until_confirmed(client, demo, app_context):
    sign_in(client, ANHALT)
    preview = _upload(client, _partner_list())
    html = preview.get_data(as_text=True)

    assert preview.status_code == 200
    assert "2 Zeilen mit Fehlern werden nicht übernommen" in html
    assert "Zeile 5" in html and "Bitte geben Sie den Namen der Einrichtung an." in html
    assert "Zeile 9" in html and "Testeinrichtung 08" in html and "gültige E-Mail-Adresse" in html
    assert _partners() == []

    done = _confirm(client, html)
    assert done.status_code == 302
    imported = _partners()
    assert len(imported) == 58
    eight = next(p for p in imported if p.name == "Testeinrichtung 10")
    assert eight.address == "Weg 10, 6766 Wolfen" and eight.sector == "Beratungsstelle" and eight.district == "Süd"
    assert [c.email for c in eight.contacts] == ["person10@partner.example"]

    # The same file again adds nothing twice.
    _confirm(client, _upload(client, _partner_list()).get_data(as_text=True))
    assert len(_partners()) == 58 and db.session.query(PartnerContact).join(Partner).filter(
        Partner.name.like("Testeinrichtung%")).count() == 58


def test_a_tampered_or_foreign_preview_writes_nothing(client, other_client, demo, app_context):
    sign_in(client, ANHALT)
    html = _upload(client, _partner_list(5)).get_data(as_text=True)
    token = re.search(r'name="rows"[^>]*value="([^"]+)"', html).group(1)
    client.post(f"{DIRECTORY}/import/uebernehmen", data={"csrf_token": csrf_token(html), "rows": token[:-3] + "abc"})
    assert _partners() == []
    sign_in(other_client, MAGDEBURG)
    page = other_client.get("/manage/n/magdeburg/partner/import").get_data(as_text=True)
    other_client.post("/manage/n/magdeburg/partner/import/uebernehmen",
                      data={"csrf_token": csrf_token(page), "rows": token})
    assert _partners() == []
    assert other_client.get(DIRECTORY).status_code == 404


def test_a_csv_from_german_excel_is_read(client, demo, app_context):
    sign_in(client, ANHALT)
    text = "Einrichtung;Arbeitsfeld;Ansprechperson;E-Mail\r\nKita Löwenzahn;Kita;Frau Müller;mueller@kita.example\r\n"
    html = _upload(client, text.encode("cp1252"), "liste.csv").get_data(as_text=True)
    assert "Keine Fehler gefunden." in html
    _confirm(client, html)
    assert [p.name for p in _partners("Kita Löwenzahn")] == ["Kita Löwenzahn"]


def test_a_file_that_is_no_list_gets_a_clear_message(client, demo, app_context):
    sign_in(client, ANHALT)
    response = _upload(client, b"%PDF-1.4 nothing", "liste.pdf")
    assert response.status_code == 422
    assert "Bitte laden Sie eine Excel-Tabelle (.xlsx) oder eine CSV-Datei hoch." in response.get_data(as_text=True)
    broken = _upload(client, b"PK\x03\x04 not really", "liste.xlsx")
    assert broken.status_code == 422 and "lässt sich nicht als Excel-Tabelle" in broken.get_data(as_text=True)


SEND_INVITATIONS = f"{BASE}/einladungen/senden"


def _kita_preview(client) -> str:
    return client.get(f"{BASE}/einladungen?sector=Kita&district=&vorschau=1").get_data(as_text=True)


def _invite_kitas(client) -> int:
    preview = _kita_preview(client)
    count = int(re.search(r"Diese E-Mail geht an (\d+) Person", preview).group(1))
    sent = client.post(SEND_INVITATIONS, data=form_fields(preview, SEND_INVITATIONS))
    assert sent.status_code == 302
    return count


def test_invitations_wait_for_a_new_preview_when_the_recipients_changed_since(client, app, demo, app_context):
    sign_in(client, ANHALT)
    _confirm(client, _upload(client, _partner_list(16)).get_data(as_text=True))
    preview = _kita_preview(client)
    count = int(re.search(r"Diese E-Mail geht an (\d+) Person", preview).group(1))
    assert "person12@partner.example" in preview and "person16@partner.example" in preview  # the recipients, listed
    assert "Einladung: Stark für Familien" in preview and "/anmelden?einladung=beispiel" in preview  # the text

    # Meanwhile a colleague takes one Kita out of the directory and puts another one in: as many as before.
    gone = db.session.query(Partner).filter_by(name="Testeinrichtung 12").one()
    db.session.delete(gone)
    db.session.add(Partner(network_id=gone.network_id, name="Kita Neu Sandersdorf", sector="Kita", contacts=[
        PartnerContact(name="Frau Neu", email="neu@kita.example", legal_basis=LegalBasis.public_task,
                       keep_until=date.today() + timedelta(days=365))]))
    db.session.commit()

    stale = client.post(SEND_INVITATIONS, data=form_fields(preview, SEND_INVITATIONS), follow_redirects=True)
    html = stale.get_data(as_text=True)
    assert db.session.query(Invitation).count() == 0
    assert not [m for m in outbox_messages(app) if m["Subject"].startswith("Einladung:")]
    assert "Seit der Vorschau haben sich Empfänger*innen oder Text geändert. Es wurde nichts verschickt." in html
    assert f"Diese E-Mail geht an {count} Personen." in html and "neu@kita.example" in html
    assert "person12@partner.example" not in html

    # The new preview, confirmed, goes out to exactly the people it lists.
    sent = client.post(SEND_INVITATIONS, data=form_fields(html, SEND_INVITATIONS), follow_redirects=True)
    assert f"{count} Einladungen sind unterwegs." in sent.get_data(as_text=True)
    invited = sorted(m["To"] for m in outbox_messages(app) if m["Subject"].startswith("Einladung:"))
    assert len(invited) == count and "neu@kita.example" in invited and "person12@partner.example" not in invited


def test_invitations_are_not_sent_without_a_confirmed_preview(client, app, demo, app_context):
    sign_in(client, ANHALT)
    page = client.get(f"{BASE}/einladungen").get_data(as_text=True)
    refused = client.post(SEND_INVITATIONS, data={"csrf_token": csrf_token(page), "sector": "Kita", "district": ""},
                          follow_redirects=True)
    assert "Bitte sehen Sie sich zuerst die Vorschau an" in refused.get_data(as_text=True)
    assert db.session.query(Invitation).count() == 0 and outbox_messages(app) == []


def test_invited_partners_register_through_their_link_and_the_coverage_counts_them(client, other_client, app,
                                                                                   demo, app_context):
    sign_in(client, ANHALT)
    _confirm(client, _upload(client, _partner_list(12)).get_data(as_text=True))
    kitas = [p for p in _partners() if p.sector == "Kita"]
    demo_kitas = db.session.query(Partner).filter(Partner.sector == "Kita", ~Partner.name.like("Testeinrichtung%")).count()
    assert db.session.query(Invitation).count() == 0

    count = _invite_kitas(client)
    assert count == len(kitas) + demo_kitas
    invitations = [m for m in outbox_messages(app) if m["Subject"].startswith("Einladung:")]
    assert len(invitations) == count
    mail = next(m for m in invitations if m["To"] == "person12@partner.example")
    link = re.search(r"(http\S+/anmelden\?einladung=\S+)", mail.get_body(("plain",)).get_content()).group(1)
    # No second invitation to the same people.
    assert "Niemand passt zu dieser Auswahl" in client.get(
        f"{BASE}/einladungen?sector=Kita&vorschau=1").get_data(as_text=True)

    path = link.split("://", 1)[1].split("/", 1)[1]
    form = other_client.get("/" + path).get_data(as_text=True)
    assert 'value="Testeinrichtung 12"' in form and '<option selected value="Kita">' in form.replace(
        'value="Kita" selected', 'selected value="Kita"')
    data = form_data(event_named(), 1, email="invitee@partner.example", organisation="Testeinrichtung 12")
    response = other_client.post(f"/e/{EVENT}/anmelden", data={"csrf_token": csrf_token(form), **data})
    assert response.status_code == 302
    invitee = db.session.query(Registration).filter_by(email="invitee@partner.example").one()
    kita_four = next(p for p in kitas if p.name == "Testeinrichtung 12")
    assert invitee.partner_id == kita_four.id
    assert db.session.query(Invitation).filter(Invitation.opened_at.is_not(None)).count() == 1
    # The invitation counts as answered: it names the registration made through it.
    assert db.session.query(Invitation).filter(Invitation.registration_id == invitee.id).count() == 1

    # Checked in at the door: the coverage report counts the institution as attended.
    post_form(client, f"/checkin/{EVENT}/person/{invitee.id}/einchecken", {}, page_url=f"/c/{invitee.badge_token}")
    report = client.get(f"{BASE}/beteiligung").get_data(as_text=True)
    row = re.search(r"<th scope=\"row\">Testeinrichtung 12</th><td>Kita</td>\s*<td>ja</td><td>1</td><td>1</td>",
                    report)
    assert row, report
    absent = report.split('id="nicht-gekommen"')[1].split("<h2")[0]
    assert "Testeinrichtung 12" not in absent
    assert all(p.name in absent for p in kitas if p.name != "Testeinrichtung 12")


def test_institutions_that_came_without_being_in_the_directory_are_added_with_one_click(client, demo, app_context):
    sign_in(client, ANHALT)
    report = client.get(f"{BASE}/beteiligung").get_data(as_text=True)
    new_section = report.split('id="neu"')[1]
    assert "Gymnasium Zerbst" in new_section or not any(
        r.organisation == "Gymnasium Zerbst" for r in registrations_of())
    stranger = registrations_of()[0]
    stranger.organisation, stranger.partner_id = "Waldorfkindergarten Raguhn", None
    db.session.commit()
    page = client.get(f"{BASE}/beteiligung").get_data(as_text=True)
    assert "Waldorfkindergarten Raguhn" in page.split('id="neu"')[1]
    added = client.post(f"/manage/n/{NETWORK}/beteiligung/aufnehmen", data={
        "csrf_token": csrf_token(page), "name": "Waldorfkindergarten Raguhn", "sector": stranger.sector,
        "back": f"{BASE}/beteiligung#neu"})
    assert added.status_code == 302 and added.headers["Location"].endswith("/beteiligung#neu")
    db.session.commit()
    partner = db.session.query(Partner).filter_by(name="Waldorfkindergarten Raguhn").one()
    assert db.session.get(Registration, stranger.id).partner_id == partner.id
    assert "Waldorfkindergarten Raguhn" not in client.get(f"{BASE}/beteiligung").get_data(as_text=True).split(
        'id="neu"')[1]


def test_the_coverage_pdf_renders_for_the_demo_and_the_year_sums_two_events(client, demo, app_context):
    sign_in(client, ANHALT)
    pdf = client.get(f"{BASE}/beteiligung.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = all_text(pdf.data)
    assert "Beteiligung: Stark für Familien" in text and "Partnereinrichtungen" in text and "Kita" in text

    event = event_named()
    year = event.starts_at.year
    before = client.get(f"/manage/n/{NETWORK}/beteiligung/{year}").get_data(as_text=True)
    registered = len([r for r in registrations_of() if r.status.value != "cancelled"])
    assert f"<dd>{registered}</dd>" in before

    # A second event of the same year: its registrations are added to the year's figures.
    data = export_event(event)
    data["slug"], data["title"] = "stark-fuer-familien-2", "Stark für Familien, zweiter Termin"
    other, _ = import_event(json.dumps(data))
    db.session.add(Registration(event_id=other.id, first_name="Ida", last_name="Zwei", email="ida@zwei.example",
                                status=RegistrationStatus.confirmed, organisation="", sector="Kita",
                                checked_in_at=utcnow()))
    db.session.commit()
    after = client.get(f"/manage/n/{NETWORK}/beteiligung/{year}").get_data(as_text=True)
    assert f"<dd>{registered + 1}</dd>" in after and "2 Veranstaltungen" in after
    sheet = load_workbook(io.BytesIO(client.get(f"/manage/n/{NETWORK}/beteiligung/{year}.xlsx").data)).active
    assert sheet["A1"].value == "Art" and sheet.max_row > 5


def test_a_contact_person_is_deleted_on_request_and_when_due(client, cli, demo, app_context):
    sign_in(client, ANHALT)
    partner = db.session.query(Partner).filter(Partner.sector == "Kita").first()
    contact = partner.contacts[0]
    name, email, contact_id = contact.name, contact.email, contact.id
    url = f"{DIRECTORY}/{partner.id}"
    page = client.get(url).get_data(as_text=True)
    assert email in page
    client.post(f"{url}/ansprechperson/{contact_id}/loeschen", data={"csrf_token": csrf_token(page)})
    db.session.commit()
    assert db.session.get(PartnerContact, contact_id) is None
    # The log says that a contact was deleted, not whose data it was.
    assert all(name not in entry.summary and email not in entry.summary
               for entry in db.session.query(AuditEntry))

    due = db.session.query(PartnerContact).first()
    due.keep_until = date.today() - timedelta(days=1)
    db.session.commit()
    result = cli.invoke(args=["purge-contacts"])
    assert "1 Ansprechpersonen aus dem Partnerverzeichnis gelöscht." in result.output
    db.session.commit()
    assert db.session.get(PartnerContact, due.id) is None


def test_the_registration_form_suggests_the_directorys_institutions(client, demo, app_context):
    html = client.get(f"/e/{EVENT}/anmelden").get_data(as_text=True)
    assert 'list="partner-names"' in html and '<option value="Kita Sonnenschein Wolfen">' in html
    form = client.get(f"/e/{EVENT}/anmelden").get_data(as_text=True)
    data = form_data(event_named(), 7, email="picked@example.org", organisation="kita sonnenschein  wolfen")
    client.post(f"/e/{EVENT}/anmelden", data={"csrf_token": csrf_token(form), **data})
    registration = db.session.query(Registration).filter_by(email="picked@example.org").one()
    assert registration.partner_id == db.session.query(Partner).filter_by(name="Kita Sonnenschein Wolfen").one().id
