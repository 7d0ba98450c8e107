"""Coverage: which sectors and partner institutions a network reached, per event and per year.

Counts come from registrations (not cancelled) and check-ins, so they survive a purge: the link
to an institution and the sector are kept, names are not. An institution counts as "invited but
absent" when it was invited and nobody from it checked in.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import extract, select, update

from confapp.extensions import db
from confapp.models import (Event, Invitation, Network, Partner, Registration, RegistrationStatus, User)
from confapp.services.networks import audit
from confapp.services.partners.directory import (DirectoryError, PartnerDetails, by_name, create_partner,
                                                 normalised, sector_counts)
from confapp.services.reports.exports import Table


@dataclass
class SectorRow:
    sector: str
    in_directory: int = 0
    invited: int = 0
    registered_institutions: int = 0
    attended_institutions: int = 0
    registered_people: int = 0
    attended_people: int = 0


@dataclass
class InstitutionRow:
    partner: Partner
    invited: bool = False
    registered: int = 0
    attended: int = 0


@dataclass
class NewInstitution:
    name: str
    sector: str
    people: int


@dataclass
class Coverage:
    network: Network
    title: str
    events: list[Event]
    sectors: list[SectorRow]
    institutions: list[InstitutionRow]
    new_institutions: list[NewInstitution]
    people_registered: int = 0
    people_attended: int = 0
    directory_size: int = 0
    invited_absent: list[InstitutionRow] = field(default_factory=list)

    @property
    def attended_by_sector(self) -> list[tuple[str, int]]:
        return [(row.sector, row.attended_people) for row in self.sectors if row.attended_people]

    @property
    def registered_by_sector(self) -> list[tuple[str, int]]:
        return [(row.sector, row.registered_people) for row in self.sectors if row.registered_people]

    @property
    def directory_by_sector(self) -> list[tuple[str, int]]:
        return [(row.sector, row.in_directory) for row in self.sectors if row.in_directory]


def _coverage(network: Network, title: str, events: list[Event]) -> Coverage:
    event_ids = [event.id for event in events]
    partners = {p.id: p for p in db.session.scalars(
        select(Partner).where(Partner.network_id == network.id).order_by(Partner.name))}
    registrations = list(db.session.execute(select(
        Registration.partner_id, Registration.sector, Registration.organisation, Registration.checked_in_at)
        .where(Registration.event_id.in_(event_ids), Registration.status != RegistrationStatus.cancelled))) \
        if event_ids else []
    invited = set(db.session.scalars(select(Invitation.partner_id).where(Invitation.event_id.in_(event_ids)))) \
        if event_ids else set()

    institutions = {pid: InstitutionRow(partners[pid], invited=pid in invited) for pid in invited if pid in partners}
    sectors: dict[str, SectorRow] = {s: SectorRow(s) for s in network.sectors}
    new: dict[str, list[str]] = defaultdict(list)
    new_names: dict[str, str] = {}
    for partner_id, sector, organisation, checked_in_at in registrations:
        row = sectors.setdefault(sector or "", SectorRow(sector or ""))
        row.registered_people += 1
        row.attended_people += checked_in_at is not None
        if partner_id in partners:
            institution = institutions.setdefault(partner_id, InstitutionRow(partners[partner_id]))
            institution.registered += 1
            institution.attended += checked_in_at is not None
        elif organisation and organisation.strip():
            key = normalised(organisation)
            new[key].append(sector or "")
            new_names.setdefault(key, " ".join(organisation.split()))
    for sector, count in sector_counts(network).items():
        sectors.setdefault(sector, SectorRow(sector)).in_directory = count
    for institution in institutions.values():
        row = sectors.setdefault(institution.partner.sector, SectorRow(institution.partner.sector))
        row.invited += institution.invited
        row.registered_institutions += institution.registered > 0
        row.attended_institutions += institution.attended > 0
    rows = sorted(institutions.values(), key=lambda r: (r.partner.sector, r.partner.name.casefold()))
    return Coverage(
        network=network, title=title, events=events,
        sectors=[row for row in sectors.values()
                 if row.in_directory or row.registered_people or row.invited],
        institutions=rows,
        new_institutions=sorted((NewInstitution(new_names[key], Counter(s).most_common(1)[0][0], len(s))
                                 for key, s in new.items()), key=lambda n: n.name.casefold()),
        people_registered=len(registrations),
        people_attended=sum(1 for r in registrations if r[3] is not None),
        directory_size=len(partners),
        invited_absent=[row for row in rows if row.invited and row.attended == 0])


def event_coverage(event: Event) -> Coverage:
    return _coverage(event.network, event.title, [event])


def year_coverage(network: Network, year: int) -> Coverage:
    events = list(db.session.scalars(select(Event).where(
        Event.network_id == network.id, extract("year", Event.starts_at) == year).order_by(Event.starts_at)))
    return _coverage(network, str(year), events)


def years_of(network: Network) -> list[int]:
    starts: list[datetime] = list(db.session.scalars(select(Event.starts_at).where(Event.network_id == network.id)))
    return sorted({start.year for start in starts}, reverse=True)


def add_to_directory(actor: User, network: Network, name: str, sector: str) -> Partner:
    """Take an institution that came without being in the directory into it, and link its registrations."""
    partner = by_name(network, name)
    if partner is None:
        partner = create_partner(actor, network, PartnerDetails(name=name, sector=sector))
    event_ids = select(Event.id).where(Event.network_id == network.id)
    wanted = normalised(name)
    ids = [rid for rid, organisation in db.session.execute(select(Registration.id, Registration.organisation).where(
        Registration.event_id.in_(event_ids), Registration.partner_id.is_(None), Registration.organisation != ""))
        if normalised(organisation) == wanted]
    if ids:
        db.session.execute(update(Registration).where(Registration.id.in_(ids)).values(partner_id=partner.id))
    audit.record(actor, "partner.linked", f"{len(ids)} Anmeldungen der Einrichtung „{partner.name}“ zugeordnet",
                 network=network)
    db.session.commit()
    return partner


def coverage_table(coverage: Coverage) -> Table:
    """Per institution and per sector, one sheet, for the network's annual documentation."""
    rows: list[list[object]] = []
    for row in coverage.institutions:
        rows.append(["Einrichtung", row.partner.name, row.partner.sector, "ja" if row.invited else "nein",
                     row.registered, row.attended])
    for new in coverage.new_institutions:
        rows.append(["Neu (nicht im Verzeichnis)", new.name, new.sector, "nein", new.people, ""])
    for sector in coverage.sectors:
        rows.append(["Arbeitsfeld", sector.sector, sector.in_directory, sector.invited, sector.registered_people,
                     sector.attended_people])
    return Table(title=f"Beteiligung {coverage.title}"[:31],
                 header=["Art", "Name", "Arbeitsfeld / im Verzeichnis", "Eingeladen", "Angemeldet", "Teilgenommen"],
                 rows=rows)


__all__ = ["Coverage", "DirectoryError", "add_to_directory", "coverage_table", "event_coverage", "year_coverage",
           "years_of"]
