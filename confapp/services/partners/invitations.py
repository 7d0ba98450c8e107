"""Inviting partners to an event: a personal registration link per contact person.

The link pre-fills institution and sector on the registration form. Opening it is the only
thing recorded about the recipient before they register (no tracking pixel); a registration
made through it, or naming an institution of the directory, is linked to that institution.
Invitations go out only after the organiser confirmed the preview of exactly these recipients
(``services.mail.bulk``).
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from confapp.database import begin_write
from confapp.extensions import db
from confapp.models import Event, Invitation, Partner, PartnerContact, Registration, User, utcnow
from confapp.services.mail.bulk import BulkMail, bulk_mail, require_confirmed, sample_texts
from confapp.services.mail.outbox import render_email, queue_rendered
from confapp.services.networks import audit
from confapp.services.partners.directory import id_by_name

#: Query parameter of the personal link on the registration page.
LINK_PARAMETER = "einladung"


@dataclass(frozen=True)
class Recipient:
    partner: Partner
    contact: PartnerContact


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def registration_link(event: Event, token: str) -> str:
    return f"{current_app.config['BASE_URL']}/e/{event.slug}/anmelden?{LINK_PARAMETER}={token}"


def recipients(event: Event, sector: str = "", district: str = "") -> list[Recipient]:
    """Contact persons with an e-mail address in the filtered directory who have no invitation to ``event`` yet."""
    statement = (select(PartnerContact).join(Partner)
                 .where(Partner.network_id == event.network_id, PartnerContact.email != "")
                 .options(selectinload(PartnerContact.partner)).order_by(Partner.name, PartnerContact.name))
    if sector:
        statement = statement.where(Partner.sector == sector)
    if district:
        statement = statement.where(Partner.district == district)
    invited = set(db.session.execute(select(Invitation.partner_id, Invitation.email)
                                     .where(Invitation.event_id == event.id)).all())
    return [Recipient(c.partner, c) for c in db.session.scalars(statement)
            if (c.partner_id, c.email) not in invited]


def render_invitation(event: Event, recipient: Recipient, token: str):
    return render_email("invitation", recipient.contact.email, event=event, partner=recipient.partner,
                        contact=recipient.contact, link=registration_link(event, token))


def _preview_of(event: Event, found: list[Recipient]) -> BulkMail:
    sample = render_invitation(event, found[0], "beispiel") if found else None
    return bulk_mail(((r.partner.id, r.contact.id, r.contact.email) for r in found), sample, *sample_texts(sample),
                     names=(f"{r.contact.name} ({r.partner.name}) <{r.contact.email}>" for r in found))


def preview(event: Event, sector: str = "", district: str = "") -> BulkMail:
    """Who would be invited, and the e-mail the first of them would get (with a link that does not work)."""
    return _preview_of(event, recipients(event, sector, district))


def invite(actor: User, event: Event, sector: str = "", district: str = "", *, confirmed: str | None) -> int:
    """Invite every recipient the filter finds, in one transaction with the queued e-mails; returns how many.

    Only if ``confirmed`` is the fingerprint of the current ``preview`` (nobody was added to the
    directory or invited in between, the text is the same); else ``bulk.NotConfirmed`` and nothing is sent.
    """
    found = recipients(event, sector, district)
    require_confirmed(_preview_of(event, found), confirmed)
    for recipient in found:
        token = secrets.token_urlsafe(24)
        db.session.add(Invitation(event_id=event.id, partner_id=recipient.partner.id,
                                  contact_id=recipient.contact.id, email=recipient.contact.email,
                                  token_hash=_hash(token)))
        queue_rendered(render_invitation(event, recipient, token), event=event)
    if found:
        audit.record(actor, "partner.invited", f"{len(found)} Einladungen an Partner verschickt"
                     + (f" (Arbeitsfeld {sector})" if sector else "") + (f" (Sozialraum {district})" if district else ""),
                     event=event)
    db.session.commit()
    return len(found)


def open_invitation(event: Event, token: str | None, *, commit: bool = True) -> Invitation | None:
    """The invitation behind a personal link, its first opening noted; None for an unknown or foreign link."""
    if not token or len(token) > 100:
        return None
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == _hash(token))
                                   .options(selectinload(Invitation.partner)))
    if invitation is None or invitation.event_id != event.id:
        return None
    if invitation.opened_at is None:
        if commit:  # opened with a GET, whose transaction only read so far (see database.begin_write)
            begin_write()
        invitation.opened_at = utcnow()
        if commit:
            db.session.commit()
    return invitation


def institution_of(event: Event, organisation: str, token: str | None) -> tuple[int | None, Invitation | None]:
    """The institution a new registration belongs to, and the invitation it came through: the
    personal link's, else the directory's institution of the name typed. Nothing is committed:
    registering writes the link with the registration, in its one transaction."""
    invitation = open_invitation(event, token, commit=False) if token else None
    if invitation is not None:
        return invitation.partner_id, invitation
    return id_by_name(event.network_id, organisation), None


@dataclass(frozen=True)
class InvitationRow:
    partner: str
    sector: str
    email: str
    invited_at: object
    opened_at: object
    registered: bool


def invitations_of(event: Event) -> list[InvitationRow]:
    rows = db.session.scalars(select(Invitation).where(Invitation.event_id == event.id)
                              .options(selectinload(Invitation.partner)).order_by(Invitation.invited_at))
    registered = set(db.session.scalars(select(Registration.partner_id).where(
        Registration.event_id == event.id, Registration.partner_id.is_not(None))))
    return [InvitationRow(i.partner.name, i.partner.sector, i.email, i.invited_at, i.opened_at,
                          i.registration_id is not None or i.partner_id in registered) for i in rows]


def invitation_counts(event: Event) -> dict[str, int]:
    invited, opened, registered = db.session.execute(select(
        func.count(), func.count(Invitation.opened_at), func.count(Invitation.registration_id))
        .where(Invitation.event_id == event.id)).one()
    return {"invited": invited, "opened": opened, "registered": registered}
