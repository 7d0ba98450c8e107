"""Organisers download the printed documents from the back office; other networks get 404."""

from confapp.extensions import db
from confapp.models import Registration, RegistrationStatus
from tests.conftest import csrf_token, post_form, sign_in
from tests.pdf_helpers import all_text, qr_codes
from tests.print_helpers import newest_run_pdf, prepare_badges, say_how_the_print_went

PAGE = "/manage/e/stark-fuer-familien/dokumente"


def test_organiser_downloads_badges_and_they_count_as_printed_once_confirmed(client, demo):
    sign_in(client, "organisation@anhalt-bitterfeld.example")
    page = client.get("/manage/e/stark-fuer-familien/").get_data(as_text=True)  # the event navigation
    assert PAGE in page
    assert "Namensschilder vorbereiten" in client.get(PAGE).get_data(as_text=True)

    prepared = prepare_badges(client, layout="a4-85x54")
    first = newest_run_pdf(client)
    assert say_how_the_print_went(client, "gedruckt").status_code == 302
    again = prepare_badges(client, layout="a4-85x54", only_new="y", show_sector="")

    assert prepared.status_code == 303
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert "attachment" in first.headers["Content-Disposition"]
    confirmed = db.session.query(Registration).filter_by(event_id=demo[0].id,
                                                         status=RegistrationStatus.confirmed).count()
    assert confirmed and len(qr_codes(first.data)) == confirmed
    assert again.status_code == 302  # nothing new to print
    assert "keine Namensschilder" in client.get(PAGE).get_data(as_text=True)


def test_bad_badge_settings_get_german_errors_next_to_the_field(client, demo):
    sign_in(client, "organisation@anhalt-bitterfeld.example")

    response = post_form(client, PAGE + "/namensschilder", {"layout": "card", "skip": "3", "offset_x": "25",
                                                             "offset_y": "x"}, page_url=PAGE)

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Bitte prüfen Sie Ihre Angaben" in html and "−20 bis 20" in html


def test_a_skip_beyond_the_sheet_is_explained(client, demo):
    sign_in(client, "organisation@anhalt-bitterfeld.example")
    response = post_form(client, PAGE + "/namensschilder", {"layout": "card", "skip": "3", "offset_x": "0",
                                                             "offset_y": "0"}, page_url=PAGE)
    assert response.status_code == 422 and "überspringen Sie 0 bis 0" in response.get_data(as_text=True)


def test_flyer_sign_in_sheets_and_certificates_download(client, demo):
    sign_in(client, "organisation@anhalt-bitterfeld.example")

    flyer = client.get(PAGE + "/flyer-dinlang.pdf")
    sheets = client.get(PAGE + "/teilnehmerlisten.pdf")
    nobody = client.get(PAGE + "/teilnahmebescheinigungen.pdf?basis=checked_in")
    everyone = client.get(PAGE + "/teilnahmebescheinigungen.pdf?basis=confirmed")

    assert flyer.mimetype == "application/pdf" and "Stark für Familien" in all_text(flyer.data)
    assert "Teilnehmerliste: Plenum" in all_text(sheets.data)
    assert nobody.status_code == 422 and "niemand eingecheckt" in nobody.get_data(as_text=True)
    assert everyone.status_code == 200 and "Teilnahmebescheinigung" in all_text(everyone.data)
    assert client.get(PAGE + "/flyer-a5.pdf").status_code == 404
    assert client.get(PAGE + "/teilnahmebescheinigungen.pdf?basis=alle").status_code == 422


def test_the_logo_is_uploaded_in_the_network_settings_not_per_event(client, demo):
    sign_in(client, "organisation@anhalt-bitterfeld.example")
    page = client.get(PAGE).get_data(as_text=True)

    assert "/manage/n/anhalt-bitterfeld/einstellungen#logo" in page
    assert client.post(PAGE + "/logo", data={"csrf_token": csrf_token(page)}).status_code == 404


def test_other_networks_and_door_staff_see_nothing(client, other_client, demo):
    sign_in(client, "organisation@magdeburg.example")
    for url in (PAGE, PAGE + "/flyer-a4.pdf", PAGE + "/teilnehmerlisten.pdf",
                PAGE + "/teilnahmebescheinigungen.pdf?basis=confirmed"):
        assert client.get(url).status_code == 404
    token = csrf_token(client.get("/manage/passwort").get_data(as_text=True))
    assert client.post(PAGE + "/namensschilder", data={"csrf_token": token, "layout": "a6", "skip": "0",
                                                       "offset_x": "0", "offset_y": "0"}).status_code == 404
    sign_in(other_client, "einlass@anhalt-bitterfeld.example")
    assert other_client.get(PAGE).status_code == 404
    assert PAGE not in other_client.get("/manage/").get_data(as_text=True)
    assert PAGE not in client.get("/manage/").get_data(as_text=True)
