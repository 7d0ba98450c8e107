"""Signing in to the back office: passwords, sessions, roles per network, the create-user command."""
import pytest

from tests.conftest import csrf_token, post_form, sign_in
from confapp.extensions import db
from confapp.models import User
from confapp.services.networks import access
from confapp.services.networks import accounts

ANHALT = "organisation@anhalt-bitterfeld.example"
MAGDEBURG = "organisation@magdeburg.example"


def test_back_office_asks_for_sign_in(client, demo):
    response = client.get("/manage/")
    assert response.status_code == 302 and "/manage/anmelden" in response.headers["Location"]


def test_organiser_signs_in_and_sees_only_their_networks_events(client, demo):
    sign_in(client, ANHALT)
    html = client.get("/manage/").get_data(as_text=True)
    assert "Stark für Familien" in html
    assert "Netzwerkforum Kinderschutz Magdeburg" not in html


def test_wrong_password_gets_a_german_error_and_no_session(client, demo):
    response = post_form(client, "/manage/anmelden", {"email": ANHALT, "password": "falsch-falsch-falsch"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "E-Mail-Adresse oder Passwort stimmen nicht." in html
    assert 'aria-invalid="true"' in html and "Bitte prüfen Sie Ihre Angaben" in html
    assert client.get("/manage/").status_code == 302


def test_login_without_csrf_token_is_refused(client, demo):
    response = client.post("/manage/anmelden", data={"email": ANHALT, "password": "demo-passwort-2024"})
    assert response.status_code == 400
    assert client.get("/manage/").status_code == 302


def test_sign_in_only_redirects_within_the_site(client, demo):
    response = post_form(client, "/manage/anmelden?next=https://evil.example/x",
                         {"email": ANHALT, "password": "demo-passwort-2024"})
    assert response.headers["Location"] == "/manage/"


def test_password_change_signs_out_other_devices(client, other_client, demo):
    sign_in(client, ANHALT)
    sign_in(other_client, ANHALT)
    too_short = post_form(client, "/manage/passwort",
                          {"current": "demo-passwort-2024", "new": "kurz", "repeat": "kurz"})
    assert "Das Passwort muss 12 bis 200 Zeichen lang sein." in too_short.get_data(as_text=True)
    response = post_form(client, "/manage/passwort", {"current": "demo-passwort-2024",
                                                      "new": "ein langer neuer Satz", "repeat": "ein langer neuer Satz"})
    assert response.status_code == 302
    assert client.get("/manage/").status_code == 200
    assert other_client.get("/manage/").status_code == 302
    sign_in(other_client, ANHALT, "ein langer neuer Satz")


def test_logout_needs_a_post_with_csrf(client, demo):
    sign_in(client, ANHALT)
    assert client.get("/manage/abmelden").status_code == 405
    page = client.get("/manage/").get_data(as_text=True)
    client.post("/manage/abmelden", data={"csrf_token": csrf_token(page)})
    assert client.get("/manage/").status_code == 302


def test_deactivated_account_cannot_sign_in(client, demo, app_context):
    accounts.by_email(ANHALT).active = False
    db.session.commit()
    response = post_form(client, "/manage/anmelden", {"email": ANHALT, "password": "demo-passwort-2024"})
    assert response.status_code == 200


def test_access_is_per_network(demo, app_context):
    organiser = accounts.by_email(ANHALT)
    door = accounts.by_email("einlass@anhalt-bitterfeld.example")
    assert access.event_or_404(organiser, "stark-fuer-familien").slug == "stark-fuer-familien"
    from werkzeug.exceptions import NotFound
    with pytest.raises(NotFound):
        access.event_or_404(organiser, "netzwerkforum-magdeburg")
    with pytest.raises(NotFound):
        access.event_or_404(door, "stark-fuer-familien")  # door staff are not organisers
    assert access.event_or_404(door, "stark-fuer-familien", access.DOOR).slug == "stark-fuer-familien"


def test_create_user_command(cli, demo, app_context):
    result = cli.invoke(args=["create-user", "Neu@Example.org", "--network", "magdeburg", "--role", "checkin",
                              "--password", "ein sicheres Passwort"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "neu@example.org"))
    assert [m.role.value for m in user.memberships] == ["checkin"]
    bad = cli.invoke(args=["create-user", "x@example.org", "--network", "gibtsnicht", "--password", "x" * 12])
    assert bad.exit_code != 0 and "gibt es nicht" in bad.output
    short = cli.invoke(args=["create-user", "y@example.org", "--network", "magdeburg", "--password", "kurz"])
    assert short.exit_code != 0 and "mindestens 12 Zeichen" in short.output
    prompted = cli.invoke(args=["create-user", "z@example.org", "--network", "magdeburg"],
                          input="ein sicheres Passwort\nein sicheres Passwort\n")
    assert prompted.exit_code == 0, prompted.output
    assert accounts.authenticate("z@example.org", "ein sicheres Passwort") is not None
