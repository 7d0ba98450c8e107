"""Access (Art. 15 DSGVO): everything stored about one registration, as data and as a readable page."""
from __future__ import annotations

from datetime import date, datetime
from enum import Enum

from sqlalchemy import inspect, select

from confapp.extensions import db
from confapp.models import ConsentRecord, OutboxMessage, Registration

#: Columns that are secrets or internal keys rather than data about the person. The private links'
#: tokens stay out: a file handed on (by the organiser, or forwarded) must not open the registration.
NOT_PERSONAL = {"event_id", "manage_token", "badge_token"}


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _columns(row, skip: set[str] = frozenset()) -> dict:
    return {column.key: _plain(getattr(row, column.key))
            for column in inspect(type(row)).mapper.column_attrs if column.key not in skip}


def personal_data(registration: Registration) -> dict:
    """Every stored field of the registration and of what hangs on it, for download as JSON."""
    event = registration.event
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.registration_id == registration.id)
                                  .order_by(OutboxMessage.id))
    consents = db.session.scalars(select(ConsentRecord).where(ConsentRecord.registration_id == registration.id)
                                  .order_by(ConsentRecord.at))
    return {
        "controller": {"name": event.network.name, "contact": event.network.contact,
                       "email": event.contact_email or event.network.contact_email},
        "event": {"title": event.title, "starts_at": _plain(event.starts_at), "venue": event.venue_name,
                  "retention_until": _plain(event.retention_until)},
        "registration": _columns(registration, NOT_PERSONAL),
        "wishes": [{"slot": p.slot.label, "rank": p.rank, "title": p.program_item.title}
                   for p in registration.preferences],
        "assignments": [{"slot": a.slot.label, "title": a.program_item.title,
                         **_columns(a, {"id", "registration_id", "slot_id", "program_item_id"})}
                        for a in registration.assignments],
        "history": [_columns(h, {"id", "registration_id"}) for h in registration.history],
        "consents": [_columns(c, {"id", "registration_id"}) for c in consents],
        "emails": [{"to": m.to_address, "subject": m.subject, "created_at": _plain(m.created_at),
                    "sent_at": _plain(m.sent_at), "status": _plain(m.status), "text": m.text_body}
                   for m in messages],
    }
