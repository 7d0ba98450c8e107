"""Registration (Anmeldung) changes: change choices, cancel, promote from the waitlist, move.
Registering itself is in ``register``.

Every function here that changes seats runs in one transaction started by ``seats.lock_event``
and commits it together with the history rows and the e-mails it queues (outbox), so an attendee
is never told something that did not happen, and nothing that happened goes untold.

Waitlists: the event's waitlist is the waitlisted registrations, oldest first. In direct mode a
confirmed attendee who chose a full workshop waits for it: their wish (a ``Preference``) stands
without an ``Assignment`` in that slot, in the order the wishes were made.
"""
from __future__ import annotations

from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import exists, select

from confapp.extensions import db
from confapp.models import (Assignment, AssignmentSource, ChoiceMode, Event, OutboxMessage, Preference, ProgramItem,
                            Registration, RegistrationHistory, RegistrationStatus, utcnow)
from confapp.services.assignment.fill import seat_promoted
from confapp.services.registration import seats
from confapp.services.mail.bulk import BulkMail, bulk_mail
from confapp.services.mail.calendar import CANCEL, calendar_attachment
from confapp.services.registration.choices import Choices, choice_problems, normalised
from confapp.services.mail.outbox import RenderedEmail, queue_email, queue_from_template, render_email
from confapp.services.registration.lookup import (current_choices, manage_url, seats_assigned_from_wishes,
                                                  slot_choices, waitlist_position)
# The rules and errors live in registration_rules; callers may import them from here as well.
from confapp.services.registration.rules import (LIMITS, InvalidRegistration, RegistrationClosed,  # noqa: F401
                                                 RegistrationData, RegistrationError, SeatUnavailable,
                                                 registration_problems)

#: ``actor`` of changes the attendee made through the form or the manage link.
ATTENDEE = "attendee"
#: ``actor`` of consequences nobody asked for directly (promotion after a cancellation).
SYSTEM = "system"


def change_choices(registration: Registration, choices: Choices, *, by: str = ATTENDEE) -> list[ProgramItem]:
    """Replace the registration's wishes (ranked) or workshops (direct) slot by slot.

    Unchanged slots keep their seat and waitlist place; a workshop given up frees its seat for the
    next on its waitlist. Attendees (``by=ATTENDEE``) may do this only while registration is open.
    Returns the full workshops the attendee now waits for. Commits.
    """
    event = registration.event
    if registration.status == RegistrationStatus.cancelled:
        raise RegistrationError(_("Diese Anmeldung ist storniert."))
    if by == ATTENDEE and not event.registration_open():
        raise RegistrationClosed(_("Die Anmeldung ist geschlossen; Ihre Wahl lässt sich nicht mehr ändern."))
    if by == ATTENDEE and seats_assigned_from_wishes(registration):
        raise RegistrationError(_("Die Plätze sind schon zugeteilt; neue Wünsche ändern daran nichts. "
                                  "Wenn Sie wechseln möchten, schreiben Sie bitte den Veranstaltenden."))
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
    add_wishes(registration, {slot_id: wanted[slot_id] for slot_id in changed})
    db.session.flush()
    if registration.status == RegistrationStatus.confirmed:
        _take_workshop_seats(registration, by)
    record_history(registration, "choices_changed", actor=by, note=_describe(registration))
    waiting = _waiting_for(registration)
    # The attendee gets the new wishes in writing (and, with a seat, the updated calendar entry),
    # before anyone who moves up into a seat given up.
    send_to_attendee(registration, "choices_changed", waiting=waiting)
    _promote(event)
    db.session.commit()
    return waiting


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
    record_history(registration, "cancelled", previous.value, RegistrationStatus.cancelled.value, by)
    send_to_attendee(registration, "cancelled", had_seat=previous == RegistrationStatus.confirmed)
    promoted = _promote(event)
    db.session.commit()
    return promoted


def reactivate(registration: Registration, *, by: str) -> Registration:
    """Take a cancelled registration back, as a new registration would be taken: a seat if one is
    free (and, in direct mode, the workshops wished for as far as they have room), else the end of
    the waitlist. The attendee gets the confirmation e-mail again. Commits."""
    event = seats.lock_event(registration.event_id)
    registration = db.session.get(Registration, registration.id)
    if registration.status != RegistrationStatus.cancelled:
        raise RegistrationError("Diese Anmeldung ist nicht storniert.")
    if event.purged_at is not None:
        raise RegistrationError("Die Daten dieser Veranstaltung sind gelöscht.")
    if seats.take_event_seat(event):
        registration.status = RegistrationStatus.confirmed
        db.session.flush()
        _take_workshop_seats(registration, by)
    else:
        registration.status = RegistrationStatus.waitlisted
        registration.created_at = utcnow()  # the waitlist's order: at its end, like a new registration
    record_history(registration, "reactivated", RegistrationStatus.cancelled.value, registration.status.value, by)
    send_to_attendee(registration, "registered", waiting=_waiting_for(registration))
    db.session.commit()
    return registration


def promote_from_waitlist(event: Event, *, by: str = SYSTEM) -> list[Registration]:
    """Fill free seats from the waitlists in order (after a cancellation or a larger capacity).

    Everyone promoted is told by e-mail. Returns them. Commits.
    """
    event = seats.lock_event(event)
    promoted = _promote(event, by)
    db.session.commit()
    return promoted


def promotion_preview(event: Event) -> BulkMail:
    """Who ``promote_from_waitlist`` would move up now (and e-mail), the first e-mail as it would go out.

    Found by moving them up under the event's lock and rolling that back: the preview names the
    same people, and the same workshop seats in their e-mails, as the run it stands for. Rolls the
    session back (it reads, to the caller)."""
    try:
        return promoted_preview(_promote(seats.lock_event(event)))
    finally:
        db.session.rollback()


def promoted_preview(promoted: list[Registration]) -> BulkMail:
    """The preview of moving ``promoted`` up in the current transaction: who gets an e-mail, and
    the first of the e-mails queued for them as it reads."""
    people = [registration for registration in promoted if registration.email and registration.erased_at is None]
    sample = None
    if people:
        row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.registration_id == people[0].id)
                                .order_by(OutboxMessage.id.desc()).limit(1))
        sample = RenderedEmail(row.to_address, row.subject, row.text_body, row.html_body)
    return bulk_mail((r.id for r in people), sample, without_email=len(promoted) - len(people),
                     names=(f"{r.full_name} <{r.email}>" for r in people))


def fill_free_seats(event: Event, *, by: str = SYSTEM) -> list[Registration]:
    """``promote_from_waitlist`` inside the caller's transaction, which holds the event's lock
    (``seats.lock_event``) and has just made seats free (a larger capacity). Does not commit."""
    db.session.flush()  # the new capacity first: the seat UPDATEs check it in the database
    return _promote(event, by)


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
        raise RegistrationError(_("Nur bestätigte Anmeldungen bekommen einen Platz im Workshop."))
    current = next((a for a in registration.assignments if a.slot_id == item.slot_id), None)
    if current is not None and current.program_item_id == item.id:
        db.session.commit()
        return current
    if not seats.take_item_seat(item):
        db.session.rollback()
        raise SeatUnavailable(_("„%(title)s“ ist voll.", title=item.title))
    before = current.program_item.title if current else "–"
    if current is None:
        current = Assignment(slot_id=item.slot_id, program_item=item)
        registration.assignments.append(current)
    else:
        seats.free_item_seat(current.program_item)
        # Told of the old workshop, not of this one: the next notice of the assignment tells them.
        current.program_item, current.notified_at = item, None
    current.source, current.locked = AssignmentSource.manual, True
    if event.choice_mode == ChoiceMode.direct:  # their choice is now this workshop: no longer waiting elsewhere
        for preference in [p for p in registration.preferences if p.slot_id == item.slot_id]:
            registration.preferences.remove(preference)
        db.session.flush()
        registration.preferences.append(Preference(slot_id=item.slot_id, rank=1, program_item=item))
    record_history(registration, "moved", actor=by, note=f"{item.slot.label}: {before} → {item.title}")
    _promote(event)
    db.session.commit()
    return current


# --- inside a locked transaction ---------------------------------------------------------

def add_wishes(registration: Registration, choices: dict[int, list[int]]) -> None:
    for slot_id, item_ids in choices.items():
        for rank, item_id in enumerate(item_ids, start=1):
            # The item itself (from the loaded program), so e-mails can name it before any flush.
            registration.preferences.append(Preference(slot_id=slot_id, rank=rank,
                                                       program_item=db.session.get(ProgramItem, item_id)))


def chosen_workshops(registration: Registration) -> list[ProgramItem]:
    """Direct mode: the workshop chosen in each slot that has no seat yet, in program order."""
    if registration.event.choice_mode != ChoiceMode.direct:
        return []
    seated = {assignment.slot_id for assignment in registration.assignments}
    return [preference.program_item for preference in registration.preferences
            if preference.rank == 1 and preference.slot_id not in seated]


def _take_workshop_seats(registration: Registration, actor: str) -> list[ProgramItem]:
    """Direct mode: a seat in each chosen workshop that has one; returns the full ones (waitlist)."""
    waiting = []
    for item in chosen_workshops(registration):
        if seats.take_item_seat(item):
            give_seat(registration, item)
        else:
            waiting.append(item)
            record_history(registration, "workshop_waitlisted", actor=actor, note=item.title)
    return waiting


def give_seat(registration: Registration, item: ProgramItem, source: AssignmentSource = AssignmentSource.direct,
              *, locked: bool = False) -> None:
    # The objects, so the e-mail and its calendar file can name the workshop before any flush; and the
    # slot's id, by which the e-mail's summary finds the seat (the ORM sets the ids only when flushing).
    registration.assignments.append(Assignment(slot=item.slot, slot_id=item.slot_id, program_item=item,
                                               source=source, locked=locked))


def _promote(event: Event, by: str = SYSTEM) -> list[Registration]:
    """Fill free event seats, then (direct mode) free workshop seats, from the waitlists in order.

    Someone moving up from the event's waitlist queues for a full workshop like everyone else, in
    the order they chose it: an attendee who has waited for that workshop longer gets its seat first.
    """
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
        record_history(registration, "promoted", RegistrationStatus.waitlisted.value, RegistrationStatus.confirmed.value, by)
        moved_up[registration.id] = registration
        db.session.flush()  # confirmed now: the workshops' waitlists below count them
    event_promoted = list(moved_up.values())
    # Ranked events whose assignment has begun: free seats of their wishes, named in their e-mail.
    for registration_id, items in seat_promoted(event, event_promoted, by).items():
        gains[registration_id].extend(items)
    if event.choice_mode == ChoiceMode.direct:
        for slot in event.choice_slots:
            for item in slot.choice_items:
                for registration in _next_waiting_for(item):
                    if not seats.take_item_seat(item):
                        break
                    registration.assignments.append(Assignment(slot_id=slot.id, program_item=item,
                                                               source=AssignmentSource.direct))
                    if registration not in event_promoted:  # theirs are part of moving up, as at registering
                        record_history(registration, "workshop_assigned", actor=by, note=item.title)
                    moved_up[registration.id] = registration
                    gains[registration.id].append(item)
    # Those moved up into the event who still wait for a full workshop: recorded and told, as at registering.
    waiting = {registration.id: chosen_workshops(registration) for registration in event_promoted}
    for registration in event_promoted:
        for item in waiting[registration.id]:
            record_history(registration, "workshop_waitlisted", actor=by, note=item.title)
    for registration_id, registration in moved_up.items():
        send_to_attendee(registration, "promoted", items=gains[registration_id], waiting=waiting.get(registration_id, []))
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


def record_history(registration: Registration, action: str, from_status: str | None = None,
          to_status: str | None = None, actor: str = SYSTEM, note: str = "") -> None:
    # Through the back reference: appending to an unloaded ``history`` would read it all first.
    db.session.add(RegistrationHistory(registration=registration, action=action, from_status=from_status,
                                       to_status=to_status, actor=actor[:254], note=note, at=utcnow()))


def _describe(registration: Registration) -> str:
    return "; ".join(f"{choice.slot.label}: {', '.join(item.title for item in choice.wishes)}"
                     for choice in slot_choices(registration))


def send_to_attendee(registration: Registration, template: str, **context) -> None:
    """Queue one of the attendee e-mails; confirmed attendees get the calendar file with it.
    Registrations by phone or on paper without an address get none; nor does an erased
    registration: its address is one we promised to forget."""
    if not registration.email or registration.erased_at is not None:
        return
    email = attendee_email(registration, template, **context)
    queue_email(email.to, email.subject, email.text, email.html, email.attachments, registration.event, registration)


def attendee_email(registration: Registration, template: str, **context) -> RenderedEmail:
    """One of the attendee e-mails, written out; confirmed attendees get the calendar file with it,
    and the cancellation of a seat (``had_seat``) the file that takes the event out of the calendar."""
    event = registration.event
    if template == "cancelled":
        attachments = [calendar_attachment(event, method=CANCEL)] if context.get("had_seat") else []
    else:
        attachments = ([calendar_attachment(event, registration)]
                       if registration.status == RegistrationStatus.confirmed else [])
    return render_email(template, registration.email, attachments, event=event, registration=registration,
                        manage_url=manage_url(registration), slots=slot_choices(registration),
                        waitlist_position=waitlist_position(registration), **context)
