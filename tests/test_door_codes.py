"""The short code under a badge's QR code: printed on the badge, accepted at the door."""
from urllib.parse import quote

from sqlalchemy import select

from confapp.extensions import db
from confapp.models import Registration, RegistrationStatus
from confapp.services.checkin.door_codes import door_code, typed_door_code
from tests.conftest import csrf_token, sign_in
from tests.pdf_helpers import all_text

DOOR = "einlass@anhalt-bitterfeld.example"
EVENT = "stark-fuer-familien"


def _first_confirmed(event) -> Registration:
    return db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.confirmed)
        .order_by(Registration.id)).first()


def test_the_badge_prints_the_door_code_and_the_door_search_finds_the_person(client, demo, cli, tmp_path):
    person = _first_confirmed(demo[0])
    code = door_code(person.badge_token)
    out = tmp_path / "b.pdf"
    assert cli.invoke(args=["badges", EVENT, "--email", person.email, "-o", str(out)]).exit_code == 0
    assert code in all_text(out.read_bytes())

    sign_in(client, DOOR)
    typed = code.lower().replace("-", " ").replace("0", "o")  # as someone types it off the badge
    found = client.get(f"/checkin/{EVENT}/?q={quote(typed)}").get_data(as_text=True)

    assert person.last_name in found


def test_the_scanner_code_field_checks_in_by_door_code(client, demo):
    person = _first_confirmed(demo[0])
    sign_in(client, DOOR)
    page = client.get(f"/checkin/{EVENT}/scanner").get_data(as_text=True)

    response = client.post(f"/checkin/{EVENT}/scanner", headers={"Accept": "application/json"},
                           data={"csrf_token": csrf_token(page), "code": door_code(person.badge_token)})

    assert response.status_code == 200 and person.last_name in str(response.get_json())
    db.session.commit()
    assert db.session.get(Registration, person.id).checked_in_at is not None


def test_typed_codes_forgive_case_spaces_and_look_alikes():
    assert typed_door_code("k7m 2qx") == "K7M-2QX"
    assert typed_door_code("K7M-2QO") == "K7M-2Q0"
    assert typed_door_code("Müller") is None and typed_door_code("Anna") is None
