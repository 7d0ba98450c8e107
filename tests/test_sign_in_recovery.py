"""Sessions that can be taken away, „Passwort vergessen?“, the second factor, sign-in rate limits."""
import base64
import io
import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pyotp
import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from tests.conftest import csrf_token, outbox_messages, post_form, sign_in
from tests.manage_helpers import ANHALT, DOOR
from tests.test_team import invitation_link
from confapp import create_app
from confapp.extensions import db, limiter
from confapp.models import Network, PasswordReset, RecoveryCode, User
from confapp.services.events.demo import DEMO_PASSWORD
from confapp.services.networks import accounts

NEW_PASSWORD = "ein ganz neuer Satz"


def copy_session(source, target) -> None:
    """Give ``target`` the very cookies of ``source``, as someone who copied them would."""
    for name in ("session", "remember_token"):
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


def current_code(email: str, offset: int = 0) -> str:
    db.session.commit()
    user = accounts.by_email(email)
    return code_for(user.totp_secret, offset)


def code_for(secret: str, offset: int = 0) -> str:
    """The app's code now (``offset`` 30-second steps later), as an authenticator app computes it."""
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(datetime.now(timezone.utc)) + offset)


# --- sessions ----------------------------------------------------------------------------------

def test_a_copied_session_cookie_dies_with_sign_out(app, client, other_client, demo):
    sign_in(client, ANHALT)
    copy_session(client, other_client)
    assert other_client.get("/manage/").status_code == 200
    client.post("/manage/abmelden", data={"csrf_token": csrf_token(client.get("/manage/").get_data(as_text=True))})
    refused = other_client.get("/manage/")
    assert refused.status_code == 302 and "/manage/anmelden" in refused.headers["Location"]


def test_remember_me_lasts_thirty_days_at_most_and_dies_with_sign_out(app, client, other_client, demo):
    response = post_form(client, "/manage/anmelden", {"email": ANHALT, "password": DEMO_PASSWORD, "remember": "y"})
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("remember_token="))
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie).group(1))
    assert expires <= datetime.now(timezone.utc) + timedelta(days=30, minutes=1)
    # A browser that kept only the remember-me cookie is signed in by it, until sign-out elsewhere.
    other_client.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert other_client.get("/manage/").status_code == 200
    other_client.delete_cookie("session")
    client.post("/manage/abmelden", data={"csrf_token": csrf_token(client.get("/manage/").get_data(as_text=True))})
    assert other_client.get("/manage/").status_code == 302


# --- password reset ----------------------------------------------------------------------------

def ask_for_reset(client, email: str) -> str:
    response = post_form(client, "/manage/passwort-vergessen", {"email": email})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_forgotten_password_answers_the_same_whether_the_address_exists(app, client, demo):
    assert "Passwort vergessen?" in client.get("/manage/anmelden").get_data(as_text=True)
    known = ask_for_reset(client, ANHALT)
    unknown = ask_for_reset(client, "niemand@example.org")
    assert known.replace(ANHALT, "X") == unknown.replace("niemand@example.org", "X")
    assert "Wenn zu" in known and "ein Konto gehört" in known
    assert [m["To"] for m in outbox_messages(app)] == [ANHALT]


def test_a_reset_link_works_once_and_ends_every_session(app, client, other_client, demo):
    sign_in(other_client, ANHALT)
    ask_for_reset(client, ANHALT)
    link = invitation_link(app, ANHALT)
    assert link.startswith("/manage/passwort-neu/")
    assert db.session.scalar(select(PasswordReset.token_hash)) not in link  # only the hash is stored
    mismatch = post_form(client, link, {"new": NEW_PASSWORD, "repeat": "etwas anderes hier"})
    assert mismatch.status_code == 422 and "stimmen nicht überein" in mismatch.get_data(as_text=True)
    done = post_form(client, link, {"new": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert done.status_code == 302 and "/manage/anmelden" in done.headers["Location"]

    assert other_client.get("/manage/").status_code == 302  # the open session ended
    again = client.get(link)
    assert again.status_code == 410 and "Dieser Link gilt nicht mehr" in again.get_data(as_text=True)
    wrong = post_form(client, "/manage/anmelden", {"email": ANHALT, "password": DEMO_PASSWORD})
    assert "stimmen nicht" in wrong.get_data(as_text=True)
    sign_in(client, ANHALT, NEW_PASSWORD)


def test_a_reset_link_expires(app, client, demo):
    ask_for_reset(client, ANHALT)
    link = invitation_link(app, ANHALT)
    reset = db.session.scalar(select(PasswordReset))
    reset.created_at -= timedelta(hours=2)
    reset.expires_at -= timedelta(hours=1, seconds=1)
    db.session.commit()
    assert client.get(link).status_code == 410
    token = csrf_token(client.get("/manage/passwort-vergessen").get_data(as_text=True))
    refused = client.post(link, data={"csrf_token": token, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert refused.status_code == 410
    sign_in(client, ANHALT)  # the old password still works


def test_a_newer_reset_spends_the_older_links(app, client, demo):
    ask_for_reset(client, ANHALT)
    first = invitation_link(app, ANHALT)
    ask_for_reset(client, ANHALT)
    second = invitation_link(app, ANHALT)
    post_form(client, second, {"new": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert client.get(first).status_code == 410


# --- second factor -----------------------------------------------------------------------------

def set_up_second_factor(client, email: str) -> list[str]:
    page = client.get("/manage/zwei-faktor").get_data(as_text=True)
    assert scanned_qr_code(page) == pyotp.TOTP(accounts.by_email(email).totp_secret).provisioning_uri(
        name=email, issuer_name="confapp")
    for nonsense in ("000000", "١٢٣٤٥٦"):
        wrong = post_form(client, "/manage/zwei-faktor", {"code": nonsense})
        assert wrong.status_code == 422 and "Der Code stimmt nicht" in wrong.get_data(as_text=True)
    done = post_form(client, "/manage/zwei-faktor", {"code": current_code(email)})
    html = done.get_data(as_text=True)
    assert "nur dieses eine Mal angezeigt" in html
    return re.findall(r"<code>([A-Z0-9-]{19})</code>", html)


def scanned_qr_code(page: str) -> str:
    """What an authenticator app reads from the page's QR code (an inline image: no outside request)."""
    data = re.search(r'<img src="data:image/png;base64,([^"]+)"', page).group(1)
    image = Image.open(io.BytesIO(base64.b64decode(data)))
    return zxingcpp.read_barcodes(image)[0].text


def sign_out(client) -> None:
    client.post("/manage/abmelden", data={"csrf_token": csrf_token(client.get("/manage/").get_data(as_text=True))})


def test_with_a_second_factor_the_password_alone_does_not_sign_in(app, client, demo):
    sign_in(client, ANHALT)
    codes = set_up_second_factor(client, ANHALT)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 10
    assert not any(db.session.scalar(select(func.count()).select_from(RecoveryCode)
                                     .where(RecoveryCode.code_hash.contains(code.replace("-", ""))))
                   for code in codes)
    sign_out(client)

    step = post_form(client, "/manage/anmelden", {"email": ANHALT, "password": DEMO_PASSWORD})
    assert step.headers["Location"] == "/manage/anmelden/code"
    assert client.get("/manage/").status_code == 302  # not signed in yet
    for nonsense in ("123456", "١٢٣٤٥٦", "x" * 41, "ü-ß-€"):
        wrong = post_form(client, "/manage/anmelden/code", {"code": nonsense})
        assert wrong.status_code == 200 and "Bitte prüfen Sie Ihre Angaben" in wrong.get_data(as_text=True), nonsense
    # A NUL byte is refused before any form sees it (input checks), with the German 400 page.
    assert post_form(client, "/manage/anmelden/code", {"code": "12\x0034"}).status_code == 400
    # The code used to set up was spent; the next one signs in.
    code = current_code(ANHALT, 1)
    done = post_form(client, "/manage/anmelden/code", {"code": code})
    assert done.status_code == 302 and done.headers["Location"] == "/manage/"
    assert client.get("/manage/").status_code == 200

    # The same code cannot be used twice.
    sign_out(client)
    post_form(client, "/manage/anmelden", {"email": ANHALT, "password": DEMO_PASSWORD})
    replay = post_form(client, "/manage/anmelden/code", {"code": code})
    assert replay.status_code == 200 and "Der Code stimmt nicht" in replay.get_data(as_text=True)

    # A recovery code works once, typed in lower case without dashes too.
    recovery = post_form(client, "/manage/anmelden/code", {"code": codes[0].replace("-", "").lower()})
    assert recovery.status_code == 302
    sign_out(client)
    post_form(client, "/manage/anmelden", {"email": ANHALT, "password": DEMO_PASSWORD})
    assert "Der Code stimmt nicht" in post_form(client, "/manage/anmelden/code",
                                                {"code": codes[0]}).get_data(as_text=True)


def test_a_network_that_requires_the_second_factor_refuses_sign_in_without_it(app, client, other_client, demo):
    sign_in(client, ANHALT)
    post_form(client, "/manage/n/anhalt-bitterfeld/team/zwei-faktor", {"required": "y"},
              page_url="/manage/n/anhalt-bitterfeld/team")
    assert db.session.scalar(select(Network.require_second_factor).where(Network.slug == "anhalt-bitterfeld"))

    # Door staff without an app: signed in, but every page asks for the set-up first.
    sign_in(other_client, DOOR)
    for url in ("/manage/", "/checkin/", "/manage/e/stark-fuer-familien/"):
        response = other_client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/manage/zwei-faktor", url
    page = other_client.get("/manage/zwei-faktor").get_data(as_text=True)
    assert "Ihr Netzwerk verlangt eine Anmeldung mit zweitem Faktor" in page
    set_up_second_factor(other_client, DOOR)
    assert other_client.get("/checkin/").status_code == 200

    # Now the password alone is not enough, and the app cannot be switched off.
    sign_out(other_client)
    post_form(other_client, "/manage/anmelden", {"email": DOOR, "password": DEMO_PASSWORD})
    assert other_client.get("/checkin/").status_code == 302
    assert other_client.get("/manage/").headers["Location"].startswith("/manage/anmelden")
    post_form(other_client, "/manage/anmelden/code", {"code": current_code(DOOR, 1)})
    off = post_form(other_client, "/manage/zwei-faktor/abschalten", {"off-password": DEMO_PASSWORD},
                    page_url="/manage/zwei-faktor")
    assert "verlangt die Zwei-Faktor-Anmeldung" in other_client.get(off.headers["Location"]).get_data(as_text=True)
    assert accounts.by_email(DOOR).has_second_factor


def test_a_second_factor_can_be_switched_off_with_the_password(app, client, demo):
    sign_in(client, ANHALT)
    set_up_second_factor(client, ANHALT)
    wrong = post_form(client, "/manage/zwei-faktor/abschalten", {"off-password": "falsch"}, page_url="/manage/zwei-faktor")
    assert "Das Passwort stimmt nicht" in client.get(wrong.headers["Location"]).get_data(as_text=True)
    post_form(client, "/manage/zwei-faktor/abschalten", {"off-password": DEMO_PASSWORD}, page_url="/manage/zwei-faktor")
    assert not accounts.by_email(ANHALT).has_second_factor
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0
    sign_out(client)
    sign_in(client, ANHALT)


def test_the_pending_second_step_expires(app, client, demo):
    sign_in(client, ANHALT)
    set_up_second_factor(client, ANHALT)
    sign_out(client)
    post_form(client, "/manage/anmelden", {"email": ANHALT, "password": DEMO_PASSWORD})
    with client.session_transaction() as session:
        session["pending_sign_in"]["until"] -= 301
        session.modified = True
    response = client.get("/manage/anmelden/code")
    assert response.status_code == 302 and response.headers["Location"] == "/manage/anmelden"


# --- rate limits -------------------------------------------------------------------------------

@pytest.fixture
def limited_app(app):
    """The suite's app with rate limits on (the suite turns them off), in memory."""
    limited = create_app({**app.config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"})
    limiter.reset()
    yield limited
    limiter.reset()
    limiter.enabled = False  # the shared extension object: back to what the test app was built with


def test_sign_in_is_limited_per_account_whatever_the_address(limited_app, demo):
    answers = []
    for number in range(7):  # seven people, seven addresses, one account
        client = limited_app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{number + 1}"
        answers.append(post_form(client, "/manage/anmelden", {"email": ANHALT, "password": "falsch-falsch-falsch"}))
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 2
    assert "Zu viele Anfragen" in answers[-1].get_data(as_text=True)
    # The right password from yet another address waits as well; another account does not.
    client = limited_app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.1.1"
    assert post_form(client, "/manage/anmelden", {"email": ANHALT, "password": DEMO_PASSWORD}).status_code == 429
    assert post_form(client, "/manage/anmelden", {"email": DOOR, "password": DEMO_PASSWORD}).status_code == 302


def test_successful_sign_ins_do_not_use_up_the_account_limit(limited_app, demo):
    for number in range(8):
        client = limited_app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.2.{number + 1}"
        assert post_form(client, "/manage/anmelden", {"email": ANHALT, "password": DEMO_PASSWORD}).status_code == 302


def test_reset_links_are_limited_per_address_asked_about(limited_app, demo):
    answers = []
    for number in range(4):
        client = limited_app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.3.{number + 1}"
        answers.append(post_form(client, "/manage/passwort-vergessen", {"email": ANHALT}).status_code)
    assert answers == [200, 200, 200, 429]
    assert len(outbox_messages(limited_app)) == 3


def test_second_step_codes_are_limited(limited_app, demo):
    client = limited_app.test_client()
    user = db.session.scalar(select(User).where(User.email == ANHALT))
    user.totp_secret, user.totp_enabled_at = pyotp.random_base32(), datetime(2026, 1, 1)
    db.session.commit()
    post_form(client, "/manage/anmelden", {"email": ANHALT, "password": DEMO_PASSWORD})
    answers = [post_form(client, "/manage/anmelden/code", {"code": "000000"}).status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]


@pytest.mark.parametrize("email", ["nul\x00@example.org", "x" * 300 + "@example.org", "   ", "\u202eevil@example.org"])
def test_malformed_addresses_get_a_clear_answer_never_a_500(app, client, demo, email):
    forgot = post_form(client, "/manage/passwort-vergessen", {"email": email})
    login = post_form(client, "/manage/anmelden", {"email": email, "password": "irgendein Passwort"})
    assert forgot.status_code in (200, 400, 422) and login.status_code in (200, 400, 422)
    assert outbox_messages(app) == []
