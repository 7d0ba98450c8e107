"""What an event's public pages (event page, program widget) show, as a key that is cheap to read.

The pages are the same for every visitor and are read far more often than they change (a flyer
goes out to 2,000 people). The key is the event's ``page_version``, which every change through
the ORM raises (``models.event.keep_page_versions``), together with the seat counts the pages
show, read live: one prebuilt query, no program loaded. State lives only in the database, so a
page cached in one process under a key is right in every process that reads the same key.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select

from confapp.extensions import db
from confapp.models import Event, EventStatus, ProgramItem, Slot

_PUBLIC = (EventStatus.published, EventStatus.closed)


@dataclass(frozen=True)
class PageKey:
    """An event's public page as it is now; equal keys mean equal pages (but for the clock,
    see ``valid_until``)."""

    event_id: int
    public: bool
    #: (when the event was created: a new event under an old slug and id is another page; page
    #: version; whether the event is full; (item id, seats taken) of items with a capacity)
    version: tuple


def page_key(slug: str) -> PageKey | None:
    """The key of the event's public pages; None for an unknown slug."""
    # A connection of its own, not the session's: no ORM transaction to start and end for one read.
    with db.engine.connect() as connection:
        rows = connection.execute(_KEY_QUERY, {"slug": slug}).all()
    if not rows:
        return None
    event_id, created_at, status, version, seats_taken, capacity = rows[0][:6]
    status = EventStatus(status) if not isinstance(status, EventStatus) else status
    full = capacity is not None and seats_taken >= capacity
    items = tuple((item_id, taken) for *_event, item_id, taken in rows if item_id is not None)
    return PageKey(event_id, status in _PUBLIC, (created_at, version, full, items))


def valid_until(event: Event) -> datetime | None:
    """When the page of ``event`` changes by the clock alone (the registration window opens or
    closes), as naive UTC; None if it no longer does."""
    now = event.local_now()
    boundaries = [at for at in (event.registration_opens_at, event.registration_closes_at or event.starts_at)
                  if at is not None and at > now]
    if not boundaries:
        return None
    return min(boundaries).replace(tzinfo=ZoneInfo(event.timezone)).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def _key_query():
    event, slot, item = Event.__table__, Slot.__table__, ProgramItem.__table__
    return (select(event.c.id, event.c.created_at, event.c.status, event.c.page_version, event.c.seats_taken, event.c.capacity,
                   item.c.id, item.c.seats_taken)
            .select_from(event.outerjoin(slot, slot.c.event_id == event.c.id)
                         .outerjoin(item, (item.c.slot_id == slot.c.id) & item.c.capacity.is_not(None)))
            .where(event.c.slug == bindparam("slug"))
            .order_by(item.c.id))


#: Built once, run as Core: every view of a public page asks.
_KEY_QUERY = _key_query()
