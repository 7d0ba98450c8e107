"""Finding events as the public and organisers may see them."""
from __future__ import annotations

from functools import cache

from flask import abort
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from confapp.extensions import db
from confapp.models import Event, EventStatus, Network, ProgramItem, Slot


def _with_program(details: bool = True):
    """Slots, their items and the network; with ``details`` also the speakers and rooms."""
    if not details:  # one query: the registration form's POST is the busiest request there is
        return joinedload(Event.slots).joinedload(Slot.items), joinedload(Event.network)
    return (
        selectinload(Event.slots).selectinload(Slot.items).selectinload(ProgramItem.speakers),
        selectinload(Event.slots).selectinload(Slot.items).selectinload(ProgramItem.room),
        joinedload(Event.network),
    )


def public_events() -> list[Event]:
    """Published events, soonest first; closed ones still show their program, archived do not."""
    return list(db.session.scalars(
        select(Event)
        .where(Event.status.in_([EventStatus.published, EventStatus.closed]))
        .options(selectinload(Event.network))
        .order_by(Event.starts_at, Event.id)
    ))


def published_or_404(slug: str, details: bool = True) -> Event:
    """The public event with this slug, with its program loaded; 404 for drafts and unknown slugs.

    Without ``details`` speakers and rooms are left to load when used (the registration form
    and its e-mails show neither).
    """
    # unique(): a joined collection comes as one row per item.
    event = db.session.execute(_published_query(details), {"slug": slug}).unique().scalar_one_or_none()
    if event is None or not event.is_public:
        abort(404)
    return event


@cache
def _published_query(details: bool):
    """Built once: building it and its cache key cost the registration form's POST more than
    running it (a statement object keeps its cache key)."""
    return select(Event).where(Event.slug == bindparam("slug")).options(*_with_program(details))


def by_slug(slug: str) -> Event | None:
    """Any event by slug, whatever its status (CLI and back office)."""
    return db.session.scalar(select(Event).where(Event.slug == slug).options(*_with_program()))


def events_of_network(network: Network) -> list[Event]:
    """Every event of one network, whatever its status, newest first."""
    return list(db.session.scalars(select(Event).where(Event.network_id == network.id)
                                   .options(selectinload(Event.network))
                                   .order_by(Event.starts_at.desc(), Event.id)))


def event_of_network(network: Network, slug: str) -> Event | None:
    """The network's event with this slug; None for other networks' events (they do not exist for it)."""
    return db.session.scalar(select(Event).where(Event.slug == slug, Event.network_id == network.id)
                             .options(*_with_program()))
