"""Statistics (numbers and SVG charts) and messages to attendees through the outbox."""
import re
from datetime import timedelta

from tests.conftest import outbox_messages, post_form, sign_in
from tests.manage_helpers import ANHALT, BASE, event_named, registrations_of, workshops
from confapp.extensions import db
from confapp.formatting import local_moment
from confapp.models import Assignment, AssignmentSource, AuditEntry, OutboxMessage, RegistrationStatus, utcnow


def _assign(registration, workshop):
    registration.assignments.append(Assignment(slot_id=workshop.slot_id, program_item_id=workshop.id,
                                               source=AssignmentSource.manual))


def test_statistics_show_sectors_workshops_and_check_in_rate(client, demo, app_context):
    confirmed = [r for r in registrations_of() if r.status == RegistrationStatus.confirmed]
    workshop = workshops()[0]
    for registration in confirmed[:4]:
        _assign(registration, workshop)
    confirmed[0].checked_in_at = utcnow()
    month_ago = confirmed[1].created_at = utcnow() - timedelta(days=30)
    # The chart's days are the event's days: late in the evening, UTC is still on the day before.
    day = local_moment(month_ago, confirmed[1].event).strftime("%d.%m.%Y")
    db.session.commit()
    sign_in(client, ANHALT)
    html = client.get(f"{BASE}/statistik").get_data(as_text=True)
    assert html.count("<svg") == 3 and 'role="img"' in html and "<title id=\"chart-sector-title\">" in html
    sectors = {r.sector for r in confirmed}
    assert all(sector in html for sector in sectors)
    rate = round(100 / len(confirmed))
    assert f"{len(confirmed)}</dd>" in html and f"1 ({rate} %)" in html
    percent = round(100 * 4 / workshop.capacity)
    assert f"4 / {workshop.capacity}" in html and f"{workshop.title} {percent} %" in html
    assert day in html


def confirmed_fingerprint(html: str) -> str:
    """The fingerprint of the preview shown, which the send button confirms."""
    match = re.search(r'name="confirmed" type="hidden" value="([0-9a-f]+)"|value="([0-9a-f]+)"[^>]*name="confirmed"',
                      html) or re.search(r'id="confirmed" name="confirmed" type="hidden" value="([0-9a-f]+)"', html)
    assert match, "no confirmed preview on the page"
    return next(group for group in match.groups() if group)


def _message(client, **changes):
    data = {"status": "confirmed", "item_id": "0", "sector": "", "subject": "Ihre Zuteilung, {name}",
            "body": "Hallo {vorname},\nIhre Workshops:\n{workshops}\nRaum: {raeume}\nLink: {link}"}
    return post_form(client, f"{BASE}/nachrichten", {**data, **changes})


def test_message_preview_then_send_to_one_workshop(client, app, demo, app_context):
    confirmed = [r for r in registrations_of() if r.status == RegistrationStatus.confirmed]
    workshop = workshops()[0]
    for registration in confirmed[:2]:
        _assign(registration, workshop)
    confirmed[0].first_name = "=Greta <b>"
    db.session.commit()
    first = sorted(confirmed[:2], key=lambda r: (r.last_name, r.first_name, r.id))[0]
    sign_in(client, ANHALT)

    preview = _message(client, item_id=str(workshop.id), preview="Vorschau")
    html = preview.get_data(as_text=True)
    assert "Diese E-Mail geht an 2 Personen" in html and workshop.title in html
    assert f"/e/{first.event.slug}/anmeldung/{first.manage_token}" in html
    assert "&lt;b&gt;" in html or "=Greta" not in first.first_name
    assert db.session.query(OutboxMessage).count() == 0

    sent = _message(client, item_id=str(workshop.id), send="1", confirmed=confirmed_fingerprint(html))
    assert sent.status_code == 302
    mails = outbox_messages(app)
    assert sorted(m["To"] for m in mails) == sorted(r.email for r in confirmed[:2])
    greta = next(m for m in mails if m["To"] == confirmed[0].email)
    body = greta.get_content()
    assert "Hallo =Greta <b>," in body and f"{workshop.slot.label}: {workshop.title}" in body
    assert f"http://confapp.test/e/{confirmed[0].event.slug}/anmeldung/{confirmed[0].manage_token}" in body
    assert greta["Subject"] == "Ihre Zuteilung, =Greta <b> " + confirmed[0].last_name
    db.session.commit()
    assert db.session.query(AuditEntry).filter(AuditEntry.action == "message.sent").count() == 1


def test_unknown_placeholders_and_empty_audiences_are_explained(client, demo, app_context):
    sign_in(client, ANHALT)
    bad = _message(client, body="Hallo {vorname.__class__} und {foo}", preview="Vorschau")
    assert bad.status_code == 422
    assert "Unbekannter Platzhalter {foo}" in bad.get_data(as_text=True)
    nobody = _message(client, status="waitlisted", sector="Jobcenter", preview="Vorschau")
    assert "niemand passt zu dieser Auswahl" in nobody.get_data(as_text=True)
    empty = _message(client, subject="", send="Jetzt senden")
    assert "Bitte geben Sie einen Betreff an." in empty.get_data(as_text=True)
    assert db.session.query(OutboxMessage).count() == 0
    assert event_named() is not None


def test_a_message_cannot_go_out_unpreviewed_or_changed_since_the_preview(client, app, demo, app_context):
    sign_in(client, ANHALT)
    unseen = _message(client, send="1")
    assert "Bitte sehen Sie sich zuerst die Vorschau an" in unseen.get_data(as_text=True)
    assert outbox_messages(app) == [] and db.session.query(OutboxMessage).count() == 0
    preview = _message(client, preview="1").get_data(as_text=True)
    assert "Jetzt an" in preview and "Personen senden" in preview
    edited = _message(client, body="Ein anderer Text", send="1", confirmed=confirmed_fingerprint(preview))
    html = edited.get_data(as_text=True)
    assert "Seit der Vorschau haben sich Empfänger*innen oder Text geändert" in html and "Ein anderer Text" in html
    assert db.session.query(OutboxMessage).count() == 0
    sent = _message(client, body="Ein anderer Text", send="1", confirmed=confirmed_fingerprint(html))
    assert sent.status_code == 302
    confirmed = [r for r in registrations_of() if r.status == RegistrationStatus.confirmed]
    assert len(outbox_messages(app)) == len(confirmed)
