"""Organisers' view of registrations: find them within one network, list with filters, edit details.

Seats and waitlists stay with ``registration.change``; this module only reads and corrects the
attendee's details, which never touch seats: the attendee through the private link (name,
organisation, sector, diet, access needs), organisers every field including the e-mail address.
Every lookup takes the caller's network: a registration of another network does not exist for it.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from flask_babel import gettext as _

from confapp.extensions import db
from confapp.models import (Assignment, Event, Network, Registration, RegistrationHistory, RegistrationStatus,
                            new_token, utcnow)
from confapp.services.registration.choices import Choices, choice_problems
from confapp.services.registration.rules import PRINTED, printable
from confapp.services.registration.change import (InvalidRegistration, RegistrationData, RegistrationError,
                                                  change_choices, registration_problems, send_to_attendee)

#: Details the API may change (the address is the attendee's key and stays).
EDITABLE = ("first_name", "last_name", "organisation", "sector")
#: What attendees correct through their private link (diet and access needs only with consent).
ATTENDEE_CORRECTS = ("first_name", "last_name", "organisation", "sector", "needs_consent", "diet", "access_needs")
#: What organisers correct: everything the attendee gave, the address and the photo consent too.
ORGANISER_CORRECTS = ATTENDEE_CORRECTS + ("email", "photo_consent")
#: What a badge shows: correcting it after the badge was printed marks the badge for reprint.
ON_BADGE = ("first_name", "last_name", "organisation", "sector")
#: Field names in the history, as organisers read them.
FIELD_NAMES = {"first_name": "Vorname", "last_name": "Nachname", "organisation": "Einrichtung",
               "sector": "Arbeitsfeld", "needs_consent": "Einwilligung Verpflegung/Unterstützung",
               "diet": "Verpflegung", "access_needs": "Unterstützungsbedarf", "email": "E-Mail-Adresse",
               "photo_consent": "Foto-Einwilligung"}
#: Longest page of a list.
MAX_PAGE = 200


@dataclass(frozen=True)
class RegistrationFilter:
    status: RegistrationStatus | None = None
    sector: str | None = None
    #: Program item id: registrations with a seat in it.
    workshop: int | None = None


@dataclass(frozen=True)
class Page:
    registrations: list[Registration]
    #: Id to continue after; None on the last page.
    next_after: int | None


def _loaded():
    return (selectinload(Registration.preferences), selectinload(Registration.assignments),
            selectinload(Registration.event))


def registrations_page(event: Event, filters: RegistrationFilter, after: int = 0, limit: int = 50) -> Page:
    """One page of the event's registrations in id order (stable while new ones arrive: cursor by id)."""
    limit = max(1, min(limit, MAX_PAGE))
    query = (select(Registration).where(Registration.event_id == event.id, Registration.id > after)
             .options(*_loaded()).order_by(Registration.id).limit(limit + 1))
    if filters.status is not None:
        query = query.where(Registration.status == filters.status)
    if filters.sector is not None:
        query = query.where(Registration.sector == filters.sector)
    if filters.workshop is not None:
        query = query.where(Registration.assignments.any(Assignment.program_item_id == filters.workshop))
    found = list(db.session.scalars(query))
    more = len(found) > limit
    found = found[:limit]
    return Page(found, found[-1].id if more else None)


def registration_of_network(network: Network, event_slug: str, registration_id: int) -> Registration | None:
    """The registration if it belongs to this event of this network; None otherwise."""
    return db.session.scalar(
        select(Registration).join(Event)
        .where(Registration.id == registration_id, Event.slug == event_slug, Event.network_id == network.id)
        .options(*_loaded()))


def detail_problems(registration: Registration, changes: dict[str, str]) -> dict[str, str]:
    """What is wrong with new details, by field (German), with the same rules as the form."""
    current = {name: getattr(registration, name) for name in EDITABLE}
    data = RegistrationData(**{**current, **changes}, email=registration.email)
    invalid = registration_problems(registration.event, data, by_organiser=True)
    problems = invalid.problems if invalid else {}
    return {name: message for name, message in problems.items() if name in changes}


def update_registration(registration: Registration, details: dict[str, str], choices: Choices | None = None,
                        *, by: str) -> Registration:
    """Change name, organisation or sector (keys of ``EDITABLE``) and, if given, the workshop choices.

    Everything is checked before anything changes: raises ``InvalidRegistration`` with per-field
    and per-choice problems, ``RegistrationError`` for a cancelled registration. Detail changes go
    into the history; choices change through ``registration.change_choices`` (seats, waitlists,
    e-mails as there). Commits.
    """
    unknown = set(details) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if registration.status == RegistrationStatus.cancelled:
        raise RegistrationError(_("Diese Anmeldung ist storniert."))
    problems = detail_problems(registration, details)
    broken = choice_problems(registration.event, choices) if choices is not None else []
    if problems or broken:
        raise InvalidRegistration(problems, broken)
    changed = []
    for name, value in details.items():
        value = printable(value) if name in PRINTED else value.strip()
        if getattr(registration, name) != value:
            setattr(registration, name, value)
            changed.append(name)
    if changed:
        registration.history.append(RegistrationHistory(action="details_changed", actor=by[:254],
                                                        note=", ".join(changed)))
    db.session.commit()
    if choices is not None:
        change_choices(registration, choices, by=by)
    return registration


def current_details(registration: Registration) -> dict[str, object]:
    """The correctable details as they are stored (for the correction forms)."""
    return {"first_name": registration.first_name, "last_name": registration.last_name,
            "organisation": registration.organisation, "sector": registration.sector,
            "needs_consent": registration.needs_consent_at is not None, "diet": registration.diet,
            "access_needs": registration.access_needs, "email": registration.email,
            "photo_consent": registration.photo_consent}


def correct_details(registration: Registration, changes: dict[str, object], *, by: str,
                    allowed: tuple[str, ...] = ATTENDEE_CORRECTS) -> list[str]:
    """Correct details (keys of ``allowed``); returns the names of the fields that changed.

    Checked with the registration form's rules first (``InvalidRegistration`` with German messages
    by field, nothing changed): diet or access needs need consent. Consent withdrawn deletes both. A corrected
    name, organisation or sector on a printed badge marks it for reprint. A new e-mail address
    gets a new private link by e-mail (the old link stops working: it may have gone to a stranger).
    The history says who changed what. Commits.
    """
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"not correctable: {sorted(unknown)}")
    if registration.event.purged_at is not None:
        raise RegistrationError("Die Daten dieser Veranstaltung sind gelöscht.")
    wanted = {**current_details(registration), **changes}
    for name in ("first_name", "last_name", "organisation", "sector", "diet", "access_needs", "email"):
        wanted[name] = str(wanted[name] or "").strip()
    wanted["email"] = wanted["email"].lower()
    if not wanted["needs_consent"] and registration.needs_consent_at is not None:
        wanted["diet"] = wanted["access_needs"] = ""  # consent withdrawn: the data goes with it
    by_organiser = "email" in allowed
    data = RegistrationData(**{name: wanted[name] for name in ("first_name", "last_name", "email", "organisation",
                                                                "sector", "diet", "access_needs")},
                            needs_consent=bool(wanted["needs_consent"]), privacy_consent=True)
    invalid = registration_problems(registration.event, data, by_organiser=by_organiser)
    problems = {name: message for name, message in (invalid.problems if invalid else {}).items() if name in allowed}
    if "email" not in problems and wanted["email"] and wanted["email"] != registration.email and db.session.scalar(
            select(Registration.id).where(Registration.event_id == registration.event_id,
                                          Registration.email == wanted["email"])):
        problems["email"] = "Mit dieser E-Mail-Adresse ist schon jemand zu dieser Veranstaltung angemeldet."
    if problems:
        raise InvalidRegistration(problems, [])
    before = current_details(registration)
    changed = [name for name in ORGANISER_CORRECTS if name in allowed and before[name] != wanted[name]]
    for name in changed:
        if name == "needs_consent":
            registration.needs_consent_at = utcnow() if wanted[name] else None
        else:
            setattr(registration, name, wanted[name])
    if not changed:
        db.session.commit()
        return []
    note = ", ".join(FIELD_NAMES[name] for name in changed) + " korrigiert"
    if registration.badge_printed_at is not None and set(changed) & set(ON_BADGE):
        registration.badge_reprint = True
        note += "; Namensschild neu drucken"
    registration.history.append(RegistrationHistory(action="details_changed", actor=by[:254], note=note))
    if "email" in changed:
        registration.manage_token = new_token()
        send_to_attendee(registration, "address_changed")
    db.session.commit()
    return changed
