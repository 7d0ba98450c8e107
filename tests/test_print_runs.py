"""Badges count as printed only once the organiser confirms the print worked."""
from confapp.extensions import db
from confapp.models import Registration, RegistrationStatus
from tests.conftest import csrf_token, post_form, sign_in
from tests.pdf_helpers import qr_codes

PAGE = "/manage/e/stark-fuer-familien/dokumente"
ONLY_NEW = {"layout": "a4-80x50", "skip": "0", "offset_x": "0", "offset_y": "0", "only_new": "y"}


def _confirmed(event) -> int:
    return db.session.query(Registration).filter_by(event_id=event.id, status=RegistrationStatus.confirmed).count()


def _outcome(client, button: str):
    page = client.get(PAGE).get_data(as_text=True)
    assert "Hat der Druck geklappt?" in page
    run_url = page.split('action="')[1:]
    action = next(url.split('"')[0] for url in run_url if url.split('"')[0].endswith("/" + button))
    return client.post(action, data={"csrf_token": csrf_token(page)})


def test_a_failed_print_leaves_the_badges_in_the_not_yet_printed_list(client, demo):
    sign_in(client, "organisation@anhalt-bitterfeld.example")
    first = post_form(client, PAGE + "/namensschilder", ONLY_NEW, page_url=PAGE)
    assert first.mimetype == "application/pdf" and len(qr_codes(first.data)) == _confirmed(demo[0])

    failed = _outcome(client, "fehlgeschlagen")

    assert failed.status_code == 302
    assert "weiter als nicht gedruckt" in client.get(PAGE).get_data(as_text=True)
    again = post_form(client, PAGE + "/namensschilder", ONLY_NEW, page_url=PAGE)
    assert again.mimetype == "application/pdf" and len(qr_codes(again.data)) == _confirmed(demo[0])


def test_a_confirmed_print_takes_the_badges_off_the_list(client, demo):
    sign_in(client, "organisation@anhalt-bitterfeld.example")
    post_form(client, PAGE + "/namensschilder", ONLY_NEW, page_url=PAGE)
    downloaded_again = post_form(client, PAGE + "/namensschilder", ONLY_NEW, page_url=PAGE)
    assert downloaded_again.mimetype == "application/pdf"  # downloading alone marks nothing

    assert _outcome(client, "gedruckt").status_code == 302

    nothing = post_form(client, PAGE + "/namensschilder", ONLY_NEW, page_url=PAGE)
    assert nothing.status_code == 302
    assert "keine Namensschilder" in client.get(PAGE).get_data(as_text=True)


def test_another_networks_organiser_cannot_decide_a_run(client, other_client, demo):
    sign_in(client, "organisation@anhalt-bitterfeld.example")
    post_form(client, PAGE + "/namensschilder", ONLY_NEW, page_url=PAGE)
    page = client.get(PAGE).get_data(as_text=True)
    action = next(part.split('"')[0] for part in page.split('action="') if "/gedruckt" in part.split('"')[0])

    sign_in(other_client, "organisation@magdeburg.example")
    token = csrf_token(other_client.get("/manage/passwort").get_data(as_text=True))
    assert other_client.post(action, data={"csrf_token": token}).status_code == 404
