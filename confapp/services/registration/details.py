"""Organisers' view of registrations: find them within one network, list with filters, edit details.

Seats, waitlists and e-mails stay with ``registration``; this module only reads and edits the
attendee's details (name, organisation, sector), which never touch seats. Every lookup takes the
caller's network: a registration of another network does not exist for it.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from confapp.extensions import db
from confapp.models import Assignment, Event, Network, Registration, RegistrationHistory, RegistrationStatus
from confapp.services.registration.choices import Choices, choice_problems
from confapp.services.registration.rules import PRINTED, printable
from confapp.services.registration.change import (InvalidRegistration, RegistrationData, RegistrationError,
                                           change_choices, registration_problems)

#: Details organisers may change by hand (the address is the attendee's key and stays).
EDITABLE = ("first_name", "last_name", "organisation", "sector")
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
        raise RegistrationError("Diese Anmeldung ist storniert.")
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
