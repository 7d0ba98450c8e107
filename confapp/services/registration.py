"""Registration (Anmeldung): register, change choices, cancel, promote from the waitlist, move.

Every function here that changes seats runs in one transaction started by ``seats.lock_event``
and commits it together with the history rows and the e-mails it queues (outbox), so an attendee
is never told something that did not happen, and nothing that happened goes untold.

Waitlists: the event's waitlist is the waitlisted registrations, oldest first. In direct mode a
confirmed attendee who chose a full workshop waits for it: their wish (a ``Preference``) stands
without an ``Assignment`` in that slot, in the order the wishes were made.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from confapp.extensions import db
from confapp.models import (Assignment, AssignmentSource, ChoiceMode, Event, Preference, ProgramItem,
                            Registration, RegistrationHistory, RegistrationStatus, new_token, utcnow)
from confapp.services import legal, seats
from confapp.services.calendar import calendar_attachment
from confapp.services.choices import Choices, choice_problems, normalised
from confapp.services.mail import RenderedEmail, queue_from_template, queue_rendered, render_email
from confapp.services.registration_lookup import current_choices, manage_url, slot_choices, waitlist_position
# The rules and errors live in registration_rules; callers may import them from here as well.
from confapp.services.registration_rules import (LIMITS, InvalidRegistration, RegistrationClosed,  # noqa: F401
                                                 RegistrationData, RegistrationError, SeatUnavailable,
                                                 registration_problems)

#: ``actor`` of changes the attendee made through the form or the manage link.
ATTENDEE = "attendee"
#: ``actor`` of consequences nobody asked for directly (promotion after a cancellation).
SYSTEM = "system"


@dataclass
class RegistrationResult:
    registration: Registration
    #: False when the address was registered already: nothing changed, the manage link was resent.
    created: bool
    #: Direct mode: full workshops the attendee now waits for.
    workshop_waitlists: list[ProgramItem] = field(default_factory=list)

    @property
    def waitlisted(self) -> bool:
        return self.registration.status == RegistrationStatus.waitlisted


# --- changing --------------------------------------------------------------------------------

def register(event: Event, data: RegistrationData, *, by_organiser: bool = False,
             actor: str = ATTENDEE) -> RegistrationResult:
    """Register for ``event``: a seat if one is free, else the waitlist; the e-mail goes with it.

    A second registration with the same address changes nothing and resends the manage link
    (the caller shows the same page either way). ``by_organiser`` (organisers adding someone by
    hand, walk-ins at the door) skips the published/registration-window check and the consent
    requirement. Raises ``RegistrationClosed`` or ``InvalidRegistration``; commits.
    """
    if not by_organiser and not event.registration_open():
        raise RegistrationClosed("Die Anmeldung für diese Veranstaltung ist geschlossen.")
    invalid = registration_problems(event, data, by_organiser)
    if invalid:
        raise invalid
    new = _NewRegistration(data, normalised(event, data.choices), data.email.strip().lower(),
                           legal.privacy_version(event), actor)
    try:
        return _register(event, new)
    except IntegrityError:
        # PostgreSQL: someone registered the same address at the same moment and committed
        # first. Once more from the start, it is an existing registration now.
        db.session.rollback()
        return _register(event, new)


@dataclass(frozen=True)
class _NewRegistration:
    """What ``register`` has checked and prepared before its transaction starts."""

    data: RegistrationData
    choices: dict[int, list[int]]
    email: str
    consent_version: str
    actor: str


def _register(event: Event, new: _NewRegistration) -> RegistrationResult:
    # What the likely outcome writes is made before the transaction, e-mail included, while no
    # lock is held: on SQLite the whole write transaction holds the database's write lock, on
    # PostgreSQL the seat decisions hold the event's row lock, and either bounds registrations
    # per second. Under the lock only the seats are taken; if they went meanwhile, it is undone
    # and done again the careful way (``_register_locked``).
    draft = _Draft.for_likely_outcome(event, new)
    # The program read so far stays loaded; the registration with this address is read afresh.
    seats.begin_before_lock()
    existing = db.session.scalar(select(Registration).where(Registration.event_id == event.id,
                                                            Registration.email == new.email)
                                 .execution_options(populate_existing=True))
    if existing is not None and existing.status != RegistrationStatus.cancelled:
        queue_from_template("already_registered", existing.email, event=event, registration=existing,
                            manage_url=manage_url(existing))
        _note(existing, "link_resent", actor=new.actor, note="Erneute Anmeldung mit derselben Adresse")
        db.session.commit()
        return RegistrationResult(existing, created=False)
    if draft is not None and existing is None:
        with db.session.no_autoflush:
            attempt = db.session.begin_nested()
            draft.write(new)
            seats.lock_loaded_event(event)
            if _take_seats(event, draft.items) == draft.seats:
                attempt.commit()
                db.session.commit()
                return RegistrationResult(draft.registration, created=True, workshop_waitlists=draft.waiting)
            attempt.rollback()
    return _register_locked(event, new, existing)


def _register_locked(event: Event, new: _NewRegistration, existing: Registration | None) -> RegistrationResult:
    """The registration, its seats and e-mail written in the transaction, outcome decided under the lock."""
    registration = existing or _new_registration(event, new)
    previous = registration.status.value if existing else None
    if existing:  # someone who cancelled registers again: same row, back of the queue
        registration.preferences.clear()
        db.session.flush()
        registration.created_at = utcnow()
        _fill(registration, new)
    db.session.add(registration)
    _record_consents(registration, new)
    db.session.flush()
    # Seats are decided by conditional UPDATEs that need nothing pending: what changes from here
    # on is written in one go at the commit, not flushed before every statement.
    with db.session.no_autoflush:
        items = _chosen_workshops(registration)
        seats.lock_loaded_event(event)
        waiting = _apply_outcome(registration, items, _take_seats(event, items))
        _note_outcome(registration, waiting, previous, new.actor)
        send_to_attendee(registration, "registered", waiting=waiting)
    db.session.commit()
    return RegistrationResult(registration, created=True, workshop_waitlists=waiting)


@dataclass
class _Draft:
    """A new registration as its likely outcome will write it, made before any lock is taken."""

    registration: Registration
    items: list[ProgramItem]
    seats: _Seats
    waiting: list[ProgramItem]
    email: RenderedEmail

    @classmethod
    def for_likely_outcome(cls, event: Event, new: _NewRegistration) -> _Draft | None:
        """From the seat counts read with the event; None when the event looks full (the waitlist
        place in the e-mail needs the lock), or when the address may be registered already."""
        if not seats.event_has_room(event):
            return None
        registration = _new_registration(event, new)
        items = _chosen_workshops(registration)
        likely = _Seats(True, tuple(seats.item_has_room(item) for item in items))
        waiting = _apply_outcome(registration, items, likely)
        return cls(registration, items, likely, waiting, attendee_email(registration, "registered", waiting=waiting))

    def write(self, new: _NewRegistration) -> None:
        db.session.add(self.registration)
        _record_consents(self.registration, new)
        _note_outcome(self.registration, self.waiting, None, new.actor)
        queue_rendered(self.email, self.registration.event, self.registration)
        db.session.flush()


def _new_registration(event: Event, new: _NewRegistration) -> Registration:
    """Not yet in the session; empty collections, so nothing is read back for them later."""
    registration = Registration(event=event, email=new.email, preferences=[], assignments=[],
                                manage_token=new_token(), created_at=utcnow(),
                                status=RegistrationStatus.waitlisted)  # until a seat is taken
    _fill(registration, new)
    return registration


def _fill(registration: Registration, new: _NewRegistration) -> None:
    data = new.data
    registration.first_name, registration.last_name = data.first_name.strip(), data.last_name.strip()
    registration.organisation, registration.sector = data.organisation.strip(), data.sector.strip()
    registration.photo_consent = data.photo_consent
    registration.needs_consent_at = utcnow() if data.needs_consent else None
    registration.diet = data.diet.strip() if data.needs_consent else ""
    registration.access_needs = data.access_needs.strip() if data.needs_consent else ""
    registration.privacy_consent_at = utcnow() if data.privacy_consent else None
    _add_wishes(registration, new.choices)


def _record_consents(registration: Registration, new: _NewRegistration) -> None:
    for kind, given in (("privacy", new.data.privacy_consent), ("photo", new.data.photo_consent),
                        ("needs", new.data.needs_consent)):
        if given:
            legal.record_consent(registration, kind, version=new.consent_version)


@dataclass(frozen=True)
class _Seats:
    """A new registration's seats: the event's, and one per chosen workshop (direct mode)."""

    event: bool
    workshops: tuple[bool, ...]


def _chosen_workshops(registration: Registration) -> list[ProgramItem]:
    """Direct mode: the workshop chosen in each slot that has no seat yet, in program order."""
    if registration.event.choice_mode != ChoiceMode.direct:
        return []
    seated = {assignment.slot_id for assignment in registration.assignments}
    return [preference.program_item for preference in registration.preferences
            if preference.rank == 1 and preference.slot_id not in seated]


def _take_seats(event: Event, items: list[ProgramItem]) -> _Seats:
    """Take the event's seat and then, with it, each workshop's; what was free."""
    if not seats.take_event_seat(event):
        return _Seats(False, tuple(False for _ in items))
    return _Seats(True, tuple(seats.take_item_seat(item) for item in items))


def _apply_outcome(registration: Registration, items: list[ProgramItem], taken: _Seats) -> list[ProgramItem]:
    """Status and workshop seats of a new registration; returns the full workshops it waits for."""
    registration.status = RegistrationStatus.confirmed if taken.event else RegistrationStatus.waitlisted
    if not taken.event:
        return []
    for item, seated in zip(items, taken.workshops):
        if seated:
            _seat(registration, item)
    return [item for item, seated in zip(items, taken.workshops) if not seated]


def _note_outcome(registration: Registration, waiting: list[ProgramItem], previous: str | None, actor: str) -> None:
    for item in waiting:
        _note(registration, "workshop_waitlisted", actor=actor, note=item.title)
    _note(registration, "registered", previous, registration.status.value, actor)


def change_choices(registration: Registration, choices: Choices, *, by: str = ATTENDEE) -> list[ProgramItem]:
    """Replace the registration's wishes (ranked) or workshops (direct) slot by slot.

    Unchanged slots keep their seat and waitlist place; a workshop given up frees its seat for the
    next on its waitlist. Attendees (``by=ATTENDEE``) may do this only while registration is open.
    Returns the full workshops the attendee now waits for. Commits.
    """
    event = registration.event
    if registration.status == RegistrationStatus.cancelled:
        raise RegistrationError("Diese Anmeldung ist storniert.")
    if by == ATTENDEE and not event.registration_open():
        raise RegistrationClosed("Die Anmeldung ist geschlossen; Ihre Wahl lässt sich nicht mehr ändern.")
    broken = choice_problems(event, choices)
    if broken:
        raise InvalidRegistration({}, broken)
    wanted = normalised(event, choices)

    event = seats.lock_event(event)
    registration = db.session.get(Registration, registration.id)
    before = current_choices(registration)
    changed = [slot_id for slot_id, items in wanted.items() if before.get(slot_id, []) != items]
    if not changed:
        db.session.commit()
        return _waiting_for(registration)
    for assignment in list(registration.assignments):
        if assignment.slot_id in changed and event.choice_mode == ChoiceMode.direct:
            seats.free_item_seat(assignment.program_item)
            registration.assignments.remove(assignment)
    for preference in list(registration.preferences):
        if preference.slot_id in changed:
            registration.preferences.remove(preference)
    db.session.flush()  # old ranks gone before the new ones take their numbers
    _add_wishes(registration, {slot_id: wanted[slot_id] for slot_id in changed})
    db.session.flush()
    if registration.status == RegistrationStatus.confirmed:
        _take_workshop_seats(registration, by)
    _note(registration, "choices_changed", actor=by, note=_describe(registration))
    _promote(event)
    db.session.commit()
    return _waiting_for(registration)


def cancel(registration: Registration, *, by: str = ATTENDEE) -> list[Registration]:
    """Cancel: the seats go to the next on the waitlists, who are told by e-mail. Returns them.

    The attendee gets a confirmation of the cancellation. Cancelling twice does nothing. Commits.
    """
    event = seats.lock_event(registration.event_id)
    registration = db.session.get(Registration, registration.id)
    if registration.status == RegistrationStatus.cancelled:
        db.session.commit()
        return []
    previous = registration.status
    registration.status = RegistrationStatus.cancelled
    if previous == RegistrationStatus.confirmed:
        seats.free_event_seat(event)
    for assignment in list(registration.assignments):
        seats.free_item_seat(assignment.program_item)
        registration.assignments.remove(assignment)
    _note(registration, "cancelled", previous.value, RegistrationStatus.cancelled.value, by)
    send_to_attendee(registration, "cancelled")
    promoted = _promote(event)
    db.session.commit()
    return promoted


def promote_from_waitlist(event: Event, *, by: str = SYSTEM) -> list[Registration]:
    """Fill free seats from the waitlists in order (after a cancellation or a larger capacity).

    Everyone promoted is told by e-mail. Returns them. Commits.
    """
    event = seats.lock_event(event)
    promoted = _promote(event, by)
    db.session.commit()
    return promoted


def move_to_workshop(registration: Registration, item: ProgramItem, *, by: str) -> Assignment:
    """An organiser puts a confirmed attendee into ``item`` (leaving their seat in its slot).

    Capacity holds for organisers too: raises ``SeatUnavailable`` when ``item`` is full. The new
    assignment is locked, so the optimal assignment keeps it. ``item`` must belong to the
    registration's event (``LookupError`` otherwise); the caller checks the organiser's network.
    Commits.
    """
    if item.slot.event_id != registration.event_id or not item.kind.is_choice:
        raise LookupError("workshop of another event")
    event = seats.lock_event(registration.event_id)
    registration = db.session.get(Registration, registration.id)
    item = db.session.get(ProgramItem, item.id)
    if registration.status != RegistrationStatus.confirmed:
        raise RegistrationError("Nur bestätigte Anmeldungen bekommen einen Platz im Workshop.")
    current = next((a for a in registration.assignments if a.slot_id == item.slot_id), None)
    if current is not None and current.program_item_id == item.id:
        db.session.commit()
        return current
    if not seats.take_item_seat(item):
        db.session.rollback()
        raise SeatUnavailable(f"„{item.title}“ ist voll.")
    before = current.program_item.title if current else "–"
    if current is None:
        current = Assignment(slot_id=item.slot_id, program_item=item)
        registration.assignments.append(current)
    else:
        seats.free_item_seat(current.program_item)
        current.program_item = item
    current.source, current.locked = AssignmentSource.manual, True
    if event.choice_mode == ChoiceMode.direct:  # their choice is now this workshop: no longer waiting elsewhere
        for preference in [p for p in registration.preferences if p.slot_id == item.slot_id]:
            registration.preferences.remove(preference)
        db.session.flush()
        registration.preferences.append(Preference(slot_id=item.slot_id, rank=1, program_item=item))
    _note(registration, "moved", actor=by, note=f"{item.slot.label}: {before} → {item.title}")
    _promote(event)
    db.session.commit()
    return current


# --- inside a locked transaction ---------------------------------------------------------

def _add_wishes(registration: Registration, choices: dict[int, list[int]]) -> None:
    for slot_id, item_ids in choices.items():
        for rank, item_id in enumerate(item_ids, start=1):
            # The item itself (from the loaded program), so e-mails can name it before any flush.
            registration.preferences.append(Preference(slot_id=slot_id, rank=rank,
                                                       program_item=db.session.get(ProgramItem, item_id)))


def _take_workshop_seats(registration: Registration, actor: str) -> list[ProgramItem]:
    """Direct mode: a seat in each chosen workshop that has one; returns the full ones (waitlist)."""
    waiting = []
    for item in _chosen_workshops(registration):
        if seats.take_item_seat(item):
            _seat(registration, item)
        else:
            waiting.append(item)
            _note(registration, "workshop_waitlisted", actor=actor, note=item.title)
    return waiting


def _seat(registration: Registration, item: ProgramItem) -> None:
    registration.assignments.append(Assignment(slot=item.slot, program_item=item, source=AssignmentSource.direct))


def _promote(event: Event, by: str = SYSTEM) -> list[Registration]:
    """Fill free event seats, then (direct mode) free workshop seats, from the waitlists in order."""
    gains: dict[int, list[ProgramItem]] = defaultdict(list)
    moved_up: dict[int, Registration] = {}
    while seats.event_has_room(event):
        registration = db.session.scalar(
            select(Registration).where(Registration.event_id == event.id,
                                       Registration.status == RegistrationStatus.waitlisted)
            .order_by(Registration.created_at, Registration.id).limit(1))
        if registration is None or not seats.take_event_seat(event):
            break
        registration.status = RegistrationStatus.confirmed
        _note(registration, "promoted", RegistrationStatus.waitlisted.value, RegistrationStatus.confirmed.value, by)
        moved_up[registration.id] = registration
        db.session.flush()
        _take_workshop_seats(registration, by)
        gains[registration.id] = [assignment.program_item for assignment in registration.assignments]
    if event.choice_mode == ChoiceMode.direct:
        for slot in event.choice_slots:
            for item in slot.choice_items:
                for registration in _next_waiting_for(item):
                    if not seats.take_item_seat(item):
                        break
                    registration.assignments.append(Assignment(slot_id=slot.id, program_item=item,
                                                               source=AssignmentSource.direct))
                    _note(registration, "workshop_assigned", actor=by, note=item.title)
                    moved_up[registration.id] = registration
                    gains[registration.id].append(item)
    for registration_id, registration in moved_up.items():
        send_to_attendee(registration, "promoted", items=gains[registration_id])
    return list(moved_up.values())


def _next_waiting_for(item: ProgramItem) -> list[Registration]:
    """Confirmed attendees waiting for a seat in ``item``, in the order they chose it."""
    if item.capacity is not None and item.seats_taken >= item.capacity:
        return []
    seated = exists().where(Assignment.registration_id == Preference.registration_id,
                            Assignment.slot_id == Preference.slot_id)
    query = (select(Registration).join(Preference, Preference.registration_id == Registration.id)
             .where(Preference.program_item_id == item.id, Preference.rank == 1,
                    Registration.status == RegistrationStatus.confirmed, ~seated)
             .order_by(Preference.id))
    if item.capacity is not None:
        query = query.limit(item.capacity - item.seats_taken)
    return list(db.session.scalars(query))


def _waiting_for(registration: Registration) -> list[ProgramItem]:
    if registration.event.choice_mode != ChoiceMode.direct or registration.status != RegistrationStatus.confirmed:
        return []
    return [choice.wishes[0] for choice in slot_choices(registration) if choice.waiting]


def _note(registration: Registration, action: str, from_status: str | None = None,
          to_status: str | None = None, actor: str = SYSTEM, note: str = "") -> None:
    # Through the back reference: appending to an unloaded ``history`` would read it all first.
    db.session.add(RegistrationHistory(registration=registration, action=action, from_status=from_status,
                                       to_status=to_status, actor=actor[:254], note=note))


def _describe(registration: Registration) -> str:
    return "; ".join(f"{choice.slot.label}: {', '.join(item.title for item in choice.wishes)}"
                     for choice in slot_choices(registration))


def send_to_attendee(registration: Registration, template: str, **context) -> None:
    """Queue one of the attendee e-mails; confirmed attendees get the calendar file with it."""
    queue_rendered(attendee_email(registration, template, **context), registration.event, registration)


def attendee_email(registration: Registration, template: str, **context) -> RenderedEmail:
    """One of the attendee e-mails, written out; confirmed attendees get the calendar file with it."""
    event = registration.event
    attachments = ([calendar_attachment(event, registration)]
                   if registration.status == RegistrationStatus.confirmed and template != "cancelled" else [])
    return render_email(template, registration.email, attachments, event=event, registration=registration,
                        manage_url=manage_url(registration), slots=slot_choices(registration),
                        waitlist_position=waitlist_position(registration), **context)
