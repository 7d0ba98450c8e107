"""The organiser's registrations table: search, filters, sorting and pages, done in the database."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from confapp.extensions import db
from confapp.models import Assignment, Event, Preference, Registration, RegistrationStatus

PAGE_SIZE = 50
#: Sort keys the table offers: column name → order.
SORTS = {
    "name": (Registration.last_name, Registration.first_name, Registration.id),
    "organisation": (Registration.organisation, Registration.last_name, Registration.id),
    "sector": (Registration.sector, Registration.last_name, Registration.id),
    "status": (Registration.status, Registration.created_at, Registration.id),
    "created": (Registration.created_at, Registration.id),
    "-created": (Registration.created_at.desc(), Registration.id.desc()),
}


@dataclass
class RegistrationFilter:
    """What the organiser asked for; empty values filter nothing."""

    q: str = ""
    status: str = ""
    sector: str = ""
    #: Only registrations without an assignment in this slot.
    unassigned_slot_id: int | None = None
    #: Only registrations assigned to (or, with ``wished``, wishing for) this workshop.
    item_id: int | None = None
    wished: bool = False
    #: Only the waitlist, in the order it is promoted (first come first).
    waitlist: bool = False
    sort: str = "name"
    page: int = 1


@dataclass
class RegistrationPage:
    rows: list[Registration]
    total: int
    page: int
    pages: int


def conditions(event: Event, wanted: RegistrationFilter) -> list:
    found = [Registration.event_id == event.id]
    if wanted.q.strip():
        pattern = f"%{wanted.q.strip().lower()[:100]}%"
        found.append(or_(*(func.lower(column).like(pattern) for column in (
            Registration.first_name, Registration.last_name, Registration.email, Registration.organisation,
            Registration.first_name + " " + Registration.last_name))))
    if wanted.status in {status.value for status in RegistrationStatus}:
        found.append(Registration.status == RegistrationStatus(wanted.status))
    if wanted.waitlist:
        found.append(Registration.status == RegistrationStatus.waitlisted)
    if wanted.sector:
        found.append(Registration.sector == wanted.sector)
    if wanted.unassigned_slot_id:
        found.append(~exists().where(Assignment.registration_id == Registration.id,
                                          Assignment.slot_id == wanted.unassigned_slot_id))
    if wanted.item_id:
        table = Preference if wanted.wished else Assignment
        found.append(exists().where(and_(table.registration_id == Registration.id,
                                              table.program_item_id == wanted.item_id)))
    return found


def search(event: Event, wanted: RegistrationFilter) -> RegistrationPage:
    """One page of the event's registrations matching ``wanted``."""
    where = conditions(event, wanted)
    total = db.session.scalar(select(func.count()).select_from(Registration).where(*where)) or 0
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(wanted.page, 1), pages)
    order = SORTS["created"] if wanted.waitlist else SORTS.get(wanted.sort, SORTS["name"])
    rows = list(db.session.scalars(
        select(Registration).where(*where).order_by(*order)
        .options(selectinload(Registration.assignments).selectinload(Assignment.program_item))
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    return RegistrationPage(rows=rows, total=total, page=page, pages=pages)


def registration_or_404(event: Event, registration_id: int) -> Registration:
    """A registration of this event (the caller has checked the user may see the event)."""
    registration = db.session.scalar(
        select(Registration).where(Registration.id == registration_id, Registration.event_id == event.id)
        .options(selectinload(Registration.preferences), selectinload(Registration.assignments),
                 selectinload(Registration.history)))
    if registration is None:
        abort(404)
    return registration
