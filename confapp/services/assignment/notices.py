"""Telling attendees their seats after an assignment (Zuteilung mitteilen).

``notify_preview(event)`` says who would be e-mailed and shows the first e-mail; ``notify_assigned``
e-mails each confirmed attendee their workshops once (and again after a move). In ranked events,
once the optimal assignment is applied, an attendee who got no seat in a slot they wished for is
told so, once. In direct mode those seated from a workshop's waitlist get the waitlist's
"promoted" e-mail.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from confapp.extensions import db
from confapp.models import (Assignment, AssignmentSource, ChoiceMode, Event, Preference, Registration,
                            RegistrationHistory, RegistrationStatus, Slot, utcnow)
from confapp.services.assignment.model import confirmed_registrations, priority_key
from confapp.services.assignment.workflow import require_choices
from confapp.services.mail.bulk import BulkMail, bulk_mail, require_confirmed
from confapp.services.mail.outbox import RenderedEmail, queue_email, render_email
from confapp.services.registration.change import attendee_email
from confapp.services.registration.choices import of_theme_tables
from confapp.services.registration.lookup import manage_url


@dataclass(frozen=True)
class _Notice:
    registration: Registration
    #: Every seat of the registration in program order; ``untold`` those it was not told yet.
    seats: list[Assignment]
    untold: list[Assignment]
    #: Ranked events, once assigned: slots the registration wished for and got no seat in, if it
    #: has not been told so yet (nobody is left wondering whether an e-mail went astray).
    unplaced: list[Slot] = field(default_factory=list)


def _pending_notices(event: Event, with_email_only: bool = True) -> list[_Notice]:
    """Confirmed attendees with a seat not yet told, or (ranked events) without a seat they were
    not told of, in the order they are e-mailed (those registered without an address only with
    ``with_email_only`` False: they are told by hand)."""
    slots = {slot.id: slot for slot in event.choice_slots}
    wished = _wished_slots(event) if _optimally_assigned(event) else {}
    notices = []
    for registration in sorted(confirmed_registrations(event), key=lambda r: priority_key(event.slug, r)):
        seats = [a for a in registration.assignments if a.slot_id in slots]
        seats.sort(key=lambda a: (slots[a.slot_id].starts_at, a.slot_id))
        untold = [a for a in seats if a.notified_at is None and a.source != AssignmentSource.direct]
        seated = {a.slot_id for a in seats}
        unplaced = [slot for slot_id, slot in slots.items()
                    if slot_id in wished.get(registration.id, ()) and slot_id not in seated]
        told_unplaced = registration.unplaced_told_at is not None
        if (untold or (unplaced and not told_unplaced)) and (registration.email or not with_email_only):
            notices.append(_Notice(registration, seats, untold, unplaced))
    return notices


def _optimally_assigned(event: Event) -> bool:
    """A ranked event whose optimal assignment was applied: only then is a slot without a seat news."""
    return event.choice_mode != ChoiceMode.direct and db.session.scalar(
        select(Assignment.id).join(Registration).where(Registration.event_id == event.id,
                                                       Assignment.source == AssignmentSource.auto).limit(1)) is not None


def _wished_slots(event: Event) -> dict[int, set[int]]:
    """The slots each confirmed registration wished for, by registration id."""
    wished: dict[int, set[int]] = defaultdict(set)
    for registration_id, slot_id in db.session.execute(
            select(Preference.registration_id, Preference.slot_id).join(Registration).distinct()
            .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.confirmed)):
        wished[registration_id].add(slot_id)
    return wished


def _notice_email(event: Event, notice: _Notice) -> RenderedEmail:
    slots = {slot.id: slot for slot in event.choice_slots}
    items = {item.id: item for slot in slots.values() for item in slot.choice_items}
    if event.choice_mode == ChoiceMode.direct:
        return attendee_email(notice.registration, "promoted",
                              items=[items[a.program_item_id] for a in notice.untold])
    return render_email("assignment", notice.registration.email, event=event, registration=notice.registration,
                        seats=[(slots[a.slot_id], items[a.program_item_id]) for a in notice.seats],
                        unplaced=notice.unplaced,
                        theme_tables=any(of_theme_tables(slot) for slot in event.choice_slots),
                        manage_url=manage_url(notice.registration))


def notify_preview(event: Event) -> BulkMail:
    """Who ``notify_assigned`` would e-mail now, and the first e-mail written out (changes nothing)."""
    require_choices(event)
    everyone = _pending_notices(event, with_email_only=False)
    notices = [n for n in everyone if n.registration.email]
    return bulk_mail(((n.registration.id, *(a.id for a in n.untold), *(f"slot {slot.id}" for slot in n.unplaced))
                      for n in notices),
                     _notice_email(event, notices[0]) if notices else None, without_email=len(everyone) - len(notices))


def notify_assigned(event: Event, actor: str = "system", confirmed: str | None = None) -> int:
    """E-mail every confirmed attendee with a seat not yet told, listing all their workshops.

    Seats attendees took themselves (direct mode, at registration or when their waitlist moved up)
    were confirmed by that e-mail already. In direct mode the e-mail is the waitlist's "promoted"
    one (with the calendar file and the manage link), naming the new seats. Each e-mail is queued in
    the outbox in the same transaction that marks the seats notified. Returns the number queued.
    With ``confirmed`` (the back office), only if it is the fingerprint of the current
    ``notify_preview``, else ``bulk.NotConfirmed``; ``flask assign --notify`` is a script and sends.
    """
    require_choices(event)
    if confirmed is not None:
        require_confirmed(notify_preview(event), confirmed)
    now, queued = utcnow(), 0
    for notice in _pending_notices(event):
        email = _notice_email(event, notice)
        queue_email(email.to, email.subject, email.text, email.html, email.attachments, event, notice.registration)
        for assignment in notice.seats:
            assignment.notified_at = now
        notice.registration.unplaced_told_at = now if notice.unplaced else None
        notice.registration.history.append(RegistrationHistory(action="notified", actor=actor,
                                                               note="Zuteilung per E-Mail mitgeteilt"))
        queued += 1
    db.session.commit()
    return queued
