"""Several mail workers against a slow SMTP server: every e-mail arrives exactly once."""
import asyncio
import threading
import time
from collections import Counter
from datetime import timedelta

from confapp.extensions import db
from confapp.models import OutboxMessage, OutboxStatus
from confapp.services.mail import outbox
from confapp.services.mail.outbox import deliver_pending, queue_email
from tests.test_mail import free_port, start_smtp


class SlowInbox:
    """Takes a while per message, as a busy mail relay does."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.seconds)
        self.recipients.extend(envelope.rcpt_tos)
        return "250 OK"


def test_two_workers_past_the_claim_time_send_every_message_exactly_once(app, monkeypatch):
    from aiosmtpd.controller import Controller

    port = free_port()
    inbox = SlowInbox(0.15)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {key: app.config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_DELIVER_INLINE",
                                                   "MAIL_CLAIM_SECONDS")}
    # A claim of 1 s and 24 messages of 0.15 s: one worker's batch runs far past the claim time.
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DELIVER_INLINE=False, MAIL_CLAIM_SECONDS=1)
    monkeypatch.setattr(outbox, "CLAIM_TIME", timedelta(seconds=1))  # the default, for any code path without config
    try:
        with app.app_context():
            addresses = [f"person{number}@example.org" for number in range(24)]
            for address in addresses:
                queue_email(address, "Erinnerung", "Morgen geht es los")
            db.session.commit()

        def worker():
            with app.app_context():
                deliver_pending(app=app)

        first = threading.Thread(target=worker)
        first.start()
        time.sleep(1.3)  # the first worker's earliest claims have run out by now
        second = threading.Thread(target=worker)
        second.start()
        first.join(60)
        second.join(60)
        with app.app_context():
            statuses = Counter(row.status for row in db.session.query(OutboxMessage))
    finally:
        controller.stop()
        app.config.update(saved)

    assert Counter(inbox.recipients) == Counter(addresses)  # each once, none twice
    assert statuses == {OutboxStatus.sent: 24}
