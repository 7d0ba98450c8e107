"""Who may see what: every back-office and door lookup goes through here.

An object of a network the user has no role in does not exist for them (404, never 403), so
nobody learns which events or people another network has.
"""
from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from confapp.extensions import db
from confapp.models import Event, Membership, Network, Role, User

#: Those who manage the network itself: its settings, legal pages, tokens, audit log.
ADMINS = frozenset({Role.admin})
#: Roles that may run a network's events; admins also manage the network and its users.
ORGANISERS = frozenset({Role.admin, Role.organiser})
#: The role that manages the network itself: its team, settings, log and API tokens.
ADMINS = frozenset({Role.admin})
#: Roles that may check people in at the door.
DOOR = frozenset({Role.admin, Role.organiser, Role.checkin})
EVERYONE = frozenset(Role)


def role_in(user: User | None, network: Network) -> Role | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return next((m.role for m in user.memberships if m.network_id == network.id), None)


def may(user: User | None, network: Network, roles: frozenset[Role]) -> bool:
    return role_in(user, network) in roles


def networks_of(user: User, roles: frozenset[Role] = EVERYONE) -> list[Network]:
    return sorted((m.network for m in user.memberships if m.role in roles), key=lambda n: n.name)


def all_networks() -> list[Network]:
    """Every network, by name: whose legal pages a page that belongs to none of them links to
    (sign-in, error pages, the door's start). Names and legal pages are public anyway."""
    return list(db.session.scalars(select(Network).order_by(Network.name)))


def network_or_404(user: User, slug: str, roles: frozenset[Role] = ORGANISERS) -> Network:
    network = db.session.scalar(select(Network).where(Network.slug == slug))
    if network is None or not may(user, network, roles):
        abort(404)
    return network


def event_or_404(user: User, slug: str, roles: frozenset[Role] = ORGANISERS) -> Event:
    """The event with this slug if the user has one of ``roles`` in its network; else 404."""
    event = db.session.scalar(select(Event).where(Event.slug == slug).options(selectinload(Event.network)))
    if event is None or not may(user, event.network, roles):
        abort(404)
    return event


def events_for(user: User, roles: frozenset[Role] = EVERYONE) -> list[Event]:
    """Every event of the networks where the user has one of ``roles``, newest first."""
    network_ids = [m.network_id for m in user.memberships if m.role in roles]
    if not network_ids:
        return []
    return list(db.session.scalars(
        select(Event).where(Event.network_id.in_(network_ids))
        .options(selectinload(Event.network)).order_by(Event.starts_at.desc(), Event.id)))


def members_of(network: Network) -> list[Membership]:
    return sorted(network.memberships, key=lambda m: (m.role.value, m.user.email))
