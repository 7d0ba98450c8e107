"""Badges count as printed only once the organiser confirms the print worked."""
from confapp.extensions import db
from confapp.models import Registration, RegistrationStatus
from tests.conftest import csrf_token, sign_in
from tests.pdf_helpers import qr_codes
from tests.print_helpers import PAGE, newest_run_pdf, prepare_badges, say_how_the_print_went


def _confirmed(event) -> int:
    return db.session.query(Registration).filter_by(event_id=event.id, status=RegistrationStatus.confirmed).count()


def test_a_failed_print_leaves_the_badges_in_the_not_yet_printed_list(client, demo):
    sign_in(client, "organisation@anhalt-bitterfeld.example")
    assert prepare_badges(client, only_new="y").status_code == 303
    first = newest_run_pdf(client)
    assert first.mimetype == "application/pdf" and len(qr_codes(first.data)) == _confirmed(demo[0])

    failed = say_how_the_print_went(client, "fehlgeschlagen")

    assert failed.status_code == 302
    page = client.get(PAGE).get_data(as_text=True)
    assert "weiter als nicht gedruckt" in page and "Hat der Druck geklappt?" not in page
    assert prepare_badges(client, only_new="y").status_code == 303
    again = newest_run_pdf(client)
    assert again.mimetype == "application/pdf" and len(qr_codes(again.data)) == _confirmed(demo[0])


def test_downloading_marks_nothing_a_confirmed_print_takes_the_badges_off_the_list(client, demo):
    sign_in(client, "organisation@anhalt-bitterfeld.example")
    prepare_badges(client, only_new="y")
    newest_run_pdf(client)
    assert prepare_badges(client, only_new="y").status_code == 303  # still all of them

    assert say_how_the_print_went(client, "gedruckt").status_code == 302

    assert prepare_badges(client, only_new="y").status_code == 302  # nothing left: back with a note
    assert "keine Namensschilder" in client.get(PAGE).get_data(as_text=True)


def test_another_networks_organiser_can_neither_download_nor_decide_a_run(client, other_client, demo):
    sign_in(client, "organisation@anhalt-bitterfeld.example")
    prepare_badges(client)
    page = client.get(PAGE).get_data(as_text=True)
    action = next(part.split('"')[0] for part in page.split('action="') if "/gedruckt" in part.split('"')[0])
    pdf = action.replace("/gedruckt", ".pdf")

    sign_in(other_client, "organisation@magdeburg.example")
    token = csrf_token(other_client.get("/manage/passwort").get_data(as_text=True))
    assert other_client.post(action, data={"csrf_token": token}).status_code == 404
    assert other_client.get(pdf).status_code == 404
