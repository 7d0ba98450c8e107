"""Networks from the command line, their settings in the back office, and e-mails in their name."""
import io
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import select

from confapp.extensions import db
from confapp.models import AuditEntry, Network, OutboxMessage, OutboxStatus
from tests.conftest import csrf_token, outbox_messages, post_form, sign_in
from tests.manage_helpers import ANHALT, DOOR, MAGDEBURG

PASSWORD = "wittenberg-2024-sicher"
SETTINGS = "/manage/n/anhalt-bitterfeld/einstellungen"


def network(slug: str = "anhalt-bitterfeld") -> Network:
    db.session.commit()  # ends the read transaction: SQLite WAL would keep showing an old snapshot
    return db.session.scalar(select(Network).where(Network.slug == slug))


def settings_form(page_html: str, **changes) -> dict:
    """What the browser posts: the settings as shown, with ``changes``."""
    current = network()
    data = {"csrf_token": csrf_token(page_html), "name": current.name, "short_name": current.short_name,
            "responsible_body": current.responsible_body, "representative": current.representative,
            "postal_address": current.postal_address, "phone": current.phone, "contact_email": current.contact_email,
            "accent_color": current.accent_color, "mail_sender_name": current.mail_sender_name,
            "reply_to": current.reply_to, "retention_months": str(current.retention_months),
            "data_protection_officer": current.data_protection_officer,
            "supervisory_authority": current.supervisory_authority,
            "accessibility_date": current.accessibility_date.isoformat() if current.accessibility_date else "",
            "accessibility_limitations": current.accessibility_limitations,
            "accessibility_contact": current.accessibility_contact, "enforcement_body": current.enforcement_body}
    data.update(changes)
    return data


# --- flask network ------------------------------------------------------------------------------

def test_network_create_makes_a_network_whose_admin_can_sign_in(cli, client, app_context):
    result = cli.invoke(args=["network", "create", "landkreis-wittenberg", "--name", "Netzwerk Kinderschutz Wittenberg",
                              "--admin", "Koordination@Wittenberg.example", "--password", PASSWORD])

    assert result.exit_code == 0, result.output
    assert "http://confapp.test/manage/anmelden" in result.output
    sign_in(client, "koordination@wittenberg.example", PASSWORD)
    dashboard = client.get("/manage/").get_data(as_text=True)
    assert "Netzwerk Kinderschutz Wittenberg (Administration)" in dashboard
    assert "Vor dem Veröffentlichen" in dashboard  # nothing is set yet
    listed = cli.invoke(args=["network", "list"]).output
    assert "landkreis-wittenberg\tNetzwerk Kinderschutz Wittenberg\t0 Veranstaltungen" in listed
    assert "koordination@wittenberg.example" in listed


def test_network_create_prompts_for_the_password(cli, client, app_context):
    result = cli.invoke(args=["network", "create", "wb", "--name", "Netzwerk WB", "--admin", "a@wb.example"],
                        input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    sign_in(client, "a@wb.example", PASSWORD)


@pytest.mark.parametrize("args, message", [
    (["Landkreis Wittenberg", "--name", "X", "--admin", "a@b.example", "--password", PASSWORD], "Kleinbuchstaben"),
    (["wb", "--name", "  ", "--admin", "a@b.example", "--password", PASSWORD], "Namen des Netzwerks"),
    (["wb", "--name", "X", "--admin", "kein-at", "--password", PASSWORD], "gültige E-Mail"),
    (["wb", "--name", "X", "--admin", "a@b.example", "--password", "kurz"], "mindestens 12 Zeichen"),
])
def test_network_create_refuses_bad_input_and_stores_nothing(cli, app_context, args, message):
    result = cli.invoke(args=["network", "create", *args])
    assert result.exit_code != 0 and message in result.output
    assert db.session.scalar(select(Network)) is None


def test_a_network_slug_is_taken_once(cli, app_context):
    args = ["network", "create", "wb", "--name", "X", "--admin", "a@b.example", "--password", PASSWORD]
    assert cli.invoke(args=args).exit_code == 0
    again = cli.invoke(args=args)
    assert again.exit_code != 0 and "gibt es schon" in again.output


def test_network_list_on_an_empty_server_says_how_to_start(cli, app_context):
    assert "flask network create" in cli.invoke(args=["network", "list"]).output


# --- settings page ------------------------------------------------------------------------------

def test_admins_save_the_settings_and_the_audit_log_says_what_changed(client, demo):
    sign_in(client, ANHALT)
    page = client.get(SETTINGS).get_data(as_text=True)
    response = client.post(SETTINGS, data=settings_form(page, name="Netzwerk Kinderschutz ABI",
                                                        accent_color="#7A1F5c", reply_to="antwort@abi.example",
                                                        retention_months="6"))

    assert response.status_code == 302
    saved = network()
    assert (saved.name, saved.accent_color, saved.reply_to, saved.retention_months) == (
        "Netzwerk Kinderschutz ABI", "#7a1f5c", "antwort@abi.example", 6)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "network.settings"))
    assert "Name" in entry.summary and "Akzentfarbe" in entry.summary and entry.actor == ANHALT
    public = client.get("/e/stark-fuer-familien").get_data(as_text=True)
    assert "--header-bg: #7a1f5c; --header-fg: #ffffff" in public


@pytest.mark.parametrize("changes, field, message", [
    ({"accent_color": "blau"}, "accent_color", "Hex-Wert"),
    ({"accent_color": "#777777"}, "accent_color", "Kontrast"),
    ({"contact_email": "netzwerk at abi"}, "contact_email", "gültige E-Mail-Adresse"),
    ({"retention_months": "0"}, "retention_months", "1 bis 120"),
    ({"name": ""}, "name", "Namen des Netzwerks"),
    ({"enforcement_body": "xx"}, "enforcement_body", "gültige Auswahl"),
    ({"accessibility_date": "2999-01-01"}, "accessibility_date", "Zukunft"),
    ({"phone": "0" * 61}, "phone", "Höchstens 60 Zeichen"),
])
def test_bad_settings_get_a_german_error_next_to_the_field_and_change_nothing(client, demo, changes, field, message):
    sign_in(client, ANHALT)
    before = network().name, network().accent_color, network().contact_email
    page = client.get(SETTINGS).get_data(as_text=True)
    response = client.post(SETTINGS, data=settings_form(page, **changes))

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html and message in html and 'id="error-summary"' in html
    assert (network().name, network().accent_color, network().contact_email) == before


def test_only_the_networks_admins_see_its_settings(client, other_client, demo):
    sign_in(client, MAGDEBURG)  # admin of another network
    assert client.get(SETTINGS).status_code == 404
    assert client.get("/manage/n/anhalt-bitterfeld/rechtstexte").status_code == 404
    sign_in(other_client, DOOR)  # door staff of this network
    assert other_client.get(SETTINGS).status_code == 404
    token = csrf_token(other_client.get("/manage/passwort").get_data(as_text=True))
    assert other_client.post(SETTINGS, data={"csrf_token": token, "name": "Übernommen"}).status_code == 404
    assert network().name == "Lokales Netzwerk Kinderschutz Anhalt-Bitterfeld"


def png() -> bytes:
    image = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(image, "PNG")
    return image.getvalue()


def test_the_logo_is_uploaded_checked_and_removed_in_the_settings(client, demo):
    sign_in(client, ANHALT)
    page = client.get(SETTINGS).get_data(as_text=True)
    upload = "/manage/n/anhalt-bitterfeld/logo"

    bad = client.post(upload, data={"csrf_token": csrf_token(page), "logo": (io.BytesIO(b"nope"), "x.png")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and "kein lesbares" in bad.get_data(as_text=True)
    assert network().logo_mime is None

    good = client.post(upload, data={"csrf_token": csrf_token(page), "logo": (io.BytesIO(png()), "l.png")},
                       content_type="multipart/form-data")
    assert good.status_code == 302 and network().logo_mime == "image/png"
    shown = client.get(SETTINGS).get_data(as_text=True)
    assert "Ein Logo ist hinterlegt" in shown
    assert client.get("/manage/n/anhalt-bitterfeld/logo").mimetype == "image/png"

    assert client.post(upload + "/entfernen", data={"csrf_token": csrf_token(shown)}).status_code == 302
    assert network().logo_mime is None
    actions = db.session.scalars(select(AuditEntry.summary).where(AuditEntry.action == "network.logo")).all()
    assert [summary.split(" (")[0].rstrip(".") for summary in sorted(actions)] == ["Logo entfernt", "Logo hochgeladen"]


def test_the_logo_command_still_works_alongside(cli, demo, tmp_path):
    path = tmp_path / "logo.png"
    path.write_bytes(png())
    assert cli.invoke(args=["logo", "anhalt-bitterfeld", str(path)]).exit_code == 0
    assert network().logo_mime == "image/png"


def test_new_events_take_the_networks_retention(client, demo):
    sign_in(client, ANHALT)
    page = client.get(SETTINGS).get_data(as_text=True)
    client.post(SETTINGS, data=settings_form(page, retention_months="12"))
    form_page = client.get("/manage/n/anhalt-bitterfeld/neu")
    assert form_page.status_code == 200, "the new-event URL moved"
    response = post_form(client, "/manage/n/anhalt-bitterfeld/neu", {
        "title": "Netzwerktreffen", "slug": "netzwerktreffen", "starts_at": "2030-03-04T09:00",
        "ends_at": "2030-03-04T12:00", "choice_mode": "ranked", "ranks": "3"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    from tests.manage_helpers import event_named
    assert event_named("netzwerktreffen").retention_until == date(2031, 3, 4)


# --- e-mails in the network's name --------------------------------------------------------------

def test_e_mails_go_out_in_the_networks_name_with_its_reply_to(app, client, demo):
    from tests.registration_support import form_data
    from tests.manage_helpers import event_named
    event = event_named()
    db.session.get(Network, event.network_id).reply_to = "antwort@abi.example"
    db.session.commit()

    response = post_form(client, "/e/stark-fuer-familien/anmelden", form_data(event, 900))

    assert response.status_code == 302
    message = outbox_messages(app)[-1]
    assert message["From"] == "Lokales Netzwerk Kinderschutz Anhalt-Bitterfeld <noreply@localhost>"
    assert message["Reply-To"] == "antwort@abi.example"


def test_the_sender_name_setting_names_the_e_mails(app, demo):
    from confapp.services.mail.outbox import deliver_pending, queue_email
    from tests.manage_helpers import event_named
    event = event_named()
    event.network.mail_sender_name, event.network.reply_to = "Kinderschutz ABI", ""
    queue_email("a@example.org", "Hallo", "Text", event=event)
    db.session.commit()
    deliver_pending()
    message = outbox_messages(app)[-1]
    assert message["From"] == "Kinderschutz ABI <noreply@localhost>"
    assert message["Reply-To"] == "netzwerk-kinderschutz@example.org"


# --- outbox page --------------------------------------------------------------------------------

OUTBOX = "/manage/e/stark-fuer-familien/postausgang"


def failed_message(event_slug: str = "stark-fuer-familien") -> OutboxMessage:
    from confapp.services.mail.outbox import queue_email
    from tests.manage_helpers import event_named
    message = queue_email("kaputt@example.org", "Ihre Anmeldung", "geheimer Text", event=event_named(event_slug))
    message.status, message.attempts, message.last_error = OutboxStatus.failed, 12, "SMTPRecipientsRefused: 550"
    db.session.commit()
    return message


def test_organisers_see_each_e_mail_and_why_one_failed_but_no_bodies(client, demo):
    failed = failed_message()
    sign_in(client, ANHALT)
    html = client.get(OUTBOX).get_data(as_text=True)

    assert "kaputt@example.org" in html and "SMTPRecipientsRefused: 550" in html and "fehlgeschlagen" in html
    assert "geheimer Text" not in html
    assert "Erneut senden" in html
    only_failed = client.get(OUTBOX + "?status=failed").get_data(as_text=True)
    assert "kaputt@example.org" in only_failed and only_failed.count('<th scope="row">') == 1
    assert client.get(OUTBOX + "?status=egal").status_code == 404
    assert failed.id


def test_a_failed_e_mail_is_sent_again_on_request(app, client, demo):
    failed = failed_message()
    sign_in(client, ANHALT)
    page = client.get(OUTBOX).get_data(as_text=True)

    response = client.post(f"{OUTBOX}/{failed.id}/erneut", data={"csrf_token": csrf_token(page)})

    assert response.status_code == 302
    db.session.commit()
    again = db.session.get(OutboxMessage, failed.id)
    assert again.status == OutboxStatus.sent and again.attempts == 1
    assert any(m["To"] == "kaputt@example.org" for m in outbox_messages(app))
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "mail.retry")) is not None


def test_another_networks_outbox_does_not_exist(client, demo):
    failed = failed_message()
    sign_in(client, MAGDEBURG)
    assert client.get(OUTBOX).status_code == 404
    token = csrf_token(client.get("/manage/passwort").get_data(as_text=True))
    assert client.post(f"{OUTBOX}/{failed.id}/erneut", data={"csrf_token": token}).status_code == 404
    # Nor through its own event's URL.
    response = client.post(f"/manage/e/netzwerkforum-magdeburg/postausgang/{failed.id}/erneut",
                           data={"csrf_token": token})
    assert response.status_code == 302
    db.session.commit()
    assert db.session.get(OutboxMessage, failed.id).status == OutboxStatus.failed
