"""The partner directory: institutions, their contact persons, search and filters.

Contact persons are personal data: each has a legal basis and a date after which it is deleted
(``purge_due_contacts``, run by ``flask purge --due``), and an organiser deletes one on request.
Every function takes the caller's network: another network's partner does not exist for it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from confapp.database import begin_write
from confapp.extensions import db
from confapp.models import Invitation, LegalBasis, Network, Partner, PartnerContact, User, utcnow
# An institution's name as compared (case and runs of white space do not matter), as the index holds it.
from confapp.models.partner import name_key as normalised
from confapp.services.networks import audit
from confapp.services.registration.rules import valid_email

#: How long a contact person's data is kept before it must be confirmed again (two years).
CONTACT_RETENTION = timedelta(days=730)
LIMITS = {"name": 200, "sector": 100, "address": 300, "district": 100, "notes": 2000,
          "contact_name": 200, "role": 100, "email": 254, "phone": 50, "source": 200}
LEGAL_BASIS_TEXT = {LegalBasis.public_task: _l("Öffentliche Aufgabe (Art. 6 Abs. 1 e DSGVO, § 3 KKG)"),
                    LegalBasis.consent: _l("Einwilligung (Art. 6 Abs. 1 a DSGVO)")}


class DirectoryError(ValueError):
    """Input that cannot be saved, with a German message per field."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(str(p) for p in problems.values()))
        self.problems = problems


@dataclass
class PartnerDetails:
    name: str
    sector: str = ""
    address: str = ""
    district: str = ""
    notes: str = ""


@dataclass
class ContactDetails:
    name: str
    role: str = ""
    email: str = ""
    phone: str = ""
    legal_basis: LegalBasis = LegalBasis.public_task
    source: str = ""
    keep_until: date | None = field(default=None)


def _clean(value: str | None) -> str:
    return " ".join((value or "").replace("\x00", "").split())


def partner_problems(network: Network, details: PartnerDetails) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not details.name:
        problems["name"] = _l("Bitte geben Sie den Namen der Einrichtung an.")
    for key in ("name", "sector", "address", "district", "notes"):
        if len(getattr(details, key)) > LIMITS[key]:
            problems[key] = _l("Höchstens %(limit)d Zeichen.", limit=LIMITS[key])
    if details.sector and details.sector not in network.sectors:
        problems["sector"] = _l("Bitte wählen Sie ein Arbeitsfeld aus der Liste des Netzwerks.")
    return problems


def contact_problems(details: ContactDetails) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not details.name:
        problems["contact_name"] = _l("Bitte geben Sie den Namen der Ansprechperson an.")
    for key, value in (("contact_name", details.name), ("role", details.role), ("email", details.email),
                       ("phone", details.phone), ("source", details.source)):
        if len(value) > LIMITS[key]:
            problems[key] = _l("Höchstens %(limit)d Zeichen.", limit=LIMITS[key])
    if details.email and "email" not in problems and not valid_email(details.email):
        problems["email"] = _l("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de.")
    return problems


def cleaned_partner(details: PartnerDetails) -> PartnerDetails:
    return PartnerDetails(name=_clean(details.name), sector=_clean(details.sector), address=_clean(details.address),
                          district=_clean(details.district), notes=(details.notes or "").replace("\x00", "").strip())


def cleaned_contact(details: ContactDetails) -> ContactDetails:
    return ContactDetails(name=_clean(details.name), role=_clean(details.role), email=_clean(details.email).lower(),
                          phone=_clean(details.phone), legal_basis=details.legal_basis, source=_clean(details.source),
                          keep_until=details.keep_until)


def partners_of(network: Network, query: str = "", sector: str = "", district: str = "") -> list[Partner]:
    """The directory, filtered by a search over names, addresses and contact persons, by sector and district."""
    statement = (select(Partner).where(Partner.network_id == network.id)
                 .options(selectinload(Partner.contacts)).order_by(Partner.name))
    words = query.split()[:5]
    for word in words:
        pattern = f"%{word[:100]}%"
        statement = statement.where(or_(
            Partner.name.ilike(pattern), Partner.address.ilike(pattern), Partner.district.ilike(pattern),
            Partner.id.in_(select(PartnerContact.partner_id).where(
                or_(PartnerContact.name.ilike(pattern), PartnerContact.email.ilike(pattern))))))
    if sector:
        statement = statement.where(Partner.sector == sector)
    if district:
        statement = statement.where(Partner.district == district)
    return list(db.session.scalars(statement))


def names_of(network: Network) -> list[str]:
    """The directory's institution names, for the registration form's suggestions (no contact data)."""
    return list(db.session.scalars(select(Partner.name).where(Partner.network_id == network.id)
                                   .order_by(Partner.name).limit(2000)))


def districts_of(network: Network) -> list[str]:
    return list(db.session.scalars(select(Partner.district).where(
        Partner.network_id == network.id, Partner.district != "").distinct().order_by(Partner.district)))


def partner_or_404(network: Network, partner_id: int) -> Partner:
    partner = db.session.get(Partner, partner_id)
    if partner is None or partner.network_id != network.id:
        abort(404)
    return partner


def contact_or_404(partner: Partner, contact_id: int) -> PartnerContact:
    contact = db.session.get(PartnerContact, contact_id)
    if contact is None or contact.partner_id != partner.id:
        abort(404)
    return contact


def by_name(network: Network, name: str) -> Partner | None:
    """The directory's institution of this name, however it is capitalised or spaced."""
    partner_id = id_by_name(network.id, name)
    return db.session.get(Partner, partner_id) if partner_id is not None else None


def id_by_name(network_id: int, name: str) -> int | None:
    """The id of the directory's institution of this name (registering asks this): one row found by
    its index, however many institutions the directory holds."""
    wanted = normalised(name)
    if not wanted:
        return None
    return db.session.scalar(select(Partner.id).where(Partner.network_id == network_id, Partner.name_key == wanted))


#: An institution's name is in the directory once per network (``Partner.name_key``).
ALREADY_LISTED = _l("Diese Einrichtung steht schon im Verzeichnis.")


def _check_unique(network: Network, name: str, partner: Partner | None = None) -> None:
    existing = by_name(network, name)
    if existing is not None and existing is not partner:
        raise DirectoryError({"name": ALREADY_LISTED})


def _commit_listed_once() -> None:
    """Commit; the database's unique index refuses the same institution written by a colleague
    after ``_check_unique`` looked."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DirectoryError({"name": ALREADY_LISTED}) from None


def create_partner(actor: User, network: Network, details: PartnerDetails) -> Partner:
    details = cleaned_partner(details)
    problems = partner_problems(network, details)
    if problems:
        raise DirectoryError(problems)
    _check_unique(network, details.name)
    partner = Partner(network_id=network.id, **vars(details))
    db.session.add(partner)
    audit.record(actor, "partner.created", f"Partnereinrichtung „{details.name}“ angelegt", network=network)
    _commit_listed_once()
    return partner


def update_partner(actor: User, partner: Partner, details: PartnerDetails) -> None:
    details = cleaned_partner(details)
    problems = partner_problems(partner.network, details)
    if problems:
        raise DirectoryError(problems)
    _check_unique(partner.network, details.name, partner)
    for key, value in vars(details).items():
        setattr(partner, key, value)
    audit.record(actor, "partner.changed", f"Partnereinrichtung „{details.name}“ geändert", network=partner.network)
    _commit_listed_once()


def delete_partner(actor: User, partner: Partner) -> None:
    """Delete an institution with its contacts; registrations and invitations keep no link to it."""
    network = partner.network
    audit.record(actor, "partner.deleted", f"Partnereinrichtung „{partner.name}“ gelöscht", network=network)
    db.session.delete(partner)
    db.session.commit()


def new_contact(partner: Partner, details: ContactDetails, now: datetime | None = None) -> PartnerContact:
    """A contact row for ``partner`` (not yet added to the session); the caller checked ``details``."""
    now = now or utcnow()
    return PartnerContact(
        partner=partner, name=details.name, role=details.role, email=details.email, phone=details.phone,
        legal_basis=details.legal_basis, source=details.source,
        consent_at=now if details.legal_basis is LegalBasis.consent else None,
        keep_until=details.keep_until or (now.date() + CONTACT_RETENTION))


def add_contact(actor: User, partner: Partner, details: ContactDetails) -> PartnerContact:
    details = cleaned_contact(details)
    problems = contact_problems(details)
    if problems:
        raise DirectoryError(problems)
    contact = new_contact(partner, details)
    db.session.add(contact)
    # The log names the institution, not the person: it outlives the contact's data.
    audit.record(actor, "partner.contact_added", f"Ansprechperson bei „{partner.name}“ hinzugefügt",
                 network=partner.network)
    db.session.commit()
    return contact


def remove_contact(actor: User, contact: PartnerContact) -> None:
    """Delete a contact person (on request, or no longer there); invitations keep only their counts."""
    partner = contact.partner
    from_invitations(contact)
    audit.record(actor, "partner.contact_removed", f"Ansprechperson bei „{partner.name}“ gelöscht",
                 network=partner.network)
    db.session.delete(contact)
    db.session.commit()


def from_invitations(contact: PartnerContact) -> None:
    """Blank the contact's address in the invitations sent to it (the invitation itself stays counted)."""
    db.session.execute(Invitation.__table__.update().where(Invitation.contact_id == contact.id).values(email=""))


def purge_due_contacts(today: date | None = None) -> int:
    """Delete every contact person whose ``keep_until`` has passed; returns how many."""
    today = today or date.today()
    begin_write()  # from cron, beside the app: on SQLite a transaction that read may not write later
    due = list(db.session.scalars(select(PartnerContact).where(PartnerContact.keep_until < today)))
    for contact in due:
        from_invitations(contact)
    if due:
        db.session.execute(delete(PartnerContact).where(PartnerContact.id.in_([c.id for c in due])))
    db.session.commit()
    return len(due)


def sector_counts(network: Network) -> dict[str, int]:
    """Institutions in the directory per sector."""
    rows = db.session.execute(select(Partner.sector, func.count()).where(Partner.network_id == network.id)
                              .group_by(Partner.sector))
    return {sector or "": count for sector, count in rows}
