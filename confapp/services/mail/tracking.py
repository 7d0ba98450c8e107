"""What organisers see of an event's e-mails, and sending a failed one again.

Only the envelope is shown (to, subject, times, attempts, the last error): never a body, so the
page shows nothing an organiser could not see on the registration itself.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from confapp.extensions import db
from confapp.models import Event, OutboxMessage, OutboxStatus, User, utcnow
from confapp.services.mail.outbox import remember_for_inline_delivery
from confapp.services.networks import audit

#: E-mails per page of the outbox, newest first.
PAGE_SIZE = 100


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    to: str
    subject: str
    status: OutboxStatus
    queued_at: object
    sent_at: object
    attempts: int
    error: str


def outbox_of(event: Event, status: OutboxStatus | None = None, page: int = 1) -> list[OutboxEntry]:
    """The event's e-mails (of one status, or all), newest first, without their bodies."""
    query = (select(OutboxMessage.id, OutboxMessage.to_address, OutboxMessage.subject, OutboxMessage.status,
                    OutboxMessage.created_at, OutboxMessage.sent_at, OutboxMessage.attempts,
                    OutboxMessage.last_error)
             .where(OutboxMessage.event_id == event.id)
             .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
             .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE))
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return [OutboxEntry(*row) for row in db.session.execute(query)]


def counts_of(event: Event) -> dict[OutboxStatus, int]:
    rows = db.session.execute(select(OutboxMessage.status, func.count()).where(OutboxMessage.event_id == event.id)
                              .group_by(OutboxMessage.status))
    return {status: 0 for status in OutboxStatus} | dict(rows.all())


def retry_failed(event: Event, message_id: int, actor: User) -> bool:
    """Queue a failed e-mail of ``event`` again, with a fresh series of attempts; False if there is
    no such failed e-mail (another event's, or already sent or queued)."""
    retried = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.event_id == event.id,
               OutboxMessage.status == OutboxStatus.failed)
        .values(status=OutboxStatus.queued, attempts=0, next_attempt_at=utcnow(), claimed_until=None))
    if retried.rowcount != 1:
        db.session.rollback()
        return False
    to = db.session.scalar(select(OutboxMessage.to_address).where(OutboxMessage.id == message_id))
    audit.record(actor, "mail.retry", f"E-Mail an {to} erneut in den Postausgang gelegt.", event=event)
    db.session.commit()
    remember_for_inline_delivery(message_id)
    return True
