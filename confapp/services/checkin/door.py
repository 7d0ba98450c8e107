"""Door check-in: finding a person by badge or name, checking in and undoing it, live counts.

The database decides who checked in first: a check-in is one conditional ``UPDATE … WHERE
checked_in_at IS NULL`` in a write transaction (``database.begin_write``), so two phones scanning
the same badge at the same moment make one check-in and the other learns when and by whom.
Every check-in and undo is written to the registration's history in the same transaction.
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import datetime

from flask import abort
from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import selectinload

from confapp.database import begin_write
from confapp.extensions import db
from confapp.formatting import local_moment
from confapp.models import (Assignment, Attendance, Event, ProgramItem, Registration, RegistrationHistory,
                            RegistrationStatus, Role, Slot, User, utcnow)
from confapp.services.checkin.door_codes import door_code, typed_door_code
from confapp.services.networks import access
from confapp.services.registration import change as registration_service
from confapp.services.registration import register as registering
from confapp.services.registration import seats
from confapp.services.registration.register import RegistrationResult
from confapp.services.registration.change import RegistrationData

#: Characters of a badge token (``secrets.token_urlsafe``); anything else in a scanned code is not one.
_TOKEN = re.compile(r"(?:/c/)?([A-Za-z0-9_-]{16,64})/?$")
SEARCH_LIMIT = 30
MAX_QUERY_LENGTH = 100


class Outcome(enum.Enum):
    #: A badge the user may see (the person page says whether they are checked in).
    found = "found"
    #: Checked in just now.
    checked_in = "checked_in"
    #: Someone (maybe another device) checked this person in before.
    already = "already"
    #: The registration exists but is not confirmed (cancelled or on the waitlist).
    not_admitted = "not_admitted"
    #: A badge of another event, or of a network the user has no door role in.
    not_for_event = "not_for_event"
    #: Not a badge code of this system.
    unknown = "unknown"
    #: A check-in taken back.
    undone = "undone"
    #: Undo asked for someone who is not checked in.
    not_checked_in = "not_checked_in"

    @property
    def tone(self) -> str:
        """How the door shows it: ``ok`` (green), ``warn`` (amber) or ``bad`` (red)."""
        if self in (Outcome.found, Outcome.checked_in, Outcome.undone):
            return "ok"
        if self in (Outcome.already, Outcome.not_checked_in):
            return "warn"
        return "bad"


@dataclass
class CheckinResult:
    outcome: Outcome
    #: None when the code found nobody the user may see.
    registration: Registration | None = None


@dataclass
class ItemCount:
    item: ProgramItem
    #: Confirmed registrations assigned to the item.
    assigned: int = 0
    #: Of those, how many are checked in at the door.
    checked_in: int = 0
    #: Marked present in the room.
    present: int = 0


@dataclass
class EventCounts:
    expected: int
    checked_in: int
    items: list[ItemCount] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"expected": self.expected, "checked_in": self.checked_in,
                "items": {str(c.item.id): {"assigned": c.assigned, "checked_in": c.checked_in,
                                           "present": c.present} for c in self.items}}


def door_events(user: User) -> list[Event]:
    """The events the user may work the door of: today's first, then upcoming ones (soonest
    first), then past ones (latest first). "Today" is the date at each event's own place."""
    events = access.events_for(user, access.DOOR)

    def today(event: Event) -> bool:
        day = event.local_now().date()
        return event.starts_at.date() <= day <= event.ends_at.date()

    running = [e for e in events if today(e)]
    upcoming = sorted((e for e in events if not today(e) and e.starts_at > e.local_now()), key=lambda e: e.starts_at)
    past = [e for e in events if e not in running and e not in upcoming]  # events_for: newest first
    return sorted(running, key=lambda e: e.starts_at) + upcoming + past


def only_at_the_door(user: User) -> bool:
    """The user's only role, in every network, is door staff (checkin)."""
    return bool(user.memberships) and all(m.role == Role.checkin for m in user.memberships)


def door_start(user: User) -> Event | None:
    """Where door staff start after signing in: the scanner of today's event, or of the next one
    if none is today; None when that is not clear (several today, or none ahead): the list then."""
    events = door_events(user)
    ahead = [e for e in events if e.ends_at.date() >= e.local_now().date()]
    today = [e for e in ahead if e.starts_at.date() <= e.local_now().date()]
    if len(today) == 1 or (not today and ahead):
        return (today or ahead)[0]
    return None


def door_event_or_404(user: User, slug: str) -> Event:
    """The event if the user may work its door (admin, organiser or checkin role); else 404."""
    return access.event_or_404(user, slug, access.DOOR)


def _require_door(user: User, event: Event) -> None:
    if not access.may(user, event.network, access.DOOR):
        abort(404)


def token_from_code(code: str) -> str | None:
    """The badge token in a scanned code: a badge URL (``…/c/<token>``) or the bare token."""
    match = _TOKEN.search((code or "").strip())
    return match.group(1) if match else None


def badge(user: User, code: str, event: Event | None = None) -> CheckinResult:
    """Whom a badge code belongs to, as far as the user may know.

    A badge of another network (or, with ``event``, of another event) is ``not_for_event`` and
    reveals nothing about the person; a code that is no badge is ``unknown``.
    """
    token = token_from_code(code)
    registration = token and db.session.scalar(
        select(Registration).where(Registration.badge_token == token)
        .options(selectinload(Registration.event).selectinload(Event.network)))
    if not registration:
        return CheckinResult(Outcome.unknown)
    if not access.may(user, registration.event.network, access.DOOR) or (event and registration.event_id != event.id):
        return CheckinResult(Outcome.not_for_event)
    return CheckinResult(Outcome.found, registration)


def registration_or_404(user: User, event: Event, registration_id: int) -> Registration:
    """A registration of this event the user may check in; 404 for anything else."""
    _require_door(user, event)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


def check_in(user: User, registration: Registration) -> CheckinResult:
    """Check a confirmed attendee in, unless someone already did (then say when and by whom)."""
    _require_door(user, registration.event)
    return _check_in(registration, user.email)


def check_in_badge_for_event(event: Event, code: str, actor: str) -> CheckinResult:
    """Check in by badge code for a caller already authorised for ``event`` (an API token of its network).

    A badge of any other event is ``not_for_event`` and reveals nobody.
    """
    token = token_from_code(code)
    registration = token and db.session.scalar(
        select(Registration).where(Registration.badge_token == token))
    if not registration:
        return CheckinResult(Outcome.unknown)
    if registration.event_id != event.id:
        return CheckinResult(Outcome.not_for_event)
    return _check_in(registration, actor)


def _check_in(registration: Registration, actor: str) -> CheckinResult:
    begin_write()
    changed = db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.checked_in_at.is_(None),
               Registration.status == RegistrationStatus.confirmed)
        .values(checked_in_at=utcnow(), checked_in_by=actor[:254])
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if changed:
        db.session.add(RegistrationHistory(registration_id=registration.id, action="checked_in",
                                           actor=actor))
    db.session.commit()
    db.session.refresh(registration)
    if changed:
        return CheckinResult(Outcome.checked_in, registration)
    if registration.checked_in_at is not None:
        return CheckinResult(Outcome.already, registration)
    return CheckinResult(Outcome.not_admitted, registration)


def undo_check_in(user: User, registration: Registration) -> CheckinResult:
    """Take a check-in back (a wrong person scanned, a mistaken tap); the history keeps both."""
    _require_door(user, registration.event)
    begin_write()
    before_at, before_by = registration.checked_in_at, registration.checked_in_by
    changed = db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.checked_in_at.is_not(None))
        .values(checked_in_at=None, checked_in_by=None)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if changed:
        # Stored in German like every history note; the time as the door saw it (the event's zone).
        note = (f"war eingecheckt am {local_time(registration.event, before_at):%d.%m.%Y um %H:%M} Uhr "
                f"von {before_by}") if before_at else ""
        db.session.add(RegistrationHistory(registration_id=registration.id, action="checkin_undone",
                                           actor=user.email, note=note))
    db.session.commit()
    db.session.refresh(registration)
    return CheckinResult(Outcome.undone if changed else Outcome.not_checked_in, registration)


def open_badge(user: User, code: str) -> CheckinResult:
    """A badge link opened by door staff: who it is, checked in at once if the event says so."""
    result = badge(user, code)
    if result.registration and result.registration.event.checkin_on_open:
        return check_in(user, result.registration)
    return result


def scan(user: User, event: Event, code: str) -> CheckinResult:
    """A code scanned at this event's door, or the door code typed from under the QR code:
    check the person in if it is their badge."""
    _require_door(user, event)
    result = badge(user, code, event)
    typed = typed_door_code(code) if result.outcome == Outcome.unknown else None
    if typed:
        tokens = db.session.scalars(select(Registration.badge_token).where(Registration.event_id == event.id))
        owners = [token for token in tokens if door_code(token) == typed]
        if len(owners) == 1:  # two badges sharing a code: the search lists both
            result = badge(user, owners[0], event)
    return check_in(user, result.registration) if result.registration else result


@dataclass
class WalkIn:
    #: The registration service's answer (``created`` False: the address was registered already).
    registration: RegistrationResult
    #: The check-in that followed; None when the person got no seat (waitlisted).
    checkin: CheckinResult | None


@dataclass
class DoorSlot:
    """A slot of parallel workshops and those of them the door can still offer."""

    slot: Slot
    #: Workshops (or theme tables) with a free seat, in program order.
    items: list[ProgramItem]


def workshops_with_seats(event: Event) -> list[DoorSlot]:
    """What a walk-in may choose: per slot of parallel workshops, those with a free seat; slots
    where every workshop is full are left out. The seat itself is decided when registering."""
    slots = []
    for slot in event.choice_slots:
        free = [item for item in slot.choice_items if seats.item_has_room(item)]
        if free:
            slots.append(DoorSlot(slot, free))
    return slots


def register_walk_in(user: User, event: Event, data: RegistrationData) -> WalkIn:
    """Register someone at the door through the registration service and check them in if they
    got a seat. The workshop chosen in a slot (``data.choices``, one per slot) is a seat at once,
    or nothing is registered. Raises what ``registering.register`` raises (``InvalidRegistration``,
    ``SeatUnavailable`` when a chosen workshop filled up meanwhile)."""
    _require_door(user, event)
    result = registering.register(event, data, by_organiser=True, actor=user.email, seats_or_nothing=True)
    person = result.registration
    if person.status != RegistrationStatus.confirmed:
        return WalkIn(result, None)
    return WalkIn(result, check_in(user, person))


def set_checkin_on_open(user: User, event: Event, enabled: bool) -> None:
    """Organisers decide whether opening a badge link checks in at once."""
    if not access.may(user, event.network, access.ORGANISERS):
        abort(404)
    event.checkin_on_open = enabled
    db.session.commit()


def may_change_settings(user: User, event: Event) -> bool:
    return access.may(user, event.network, access.ORGANISERS)


def search(user: User, event: Event, query: str) -> list[Registration]:
    """Registrations whose name or organisation contains every word of the query, by last name,
    and the one whose badge shows the query as its door code (see ``door_codes``).

    Matching happens in Python with Unicode case folding ("über" finds "Übermuth"), which neither
    SQLite's nor a C-collated PostgreSQL's ``lower()`` does; an event has hundreds of people, not
    millions. Cancelled registrations are found too, so the desk can say why someone is not admitted.
    """
    _require_door(user, event)
    query = (query or "")[:MAX_QUERY_LENGTH]
    words = [word.casefold() for word in query.split()][:5]
    if not words:
        return []
    code = typed_door_code(query)
    rows = db.session.execute(select(Registration.id, Registration.first_name, Registration.last_name,
                                     Registration.organisation, Registration.badge_token)
                              .where(Registration.event_id == event.id))
    matches = sorted((row.last_name.casefold(), row.first_name.casefold(), row.id) for row in rows
                     if all(word in f"{row.first_name} {row.last_name} {row.organisation}".casefold()
                            for word in words) or (code and door_code(row.badge_token) == code))[:SEARCH_LIMIT]
    if not matches:
        return []
    found = {r.id: r for r in db.session.scalars(select(Registration).where(
        Registration.id.in_([match[2] for match in matches])))}
    return [found[match[2]] for match in matches]


def assignments_of(registration: Registration) -> list[Assignment]:
    """The person's workshops and theme tables with their rooms, in program order."""
    return sorted(registration.assignments, key=lambda a: (a.slot.starts_at, a.slot.id))


def choice_items(event: Event) -> list[ProgramItem]:
    """Workshops and theme tables of the event, in program order."""
    items = db.session.scalars(
        select(ProgramItem).join(Slot).where(Slot.event_id == event.id)
        .options(selectinload(ProgramItem.room), selectinload(ProgramItem.slot))
        .order_by(Slot.starts_at, Slot.id, ProgramItem.position, ProgramItem.id))
    return [item for item in items if item.kind.is_choice]


def _confirmed(event: Event):
    return and_(Registration.event_id == event.id, Registration.status == RegistrationStatus.confirmed)


def totals(user: User, event: Event) -> EventCounts:
    """Checked in / expected for the whole event only (one query: the scanner asks after every scan)."""
    _require_door(user, event)
    expected, checked_in = db.session.execute(
        select(func.count(), func.count(Registration.checked_in_at)).where(_confirmed(event))).one()
    return EventCounts(expected, checked_in)


def counts(user: User, event: Event) -> EventCounts:
    """Checked in / expected for the event, and assigned / checked in / present per workshop."""
    result = totals(user, event)
    confirmed = _confirmed(event)
    per_item = {item.id: ItemCount(item) for item in choice_items(event)}
    assigned_rows = db.session.execute(
        select(Assignment.program_item_id, func.count(), func.count(Registration.checked_in_at))
        .join(Registration, Registration.id == Assignment.registration_id)
        .where(confirmed).group_by(Assignment.program_item_id))
    for item_id, assigned, arrived in assigned_rows:
        if item_id in per_item:
            per_item[item_id].assigned, per_item[item_id].checked_in = assigned, arrived
    present_rows = db.session.execute(
        select(Attendance.program_item_id, func.count())
        .join(Registration, Registration.id == Attendance.registration_id)
        .where(Registration.event_id == event.id).group_by(Attendance.program_item_id))
    for item_id, present in present_rows:
        if item_id in per_item:
            per_item[item_id].present = present
    result.items = list(per_item.values())
    return result


def local_time(event: Event, moment: datetime | None) -> datetime | None:
    """A stored UTC timestamp as wall-clock time at the event's place."""
    return local_moment(moment, event)

