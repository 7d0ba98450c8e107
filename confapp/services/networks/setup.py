"""Creating a network with its first admin, and listing networks (``flask network``)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from flask_babel import gettext as _

from confapp.extensions import db
from confapp.models import Event, EventStatus, Membership, Network, Role
from confapp.services.networks import accounts, team

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 80
MAX_NAME = 200


@dataclass(frozen=True)
class NetworkSummary:
    slug: str
    name: str
    admins: list[str]
    events: int
    published: int


def create_network(slug: str, name: str, admin_email: str, password: str | None = None,
                   invite: bool = False) -> Network:
    """A new network and its first admin (an existing account keeps its password).

    With ``invite`` a new admin gets an invitation e-mail to set their own password instead.
    Raises ``accounts.AccountError`` with a German message; nothing is stored then.
    """
    slug, name = slug.strip(), " ".join(name.split())
    if not SLUG.fullmatch(slug) or len(slug) > MAX_SLUG:
        raise accounts.AccountError("Das Kürzel darf nur aus Kleinbuchstaben, Ziffern und Bindestrichen bestehen "
                                    f"(höchstens {MAX_SLUG} Zeichen), z. B. „landkreis-wittenberg“.")
    if not name or len(name) > MAX_NAME:
        raise accounts.AccountError(f"Bitte geben Sie den Namen des Netzwerks an (höchstens {MAX_NAME} Zeichen).")
    if db.session.scalar(select(Network.id).where(Network.slug == slug)) is not None:
        raise accounts.AccountError(f"Das Netzwerk „{slug}“ gibt es schon.")
    if accounts.by_email(admin_email) is None and password is None and not invite:
        raise accounts.AccountError(_("Für ein neues Konto wird ein Passwort gebraucht."))
    if password is not None:
        accounts.check_new_password(password)
    network = Network(slug=slug, name=name)
    db.session.add(network)
    db.session.flush()
    try:
        if invite and password is None:
            team.invite(network, admin_email, Role.admin, None)
        else:
            accounts.grant_role(admin_email, slug, Role.admin.value, password=password)
    except (accounts.AccountError, team.TeamError) as error:
        db.session.rollback()
        raise accounts.AccountError(str(error)) from None
    return network


def list_networks() -> list[NetworkSummary]:
    """Every network with its admins and how many events it has (published ones apart)."""
    networks = db.session.scalars(select(Network).order_by(Network.slug)).all()
    counts = dict(db.session.execute(select(Event.network_id, func.count()).group_by(Event.network_id)).all())
    published = dict(db.session.execute(select(Event.network_id, func.count())
                                        .where(Event.status == EventStatus.published)
                                        .group_by(Event.network_id)).all())
    admins: dict[int, list[str]] = {}
    for membership in db.session.scalars(select(Membership).where(Membership.role == Role.admin)):
        admins.setdefault(membership.network_id, []).append(membership.user.email)
    return [NetworkSummary(n.slug, n.name, sorted(admins.get(n.id, [])), counts.get(n.id, 0),
                           published.get(n.id, 0)) for n in networks]
