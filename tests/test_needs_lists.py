"""Lists for caterer, venue and photographer: counts that match the registrations, consent respected,
organisers only; XLSX exports as people expect them (date cells, widths, bold frozen header, filter)."""
import io
from collections import Counter
from datetime import datetime

from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import sign_in
from tests.manage_helpers import ANHALT, BASE, EVENT, event_named, registrations_of
from tests.pdf_helpers import all_text
from confapp.extensions import db
from confapp.models import Registration, RegistrationHistory, RegistrationStatus, utcnow
from confapp.services.events.demo import load_demo

#: What each note of the demo means to a caterer, decided by a person reading it.
MEANING = {"vegetarisch": "vegetarisch", "vegan": "vegan", "vegetarisch, keine nüsse": "vegetarisch",
           "glutenfrei": "andere Angabe", "laktosefrei": "andere Angabe", "vegan (sojaallergie)": "vegan",
           "kein schweinefleisch": "andere Angabe", "halbe portion, vegetarisch": "vegetarisch"}


def _add(event, last, diet="", access="", consent=True, photo=True, status=RegistrationStatus.confirmed):
    registration = Registration(event=event, first_name="Test", last_name=last, email=f"{last.lower()}@example.org",
                                status=status, needs_consent_at=utcnow() if consent else None, diet=diet,
                                access_needs=access, photo_consent=photo, organisation="Jugendamt")
    registration.history.append(RegistrationHistory(action="registered", to_status=status.value))
    db.session.add(registration)
    db.session.commit()
    return registration


def _expected_counts() -> Counter:
    counted = Counter()
    for r in registrations_of():
        if r.status == RegistrationStatus.confirmed:
            note = r.diet.strip().lower() if r.needs_consent_at else ""
            counted[MEANING[note] if note else "ohne besondere Angabe"] += 1
    return counted


def test_catering_counts_equal_the_registrations_in_page_xlsx_and_pdf(client, app_context):
    load_demo(registrations=80)
    event = event_named()
    _add(event, "Halbe", diet="Halbe Portion, vegetarisch")
    _add(event, "Ohnezustimmung", diet="vegan", consent=False)  # stored before a consent rule: not counted
    _add(event, "Wartend", diet="vegan", status=RegistrationStatus.waitlisted)
    expected = _expected_counts()
    assert expected["vegetarisch"] and expected["vegan"] and expected["andere Angabe"]
    sign_in(client, ANHALT)

    page = client.get(f"{BASE}/listen/verpflegung").get_data(as_text=True)
    for choice, count in expected.items():
        assert f'<th scope="row">{choice}</th><td>{count}</td>' in page
    assert "Halbe Portion, vegetarisch" in page

    sheet = load_workbook(io.BytesIO(client.get(f"{BASE}/listen/verpflegung.xlsx").data)).active
    counts = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[1] not in ("", None)}
    assert {choice: counts[choice] for choice in expected} == dict(expected)
    assert counts["insgesamt"] == sum(expected.values())

    text = all_text(client.get(f"{BASE}/listen/verpflegung.pdf").data)
    for choice, count in expected.items():
        assert f"{choice} {count}" in text
    assert f"insgesamt {sum(expected.values())}" in text

    statistics = client.get(f"{BASE}/statistik").get_data(as_text=True)
    for choice, count in expected.items():
        assert f'<th scope="row">{choice}</th><td>{count}</td>' in statistics


def test_access_and_photo_lists_show_name_workshop_and_respect_consent(client, demo, app_context):
    event = event_named()
    _add(event, "Rollstuhl", access="Rollstuhl, stufenloser Zugang")
    _add(event, "Ohneeinwilligung", access="Gebärdensprache", consent=False)
    _add(event, "Kamerascheu", photo=False)
    sign_in(client, ANHALT)

    access = client.get(f"{BASE}/listen/barrierefreiheit").get_data(as_text=True)
    assert "Rollstuhl, stufenloser Zugang" in access and "Gebärdensprache" not in access
    csv = client.get(f"{BASE}/listen/barrierefreiheit.csv").data.decode("utf-8-sig")
    assert "Test Rollstuhl;Jugendamt;;Rollstuhl, stufenloser Zugang" in csv
    assert "Rollstuhl, stufenloser Zugang" in all_text(client.get(f"{BASE}/listen/barrierefreiheit.pdf").data)

    photos = client.get(f"{BASE}/listen/fotos").get_data(as_text=True)
    assert "Test Kamerascheu" in photos and "Test Rollstuhl" not in photos
    assert client.get(f"{BASE}/listen/unbekannt").status_code == 404
    assert client.get(f"{BASE}/listen/fotos.exe").status_code == 404


def test_lists_are_for_organisers_of_the_network_only(client, demo, app_context):
    assert client.get(f"{BASE}/listen/verpflegung").status_code == 302  # to the sign-in
    sign_in(client, "organisation@magdeburg.example")
    assert client.get(f"{BASE}/listen/verpflegung").status_code == 404
    assert client.get(f"{BASE}/listen/fotos.xlsx").status_code == 404


def test_xlsx_has_local_date_cells_widths_bold_frozen_header_and_filter(client, demo, app_context):
    event = event_named()
    registration = _add(event, "Winterzeit")
    registration.created_at = datetime(2024, 1, 15, 8, 30)  # UTC; 09:30 in Berlin
    db.session.commit()
    sign_in(client, ANHALT)

    sheet = load_workbook(io.BytesIO(client.get(f"{BASE}/export/anmeldungen.xlsx").data)).active
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "Winterzeit")
    created = row[header.index("Angemeldet am")]
    assert created.is_date and created.value == datetime(2024, 1, 15, 9, 30)
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{sheet.max_row}"
    assert sheet.column_dimensions["C"].width > 20  # e-mail addresses are long
    csv = client.get(f"{BASE}/export/anmeldungen.csv").data.decode("utf-8-sig")
    assert "15.01.2024 08:30" in csv  # CSV stays as it was
