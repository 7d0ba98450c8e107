"""Organisers' actions on registrations: add by hand, edit, cancel, move, promote the waitlist.

Seats are never decided here: every action that takes or frees a seat goes through
``services.registration.change`` (which locks the event). This module adds the organiser's rules on top
(an explicit capacity override, the audit log) and names the acting organiser in the history.
The registration service commits its own transaction (taking the event lock commits what was
pending), so the audit entry follows in a second, short transaction once the change stood.
"""
from __future__ import annotations

from dataclasses import dataclass

from confapp.extensions import db
from confapp.models import Event, EventStatus, ProgramItem, Registration, RegistrationHistory, User
from confapp.services.networks import audit
from confapp.services.registration import register as registering
from confapp.services.registration import change as registration
from confapp.services.registration.details import EDITABLE, detail_problems
from confapp.services.registration.rules import PRINTED, printable
from confapp.services.registration.change import RegistrationData, RegistrationError, SeatUnavailable


def _logged(actor: User, event: Event, action: str, summary: str, registration: Registration | None = None) -> None:
    audit.record(actor, action, summary, event=event, registration=registration)
    db.session.commit()


def add_by_hand(actor: User, event: Event, data: RegistrationData) -> registration.RegistrationResult:
    """A registration taken by phone or on paper: same seat rules, registration window not enforced."""
    result = registering.register(event, data, by_organiser=True, actor=actor.email)
    if result.created:
        _logged(actor, event, "registration.added",
                f"Anmeldung von {result.registration.full_name} von Hand erfasst ({result.registration.status.value}).",
                result.registration)
    return result


@dataclass
class PersonDetails:
    first_name: str
    last_name: str
    organisation: str
    sector: str


def edit_person(actor: User, reg: Registration, details: PersonDetails) -> None:
    """Correct name, organisation or sector; the history says who changed what."""
    # The registration form's own rules (required fields, lengths, the network's sectors).
    problems = detail_problems(reg, {name: getattr(details, name) for name in EDITABLE})
    if problems:
        raise registration.InvalidRegistration(problems, [])
    clean = {name: printable(value) if name in PRINTED else value.strip()
             for name, value in ((name, getattr(details, name)) for name in EDITABLE)}
    changed = [name for name in EDITABLE if getattr(reg, name) != clean[name]]
    for name in changed:
        setattr(reg, name, clean[name])
    if changed:
        reg.history.append(RegistrationHistory(action="edited", actor=actor.email, note=", ".join(changed)))
        audit.record(actor, "registration.edited", f"{reg.full_name}: {', '.join(changed)} geändert.", event=reg.event,
                     registration=reg)
    db.session.commit()


def cancel(actor: User, reg: Registration) -> list[Registration]:
    """Cancel for the attendee; the next on the waitlist moves up. Returns who was promoted."""
    promoted = registration.cancel(reg, by=actor.email)
    _logged(actor, reg.event, "registration.cancelled",
            f"Anmeldung von {reg.full_name} storniert; nachgerückt: {len(promoted)}. {seated_notice(promoted)}".strip(),
            reg)
    return promoted


def promote(actor: User, event: Event) -> list[Registration]:
    """Fill free seats from the waitlist in order."""
    promoted = registration.promote_from_waitlist(event, by=actor.email)
    _logged(actor, event, "waitlist.promoted", f"Warteliste: {len(promoted)} Person(en) nachgerückt. "
                                               f"{seated_notice(promoted)}".strip())
    return promoted


def capacity_grows(event: Event, before: int | None, after: int | None) -> bool:
    """Whether a capacity change makes seats the waitlist should get: a larger limit (or none any
    more) on an event people register for, not a draft or an archived one."""
    return (event.status in (EventStatus.published, EventStatus.closed) and before is not None
            and (after is None or after > before))


def fill_after_capacity_change(actor: User, event: Event) -> list[Registration]:
    """In the transaction that made a capacity larger, which took the event's lock before the
    change (so nobody registering meanwhile gets the new seats ahead of the waitlist): the
    waitlists move up in order, as after a cancellation, each told by e-mail. Returns who moved
    up; the caller commits."""
    promoted = registration.fill_free_seats(event, by=actor.email)
    if promoted:
        audit.record(actor, "waitlist.promoted",
                     f"Mehr Plätze: {len(promoted)} Person(en) von der Warteliste nachgerückt.", event=event)
    return promoted


def promoted_notice(promoted: list[Registration]) -> str:
    """What the organiser is told after a change that moved people up."""
    if len(promoted) == 1:
        notice = f"{promoted[0].full_name} ist von der Warteliste nachgerückt und wurde per E-Mail benachrichtigt."
    else:
        notice = f"{len(promoted)} Personen sind von der Warteliste nachgerückt und wurden per E-Mail benachrichtigt."
    seated = seated_notice(promoted)
    return f"{notice} {seated}" if seated else notice


def seated_notice(promoted: list[Registration]) -> str:
    """Who of those moved up got workshop seats, and which ("" if nobody): the organiser sees it at once."""
    seated = [f"{registration.full_name} ({', '.join(a.program_item.title for a in registration.assignments)})"
              for registration in promoted if registration.assignments]
    return f"Einen Workshopplatz nach ihren Wünschen haben: {'; '.join(seated)}." if seated else ""


def move(actor: User, reg: Registration, item: ProgramItem, override_capacity: bool = False) -> None:
    """Put a confirmed attendee into ``item``. A full workshop refuses, unless the organiser
    explicitly overrides: then the workshop gets one more seat first, and the log says so."""
    event = reg.event
    try:
        registration.move_to_workshop(reg, item, by=actor.email)
    except SeatUnavailable:
        if not override_capacity:
            raise
        item = db.session.get(ProgramItem, item.id)
        item.capacity = (item.capacity or 0) + 1
        audit.record(actor, "capacity.override",
                     f"„{item.title}“ um einen Platz auf {item.capacity} erweitert, um {reg.full_name} "
                     f"trotz voller Belegung zuzuteilen.", event=event, registration=reg)
        db.session.commit()
        registration.move_to_workshop(reg, item, by=actor.email)
    _logged(actor, event, "registration.moved", f"{reg.full_name} in „{item.title}“ verschoben.", reg)


__all__ = ["EDITABLE", "PersonDetails", "RegistrationError", "SeatUnavailable", "add_by_hand", "cancel",
           "edit_person", "move", "promote", "promoted_notice", "seated_notice"]
