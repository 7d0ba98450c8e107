"""Looking at a registration as its attendee does: the manage link, wishes and seats per slot,
waitlist place, and whether it can still be changed or cancelled; and who waits for which workshop
(direct mode). Read-only; changes go through ``services.registration.change``.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, exists, func, select

from confapp.extensions import db
from confapp.models import (Assignment, ChoiceMode, Event, Preference, ProgramItem, Registration, RegistrationStatus,
                            Slot)
from confapp.services.registration.choices import Choices


@dataclass(frozen=True)
class SlotChoice:
    """One choice slot of a registration as attendees see it."""

    slot: Slot
    #: Wishes in rank order (direct mode: the one workshop chosen).
    wishes: list[ProgramItem]
    #: The workshop the attendee has a seat in, if any.
    assigned: ProgramItem | None

    @property
    def waiting(self) -> bool:
        """Direct mode: chose a workshop that was full and waits for a seat."""
        return self.assigned is None and bool(self.wishes)


def find_by_manage_token(token: str) -> Registration | None:
    """The registration behind a manage link; None for unknown, malformed or erased tokens."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Registration).where(Registration.manage_token == token))


def manage_url(registration: Registration) -> str:
    """The attendee's private link (absolute, for e-mails)."""
    return f"{current_app.config['BASE_URL']}{manage_path(registration)}"


def manage_path(registration: Registration) -> str:
    return f"/e/{registration.event.slug}/anmeldung/{registration.manage_token}"


def slot_choices(registration: Registration) -> list[SlotChoice]:
    """The registration's wishes and seats per choice slot of its event, in program order."""
    wishes: dict[int, list[Preference]] = defaultdict(list)
    for preference in registration.preferences:
        wishes[preference.slot_id].append(preference)
    assigned = {assignment.slot_id: assignment.program_item for assignment in registration.assignments}
    return [SlotChoice(slot, [p.program_item for p in sorted(wishes[slot.id], key=lambda p: p.rank)],
                       assigned.get(slot.id))
            for slot in registration.event.choice_slots]


def current_choices(registration: Registration) -> Choices:
    """The registration's wishes as ``{slot_id: [item_id, …]}`` (to prefill the change form)."""
    choices: dict[int, list[int | None]] = defaultdict(list)
    for preference in sorted(registration.preferences, key=lambda p: (p.slot_id, p.rank)):
        choices[preference.slot_id].append(preference.program_item_id)
    return dict(choices)


def waitlist_position(registration: Registration) -> int | None:
    """1 for the next to move up; None unless the registration is on the event's waitlist.

    Counts what the database holds, so it is right too for a registration whose new state is
    not written yet (registering, under the event's lock: the others on the waitlist are ahead).
    """
    if registration.status != RegistrationStatus.waitlisted:
        return None
    ahead = db.session.scalar(_WAITING_AHEAD, {
        "event_id": registration.event_id, "created_at": registration.created_at,
        "registration_id": registration.id or 0})  # 0: not written yet, no row's id
    return (ahead or 0) + 1


def _waiting_ahead():
    table = Registration.__table__
    created_at = bindparam("created_at", type_=table.c.created_at.type)
    return select(func.count()).select_from(table).where(
        table.c.event_id == bindparam("event_id"), table.c.status == RegistrationStatus.waitlisted,
        table.c.id != bindparam("registration_id"),  # its stored time may be older than the one about to be written
        (table.c.created_at < created_at) | ((table.c.created_at == created_at) & (table.c.id < bindparam("registration_id"))))


#: Built once: every registration on the waitlist asks (its e-mail names the place), under the
#: event's lock, and building it cost more than running it.
_WAITING_AHEAD = _waiting_ahead()


def wish_counts(event: Event) -> dict[int, int]:
    """How many active registrations wished each program item (any rank): how popular it is."""
    return dict(db.session.execute(
        select(Preference.program_item_id, func.count())
        .join(Registration, Registration.id == Preference.registration_id)
        .where(Registration.event_id == event.id, Registration.status != RegistrationStatus.cancelled)
        .group_by(Preference.program_item_id)).all())


def can_change(registration: Registration) -> bool:
    """Attendees change their wishes or workshop while registration is open, and (ranked mode)
    until workshops are assigned: new wishes would change nothing once a seat is given."""
    return (registration.status != RegistrationStatus.cancelled and registration.event.registration_open()
            and not seats_assigned_from_wishes(registration))


def seats_assigned_from_wishes(registration: Registration) -> bool:
    """Ranked mode and a workshop already assigned: the wishes have done their work."""
    return registration.event.choice_mode == ChoiceMode.ranked and bool(registration.assignments)


def can_correct(registration: Registration) -> bool:
    """Attendees correct their details (a misspelled name goes on badge and certificate) as long
    as the registration stands and the event's data is not deleted."""
    return registration.status != RegistrationStatus.cancelled and registration.event.purged_at is None


def can_cancel(registration: Registration) -> bool:
    """Attendees cancel themselves until the event begins."""
    return (registration.status != RegistrationStatus.cancelled
            and registration.event.local_now() < registration.event.starts_at)


@dataclass(frozen=True)
class WorkshopWaitlist:
    """Direct mode: a workshop and the confirmed attendees waiting for one of its seats."""

    item: ProgramItem
    #: In the order they chose the workshop (the order they move up in).
    waiting: list[Registration]


def workshop_waitlists(event: Event) -> list[WorkshopWaitlist]:
    """Every choice item of a direct-mode event with its waitlist, in program order (empty lists
    included); nobody waits in ranked mode, where the organiser assigns the seats."""
    if event.choice_mode != ChoiceMode.direct:
        return []
    seated = exists().where(Assignment.registration_id == Preference.registration_id,
                            Assignment.slot_id == Preference.slot_id)
    waiting: dict[int, list[Registration]] = defaultdict(list)
    for item_id, registration in db.session.execute(
            select(Preference.program_item_id, Registration).join(Registration)
            .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.confirmed,
                   Preference.rank == 1, ~seated)
            .order_by(Preference.id)):
        waiting[item_id].append(registration)
    return [WorkshopWaitlist(item, waiting[item.id]) for slot in event.choice_slots for item in slot.choice_items]
