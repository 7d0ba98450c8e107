"""A network's team: who works in it with which role, invitations, role changes and removal.

Only a network's admins call these (the views check the role). Every lookup is scoped to the
network, so a person or invitation of another network is None here (404 for the caller).
Taking a role away or removing someone ends their open sessions at once (``accounts.end_sessions``).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import delete, func, select, update

from confapp.database import begin_write
from confapp.extensions import db
from confapp.models import (Event, EventStatus, TeamInvitation, ItemKind, ItemLeader, Membership, Network,
                            ProgramItem, Role, Slot, User, utcnow)
from confapp.services.mail import outbox
from confapp.services.networks import accounts, audit, one_time

#: How long an invitation link works.
INVITATION_VALIDITY = timedelta(days=7)
#: Program items a workshop leader can lead.
LED_KINDS = (ItemKind.workshop, ItemKind.theme_table)


#: Role names in the audit log and in e-mails, which are German whatever language the admin's pages use.
ROLE_NAMES = {Role.admin: "Administration", Role.organiser: "Organisation", Role.checkin: "Einlass",
              Role.workshop_leader: "Workshopleitung"}


def role_label(role: Role) -> str:
    return ROLE_NAMES[role]


class TeamError(ValueError):
    """A German message for the admin (or invitee) at the keyboard; nothing was changed."""


@dataclass(frozen=True)
class Member:
    user: User
    role: Role
    #: The workshops this person leads in the network (workshop leaders only).
    workshops: list[ProgramItem]


@dataclass(frozen=True)
class InviteResult:
    """``invitation`` when a link went out; None when an existing account simply gained the role."""

    user: User | None
    invitation: TeamInvitation | None


# --- reading -----------------------------------------------------------------------------------

def members(network: Network) -> list[Member]:
    """Everyone with a role in the network, admins first, then by e-mail."""
    memberships = db.session.scalars(select(Membership).where(Membership.network_id == network.id)
                                     .join(User))
    led: dict[int, list[ProgramItem]] = {}
    for user_id, item in db.session.execute(
            select(ItemLeader.user_id, ProgramItem).join(ProgramItem).join(Slot).join(Event)
            .where(Event.network_id == network.id).order_by(Event.starts_at, Slot.starts_at, ProgramItem.position)):
        led.setdefault(user_id, []).append(item)
    order = list(Role)
    return sorted((Member(m.user, m.role, led.get(m.user_id, []) if m.role == Role.workshop_leader else [])
                   for m in memberships), key=lambda m: (order.index(m.role), m.user.email))


def member(network: Network, user_id: int) -> Membership | None:
    return db.session.scalar(select(Membership).where(Membership.network_id == network.id,
                                                      Membership.user_id == user_id))


def open_invitations(network: Network) -> list[TeamInvitation]:
    """Invitations of the network that have not been used and still work, newest first."""
    return list(db.session.scalars(
        select(TeamInvitation).where(TeamInvitation.network_id == network.id, TeamInvitation.accepted_at.is_(None),
                                 TeamInvitation.expires_at > utcnow()).order_by(TeamInvitation.created_at.desc())))


def workshops_of(network: Network) -> list[ProgramItem]:
    """Workshops and theme tables of the network's events that are not archived, in date order."""
    return list(db.session.scalars(
        select(ProgramItem).join(Slot).join(Event)
        .where(Event.network_id == network.id, Event.status != EventStatus.archived,
               ProgramItem.kind.in_(LED_KINDS))
        .order_by(Event.starts_at, Slot.starts_at, ProgramItem.position)))


# --- inviting ----------------------------------------------------------------------------------

def invite(network: Network, email: str, role: Role | str, invited_by: User | None,
           item_ids: Iterable[int] = ()) -> InviteResult:
    """Invite ``email`` into the network with ``role`` (and, for a workshop leader, its workshops).

    A new person gets an e-mail with a link that works once for ``INVITATION_VALIDITY`` and lets
    them set a password; an existing account gains the role at once and is told by e-mail.
    ``invited_by`` is None when a command on the server invites (``flask network create``).
    Raises ``TeamError`` with a German message; nothing is changed then.
    """
    email = _valid_email(email)
    role = _valid_role(role)
    items = _workshops(network, item_ids) if role == Role.workshop_leader else []
    user = accounts.by_email(email)
    if user is not None:
        if member(network, user.id) is not None:
            raise TeamError(f"{email} gehört schon zum Team. Ändern Sie die Rolle in der Liste unten.")
        user.memberships.append(Membership(network=network, role=role))
        _lead(user.id, items)
        outbox.queue_from_template("role_granted", email, network=network, role=role_label(role),
                                   workshops=items, sign_in_url=_url("/manage/anmelden"))
        audit.record(invited_by, "team.added", f"{email} hat jetzt die Rolle {role_label(role)}"
                     + _workshop_note(items) + ".", network=network)
        db.session.commit()
        return InviteResult(user, None)
    # A new invitation replaces an earlier one to the same address: only the newest link works.
    db.session.execute(delete(TeamInvitation).where(TeamInvitation.network_id == network.id, TeamInvitation.email == email,
                                                TeamInvitation.accepted_at.is_(None)))
    secret, token_hash = one_time.new_secret()
    now = utcnow()
    invitation = TeamInvitation(network_id=network.id, email=email, role=role, item_ids=[item.id for item in items],
                            token_hash=token_hash, invited_by_id=invited_by.id if invited_by else None,
                            invited_by=invited_by.email if invited_by else audit.SERVER_ACTOR,
                            created_at=now, expires_at=now + INVITATION_VALIDITY)
    db.session.add(invitation)
    outbox.queue_from_template("team_invitation", email, network=network, role=role_label(role), workshops=items,
                               invited_by=(invited_by.name or invited_by.email) if invited_by else "",
                               accept_url=_url(f"/manage/einladung/{secret}"),
                               expires_at=invitation.expires_at)
    audit.record(invited_by, "team.invited", f"{email} eingeladen als {role_label(role)}"
                 + _workshop_note(items) + ".", network=network)
    db.session.commit()
    return InviteResult(None, invitation)


def invitation_for(secret: str) -> TeamInvitation | None:
    """The open invitation behind a link, or None (unknown, used or expired)."""
    if not one_time.plausible(secret):
        return None
    return db.session.scalar(select(TeamInvitation).where(
        TeamInvitation.token_hash == one_time.digest(secret), TeamInvitation.accepted_at.is_(None),
        TeamInvitation.expires_at > utcnow()))


def accept_invitation(secret: str, password: str, name: str = "") -> User:
    """Use an invitation link: the account (new, or found by its e-mail) gets the role and the password.

    The link works once: a conditional UPDATE marks it used, so two tabs cannot both use it.
    """
    accounts.check_new_password(password)
    name = " ".join(name.split())[:200]
    invitation = invitation_for(secret)
    if invitation is None:
        raise TeamError("Diese Einladung gilt nicht mehr. Bitte bitten Sie um eine neue Einladung.")
    used = db.session.execute(
        update(TeamInvitation).where(TeamInvitation.id == invitation.id, TeamInvitation.accepted_at.is_(None),
                                 TeamInvitation.expires_at > utcnow())
        .values(accepted_at=utcnow()).execution_options(synchronize_session=False))
    if used.rowcount != 1:
        db.session.rollback()
        raise TeamError("Diese Einladung gilt nicht mehr. Bitte bitten Sie um eine neue Einladung.")
    user = accounts.by_email(invitation.email)
    if user is None:
        user = User(email=invitation.email, name=name, password_hash=accounts.hash_password(password))
        db.session.add(user)
        db.session.flush()
    else:
        # Whoever holds the link reads that mailbox, as a password reset would prove.
        accounts.set_password(user, password)
        if name:
            user.name = name
    membership = member(invitation.network, user.id)
    if membership is None:
        db.session.add(Membership(user_id=user.id, network_id=invitation.network_id, role=invitation.role))
    else:
        membership.role = invitation.role
    items = _workshops(invitation.network, invitation.item_ids or [], strict=False)
    _lead(user.id, items)
    audit.record(user, "team.joined", f"{user.email} hat die Einladung als {role_label(invitation.role)} "
                 "angenommen.", network=invitation.network)
    db.session.commit()
    return user


def withdraw_invitation(network: Network, invitation_id: int, actor: User) -> TeamInvitation | None:
    """Withdraw an open invitation of ``network``; its link stops working. None if it is not the network's."""
    invitation = db.session.scalar(select(TeamInvitation).where(
        TeamInvitation.id == invitation_id, TeamInvitation.network_id == network.id, TeamInvitation.accepted_at.is_(None)))
    if invitation is None:
        return None
    db.session.delete(invitation)
    audit.record(actor, "team.invitation_withdrawn", f"Einladung an {invitation.email} zurückgezogen.",
                 network=network)
    db.session.commit()
    return invitation


# --- changing and removing ---------------------------------------------------------------------

def change_role(network: Network, user_id: int, role: Role | str, actor: User) -> Membership | None:
    """Give a member another role; their open sessions end. None if they are not in the network.

    The last admin keeps the role: someone must be able to manage the network.
    """
    role = _valid_role(role)
    _lock_team(network)
    membership = member(network, user_id)
    if membership is None:
        db.session.rollback()
        return None
    old = membership.role
    if old == role:
        db.session.rollback()
        return membership
    if old == Role.admin:
        _keep_an_admin(network, "Die letzte Administratorin oder der letzte Administrator behält diese Rolle. "
                                "Geben Sie zuerst einer anderen Person die Rolle Administration.")
    if old == Role.workshop_leader:
        _stop_leading(network, user_id)
    membership.role = role
    accounts.end_sessions(membership.user)
    audit.record(actor, "team.role_changed", f"Rolle von {membership.user.email}: {role_label(old)} → "
                 f"{role_label(role)}.", network=network)
    db.session.commit()
    return membership


def remove_member(network: Network, user_id: int, actor: User) -> User | None:
    """Take someone out of the network: role and workshops gone, open sessions ended at once.

    The account stays (it may belong to other networks). None if they are not in the network.
    """
    _lock_team(network)
    membership = member(network, user_id)
    if membership is None:
        db.session.rollback()
        return None
    if membership.role == Role.admin:
        _keep_an_admin(network, "Die letzte Administratorin oder der letzte Administrator kann nicht entfernt "
                                "werden. Geben Sie zuerst einer anderen Person die Rolle Administration.")
    user = membership.user
    _stop_leading(network, user_id)
    db.session.delete(membership)
    accounts.end_sessions(user)
    audit.record(actor, "team.removed", f"{user.email} ({role_label(membership.role)}) aus dem Team entfernt.",
                 network=network)
    db.session.commit()
    return user


# --- helpers -----------------------------------------------------------------------------------

def _lock_team(network: Network) -> None:
    """Serialise team changes of one network, so two admins cannot each remove the other."""
    begin_write()
    db.session.scalar(select(Network.id).where(Network.id == network.id).with_for_update())


def _keep_an_admin(network: Network, message: str) -> None:
    admins = db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.network_id == network.id, Membership.role == Role.admin))
    if admins <= 1:
        db.session.rollback()
        raise TeamError(message)


def _stop_leading(network: Network, user_id: int) -> None:
    items = select(ProgramItem.id).join(Slot).join(Event).where(Event.network_id == network.id)
    db.session.execute(delete(ItemLeader).where(ItemLeader.user_id == user_id,
                                                ItemLeader.program_item_id.in_(items)))


def _lead(user_id: int, items: list[ProgramItem]) -> None:
    db.session.flush()
    leading = set(db.session.scalars(select(ItemLeader.program_item_id).where(ItemLeader.user_id == user_id)))
    db.session.add_all(ItemLeader(program_item_id=item.id, user_id=user_id)
                       for item in items if item.id not in leading)


def _workshops(network: Network, item_ids: Iterable[int], strict: bool = True) -> list[ProgramItem]:
    """The network's workshops with these ids; with ``strict`` any other id is an error."""
    wanted = set(item_ids)
    items = [item for item in workshops_of(network) if item.id in wanted]
    if strict and len(items) != len(wanted):
        raise TeamError("Bitte wählen Sie nur Workshops dieses Netzwerks.")
    return items


def _workshop_note(items: list[ProgramItem]) -> str:
    return f" (leitet: {', '.join(item.title for item in items)})" if items else ""


def _valid_email(email: str) -> str:
    email = accounts.normalise_email(email or "")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise TeamError("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@landkreis.de.") from None
    if len(email) > 254:
        raise TeamError("Die E-Mail-Adresse ist zu lang.")
    return email


def _valid_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise TeamError("Bitte wählen Sie eine der angebotenen Rollen.") from None


def _url(path: str) -> str:
    return current_app.config["BASE_URL"] + path
