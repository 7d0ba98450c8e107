"""Purge and erasure leave nothing behind: not after a late registration, not in the outbox folder,
not in the audit log; and nothing is purged before the event has ended."""
import json
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from confapp.extensions import db
from confapp.models import (AuditEntry, Event, Membership, OutboxMessage, OutboxStatus, Registration,
                            RegistrationStatus, Role, User, new_token)
from confapp.services.mail.outbox import deliver_pending, queue_email
from confapp.services.networks import audit
from confapp.services.registration import admin as registration_admin
from confapp.services.registration.change import RegistrationData
from tests.conftest import csrf_token, outbox_messages, post_form, sign_in
from tests.manage_helpers import ANHALT, BASE, DOOR, EVENT, event_named, move_into_past, registrations_of
from tests.registration_support import form_data, make_event, manage_link, registration_of
from tests.test_retention import all_stored_text


def outbox_folder_text(app) -> str:
    return "\n".join(path.read_bytes().decode("utf-8", "replace")
                     for path in Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml*"))


def audit_text() -> str:
    return "\n".join(entry.summary for entry in db.session.scalars(select(AuditEntry)))


def test_nothing_is_purged_before_the_event_has_ended(client, cli, demo, app_context):
    event = event_named()
    event.retention_until = date.today() - timedelta(days=1)  # a wrong date must not delete a coming event
    db.session.commit()
    emails = {r.email for r in registrations_of()}

    single = cli.invoke(args=["purge", EVENT, "--yes"])
    due = cli.invoke(args=["purge", "--due"])
    sign_in(client, ANHALT)
    page = client.get(f"{BASE}/datenschutz").get_data(as_text=True)
    refused = post_form(client, f"{BASE}/datenschutz", {"confirm": "y"})

    assert single.exit_code != 0 and "noch nicht vorbei" in single.output
    assert "Nichts zu löschen." in due.output
    assert "noch nicht vorbei" in page and "endgültig löschen</button>" not in page
    assert refused.status_code == 422 and "noch nicht vorbei" in refused.get_data(as_text=True)
    assert {r.email for r in registrations_of()} == emails and event_named().purged_at is None


def test_a_purged_event_takes_no_registrations_from_the_form_the_door_or_the_back_office(client, demo, app_context):
    event = move_into_past(event_named())
    event.registration_closes_at = None
    from confapp.services.privacy.retention import purge_event
    purge_event(event)
    # Even if someone publishes it again and the registration window were open:
    event = event_named()
    event.ends_at = event.starts_at = event.starts_at + timedelta(days=400)
    db.session.commit()
    before = len(registrations_of())

    public = client.get(f"/e/{EVENT}/anmelden")
    sign_in(client, DOOR)
    walk_in = post_form(client, f"/checkin/{EVENT}/vor-ort", {
        "first_name": "Greta", "last_name": "Spontan", "email": "greta@example.org", "organisation": "Kita",
        "sector": "Kita", "privacy_consent": "y"})
    by_hand = None
    try:
        registration_admin.add_by_hand(organiser_of(event.network), event_named(),
                                       RegistrationData("Hans", "Hand", "hans@example.org", "Kita", "Kita"))
    except Exception as error:  # noqa: BLE001
        by_hand = str(error)

    assert "Anmeldung" in public.get_data(as_text=True) and "geschlossen" in public.get_data(as_text=True)
    assert walk_in.status_code < 500 and "gelöscht" in walk_in.get_data(as_text=True)
    assert by_hand and "gelöscht" in by_hand
    assert len(registrations_of()) == before


def test_registered_after_a_purge_purged_again_leaves_no_personal_data_anywhere(app, client, cli, app_context):
    event = make_event(mode="ranked", capacity=1)
    for number in (1, 2):  # a seat and the waitlist, with their confirmation e-mails as .eml files
        assert post_form(client, f"/e/{event.slug}/anmelden", form_data(event, number)).status_code == 302
    assert "anna1@example.org" in outbox_folder_text(app)
    token = csrf_token(client.get(f"/e/{event.slug}/anmelden").get_data(as_text=True))  # a form left open
    move_into_past(event)
    first = cli.invoke(args=["purge", event.slug, "--yes"])
    assert first.exit_code == 0, first.output
    db.session.expire_all()
    assert "anna1@example.org" not in outbox_folder_text(app) and "Muster1" not in outbox_folder_text(app)

    # Refused now …
    refused = client.post(f"/e/{event.slug}/anmelden", data={"csrf_token": token, **form_data(event, 3)})
    assert refused.status_code != 302 and "geschlossen" in refused.get_data(as_text=True)
    assert registration_of("anna3@example.org") is None
    # … but a registration whose request read the event just before the purge committed lands after it,
    # with its e-mail queued and sent, and an organiser's log entry naming the person.
    event = db.session.get(Event, event.id)
    late = Registration(event_id=event.id, first_name="Spät", last_name="Nachzüglerin", email="spaet@example.org",
                        organisation="Jugendamt Spätstadt", sector="Kita", status=RegistrationStatus.waitlisted,
                        manage_token=new_token(), badge_token=new_token())
    db.session.add(late)
    db.session.flush()
    queue_email(late.email, "Ihre Anmeldung", "Hallo Spät Nachzüglerin", event=event, registration=late)
    db.session.add(AuditEntry(network_id=event.network_id, event=event, actor="orga@example.org",
                              action="registration.added", summary="Anmeldung von Spät Nachzüglerin",
                              registration_id=late.id))
    db.session.commit()
    deliver_pending()
    assert "spaet@example.org" in outbox_folder_text(app)

    again = cli.invoke(args=["purge", "--due"])

    assert f"{event.slug}: 1 Anmeldungen anonymisiert, 1 E-Mails gelöscht" in again.output, again.output
    db.session.expire_all()
    personal = ["anna1@example.org", "anna2@example.org", "Muster1", "Muster2", "Kita Sonnenschein",
                "spaet@example.org", "Nachzüglerin", "Jugendamt Spätstadt"]
    stored, folder, log = all_stored_text(), outbox_folder_text(app), audit_text()
    assert [value for value in personal if value in stored or value in folder or value in log] == []
    assert "Nichts zu löschen." in cli.invoke(args=["purge", "--due"]).output
    # The command line's purges are in the audit log.
    assert [e.actor for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action == "event.purged"))] \
        == [audit.SERVER_ACTOR, audit.SERVER_ACTOR]


def test_erasure_redacts_the_audit_log_and_cancels_queued_mail_and_files(app, client, app_context):
    event = make_event(mode="ranked")
    assert post_form(client, f"/e/{event.slug}/anmelden", form_data(event, 1)).status_code == 302
    person = registration_of("anna1@example.org")
    link = manage_link(outbox_messages(app)[0])
    organiser = event.network  # an organiser's action naming the person, and a reminder still queued
    db.session.add(AuditEntry(network_id=organiser.id, event=event, actor="orga@example.org",
                              action="registration.moved", summary="Anna Muster1 in „Gespräche mit Eltern“ verschoben.",
                              registration_id=person.id))
    queue_email(person.email, "Erinnerung", "Bis morgen, Anna Muster1", event=event, registration=person)
    db.session.commit()

    post_form(client, f"{link}/loeschen", {}, follow_redirects=True)

    db.session.expire_all()
    assert "Muster1" not in audit_text() and "anna1@example.org" not in audit_text()
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.registration_id == person.id)) \
        == "registration.moved"  # that it happened stays
    assert db.session.query(OutboxMessage).filter_by(registration_id=person.id).count() == 0
    assert "anna1@example.org" not in outbox_folder_text(app) and "Muster1" not in outbox_folder_text(app)
    assert "anna1@example.org" not in all_stored_text()


def test_after_a_purge_nothing_is_sent_to_erased_addresses(app, client, app_context):
    event = move_into_past(make_event())
    person = Registration(event_id=event.id, first_name="A", last_name="B", email="ab@example.org",
                          status=RegistrationStatus.confirmed, manage_token=new_token(), badge_token=new_token())
    db.session.add(person)
    db.session.commit()
    from confapp.services.mail import messages
    from confapp.services.privacy.retention import purge_event
    purge_event(event)
    organiser = organiser_of(event.network)

    purged = db.session.get(Event, event.id)
    shown = messages.preview(purged, messages.Audience(), "Danke", "Danke fürs Kommen")  # the confirmed preview
    sent = messages.send(organiser, purged, messages.Audience(), "Danke", "Danke fürs Kommen", shown.fingerprint)
    erased = db.session.get(Registration, person.id)
    queue_email(erased.email, "Alt", "noch in der Warteschlange", event=event)  # queued by older code
    db.session.commit()
    report = deliver_pending()

    assert sent == 0
    assert report.sent == 0 and report.retrying == 0
    assert db.session.query(OutboxMessage).one().status == OutboxStatus.failed  # given up at once, not retried
    assert outbox_messages(app) == []


def organiser_of(network) -> User:
    user = User(email=f"orga-{network.slug}@example.org", password_hash="x")
    db.session.add(user)
    db.session.flush()
    db.session.add(Membership(user_id=user.id, network_id=network.id, role=Role.admin))
    db.session.commit()
    return user
