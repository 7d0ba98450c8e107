"""Workshop lists for workshop leaders: only their own workshops, only name, organisation, sector."""
from __future__ import annotations

from flask import abort
from sqlalchemy import select

from confapp.extensions import db
from confapp.models import Event, ItemLeader, ProgramItem, Role, Slot, User
from confapp.services.networks import access


def leads(user: User, item: ProgramItem) -> bool:
    return db.session.scalar(select(ItemLeader.user_id).where(
        ItemLeader.program_item_id == item.id, ItemLeader.user_id == user.id)) is not None


def item_or_404(user: User, slug: str, item_id: int) -> tuple[Event, ProgramItem]:
    """The workshop if the user organises its event or leads this very workshop; else 404."""
    event = access.event_or_404(user, slug, access.ORGANISERS | {Role.workshop_leader})
    item = db.session.scalar(select(ProgramItem).join(Slot).where(
        ProgramItem.id == item_id, Slot.event_id == event.id))
    if item is None or item.capacity is None:
        abort(404)
    if not access.may(user, event.network, access.ORGANISERS) and not leads(user, item):
        abort(404)
    return event, item


def led_by(user: User) -> list[ProgramItem]:
    """The workshops a user leads in networks where they hold the workshop-leader role."""
    network_ids = [m.network_id for m in user.memberships if m.role == Role.workshop_leader]
    if not network_ids:
        return []
    return list(db.session.scalars(
        select(ProgramItem).join(ItemLeader).join(Slot).join(Event)
        .where(ItemLeader.user_id == user.id, Event.network_id.in_(network_ids))
        .order_by(Event.starts_at, Slot.starts_at, ProgramItem.position)))
