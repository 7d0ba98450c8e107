"""Workshop attendance: who was in the room, marked there; certificates list these workshops.

Who may mark: door roles (admin, organiser, checkin) of the event's network. Workshop leaders
would mark their own workshop only, but the back office has no link yet between a leader's
account and a workshop, so they cannot mark anything until it does.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from confapp.database import begin_write
from confapp.extensions import db
from confapp.models import (Assignment, Attendance, Event, ProgramItem, Registration, RegistrationHistory,
                            RegistrationStatus, Slot, User)
from confapp.services.networks import access


@dataclass
class AttendanceRow:
    registration: Registration
    #: Assigned to this workshop (someone may also turn up in another one).
    assigned: bool
    present: bool


def may_mark(user: User, item: ProgramItem) -> bool:
    """Whether the user may mark attendance in this workshop (see the module docstring)."""
    return access.may(user, item.slot.event.network, access.DOOR)


def item_or_404(user: User, event: Event, item_id: int) -> ProgramItem:
    """A workshop or theme table of this event whose attendance the user may mark; else 404."""
    item = db.session.get(ProgramItem, item_id)
    if item is None or item.slot.event_id != event.id or not item.kind.is_choice or not may_mark(user, item):
        abort(404)
    return item


def attendance_list(user: User, item: ProgramItem) -> list[AttendanceRow]:
    """Confirmed people assigned to the workshop, and anyone else marked present there, by name."""
    if not may_mark(user, item):
        abort(404)
    assigned_ids = set(db.session.scalars(
        select(Assignment.registration_id).join(Registration, Registration.id == Assignment.registration_id)
        .where(Assignment.program_item_id == item.id, Registration.status == RegistrationStatus.confirmed)))
    present_ids = set(db.session.scalars(
        select(Attendance.registration_id).where(Attendance.program_item_id == item.id)))
    people = db.session.scalars(
        select(Registration).where(Registration.id.in_(assigned_ids | present_ids))
        .order_by(func.lower(Registration.last_name), func.lower(Registration.first_name), Registration.id))
    return [AttendanceRow(person, person.id in assigned_ids, person.id in present_ids) for person in people]


def _marking(user: User, item: ProgramItem, registration_id: int) -> Registration:
    """The registration to mark, after the permission checks, in a fresh write transaction."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != item.slot.event_id or not may_mark(user, item):
        abort(404)
    begin_write()
    return registration


def mark_present(user: User, item: ProgramItem, registration_id: int) -> bool:
    """Mark a person present in the workshop; False if they already were (two devices, one mark)."""
    registration = _marking(user, item, registration_id)
    try:
        with db.session.begin_nested():
            db.session.add(Attendance(registration_id=registration.id, program_item_id=item.id, marked_by=user.email))
            db.session.add(RegistrationHistory(registration_id=registration.id, action="attendance_marked",
                                               actor=user.email, note=item.title))
    except IntegrityError:  # the unique constraint: someone marked them a moment ago
        db.session.rollback()
        return False
    db.session.commit()
    return True


def mark_absent(user: User, item: ProgramItem, registration_id: int) -> bool:
    """Take a presence mark back; False if there was none."""
    registration = _marking(user, item, registration_id)
    removed = db.session.execute(delete(Attendance).where(
        Attendance.registration_id == registration.id, Attendance.program_item_id == item.id)).rowcount == 1
    if removed:
        db.session.add(RegistrationHistory(registration_id=registration.id, action="attendance_unmarked",
                                           actor=user.email, note=item.title))
    db.session.commit()
    return removed


def attended_items(registration: Registration) -> list[ProgramItem]:
    """The workshops and theme tables the person was marked present in, in program order (certificates)."""
    return list(db.session.scalars(
        select(ProgramItem).join(Attendance, Attendance.program_item_id == ProgramItem.id).join(Slot)
        .where(Attendance.registration_id == registration.id)
        .options(selectinload(ProgramItem.room))
        .order_by(Slot.starts_at, Slot.id, ProgramItem.position, ProgramItem.id)))
