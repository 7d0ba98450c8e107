"""The outbox: nothing is lost, nothing is sent twice, SMTP failures retry."""
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from flask import Response

from confapp.extensions import db
from confapp.models import OutboxMessage, OutboxStatus, utcnow
from confapp.services.mail.outbox import (MAX_ATTEMPTS, Attachment, _claim, deliver_after_request, deliver_pending,
                                   queue_email)
from tests.conftest import outbox_messages


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_app(app):
    """The app pointed at a local SMTP port (nothing listens there until a test starts a server)."""
    port = free_port()
    saved = {key: app.config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_DELIVER_INLINE")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DELIVER_INLINE=False)
    yield app, port
    app.config.update(saved)


def start_smtp(port: int) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


def test_a_committed_email_is_delivered_after_the_request_as_eml(app):
    with app.test_request_context():
        queue_email("anna@example.org", "Ihre Anmeldung", "Hallo Anna,\nbis bald.", "<p>Hallo Anna</p>",
                    attachments=[Attachment("veranstaltung.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")])
        db.session.commit()
        deliver_after_request(Response())

    [message] = outbox_messages(app)
    assert message["To"] == "anna@example.org" and message["Subject"] == "Ihre Anmeldung"
    assert "bis bald." in message.get_body(("plain",)).get_content()
    assert "<p>Hallo Anna</p>" in message.get_body(("html",)).get_content()
    [calendar] = list(message.iter_attachments())
    assert calendar.get_filename() == "veranstaltung.ics" and calendar.get_content_type() == "text/calendar"
    with app.app_context():
        assert db.session.query(OutboxMessage).one().status == OutboxStatus.sent


def test_an_email_rolled_back_with_its_change_is_never_sent(app):
    with app.test_request_context():
        queue_email("anna@example.org", "Nie gesendet", "x")
        db.session.flush()
        deliver_after_request(Response())
        assert db.session.query(OutboxMessage).count() == 0
    assert outbox_messages(app) == []


def test_subject_and_recipient_cannot_inject_headers(app):
    with app.test_request_context():
        queue_email("anna@example.org\r\nBcc: evil@example.org", "Hallo\r\nBcc: evil@example.org", "x")
        db.session.commit()
        deliver_after_request(Response())
    [message] = outbox_messages(app)
    assert message["Bcc"] is None
    assert message["Subject"] == "Hallo Bcc: evil@example.org"


def test_only_one_sender_can_claim_a_message(app_context):
    row = queue_email("anna@example.org", "Einmal", "x")
    db.session.commit()
    now = utcnow()
    assert _claim(row.id, now) is not None
    assert _claim(row.id, now) is None


def test_a_sender_that_died_leaves_a_claim_that_expires(app_context, app):
    row = queue_email("anna@example.org", "Wieder da", "x")
    db.session.commit()
    assert _claim(row.id, utcnow())
    assert deliver_pending().sent == 0
    report = deliver_pending(now=utcnow() + timedelta(minutes=6))
    assert report.sent == 1
    assert len(outbox_messages(app)) == 1


def test_smtp_delivery_and_nothing_lost_while_the_server_is_down(smtp_app, cli):
    app, port = smtp_app
    with app.app_context():
        queue_email("anna@example.org", "Bestätigung", "Hallo")
        db.session.commit()

    down = cli.invoke(args=["mail-worker", "--once"])
    assert down.exit_code == 0 and "später erneut: 1" in down.output
    with app.app_context():
        row = db.session.query(OutboxMessage).one()
        assert (row.status, row.attempts) == (OutboxStatus.queued, 1)
        assert row.next_attempt_at > utcnow() and "Connection" in row.last_error

    controller, inbox = start_smtp(port)
    try:
        with app.app_context():
            assert deliver_pending().sent == 0  # not due yet: backoff
            assert deliver_pending(now=utcnow() + timedelta(minutes=1)).sent == 1
            assert db.session.query(OutboxMessage).one().status == OutboxStatus.sent
    finally:
        controller.stop()
    [envelope] = inbox.messages
    assert envelope.rcpt_tos == ["anna@example.org"]
    assert b"Subject: =?utf-8?q?Best=C3=A4tigung?=" in envelope.content or "Bestätigung" in envelope.content.decode()


def test_the_worker_sends_everything_due_over_smtp(smtp_app, cli):
    app, port = smtp_app
    with app.app_context():
        for number in range(5):
            queue_email(f"person{number}@example.org", "Erinnerung", "Morgen geht es los")
        db.session.commit()
    controller, inbox = start_smtp(port)
    try:
        result = cli.invoke(args=["mail-worker", "--once"])
    finally:
        controller.stop()
    assert "gesendet: 5" in result.output
    assert sorted(e.rcpt_tos[0] for e in inbox.messages) == [f"person{n}@example.org" for n in range(5)]


def test_a_message_is_given_up_after_the_last_attempt(smtp_app):
    app, _port = smtp_app
    with app.app_context():
        row = queue_email("anna@example.org", "Kommt nie an", "x")
        db.session.commit()
        now = utcnow()
        for _ in range(MAX_ATTEMPTS):
            deliver_pending(now=now)
            now += timedelta(hours=3)
        db.session.refresh(row)
        assert row.status == OutboxStatus.failed and row.attempts == MAX_ATTEMPTS
