"""Organisers' actions on registrations: add by hand, edit, cancel, move, promote the waitlist.

Seats are never decided here: every action that takes or frees a seat goes through
``services.registration.change`` (which locks the event). This module adds the organiser's rules on top
(an explicit capacity override, the audit log) and names the acting organiser in the history.
The registration service commits its own transaction (taking the event lock commits what was
pending), so the audit entry follows in a second, short transaction once the change stood.
"""
from __future__ import annotations

from flask_babel import gettext as _

from confapp.extensions import db
from confapp.labels import field_names
from confapp.models import Event, EventStatus, ProgramItem, Registration, RegistrationHistory, User
from confapp.services.mail.bulk import require_confirmed
from confapp.services.networks import audit
from confapp.services.registration import register as registering
from confapp.services.registration import change as registration
from confapp.services.registration import seats
from confapp.services.registration.details import EDITABLE, FIELD_NAMES, ORGANISER_CORRECTS, correct_details
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


def edit_person(actor: User, reg: Registration, changes: dict[str, object]) -> list[str]:
    """Correct any detail, the e-mail address too (the new address gets the private link); the
    history and the audit log say who changed what. Returns the fields that changed."""
    changed = correct_details(reg, changes, by=actor.email, allowed=ORGANISER_CORRECTS)
    if changed:
        _logged(actor, reg.event, "registration.edited",
                f"{reg.full_name}: {', '.join(FIELD_NAMES[name] for name in changed)} korrigiert.", reg)
    return changed


def cancel(actor: User, reg: Registration) -> list[Registration]:
    """Cancel for the attendee; the next on the waitlist moves up. Returns who was promoted."""
    promoted = registration.cancel(reg, by=actor.email)
    _logged(actor, reg.event, "registration.cancelled",
            f"Anmeldung von {reg.full_name} storniert; nachgerückt: {len(promoted)}. {seated_notice(promoted)}".strip(),
            reg)
    return promoted


def reactivate(actor: User, reg: Registration) -> Registration:
    """Take a cancelled registration back: a seat if one is free, else the waitlist."""
    reg = registration.reactivate(reg, by=actor.email)
    _logged(actor, reg.event, "registration.reactivated",
            f"Stornierte Anmeldung von {reg.full_name} wieder aufgenommen ({reg.status.value}).")
    return reg


def promote(actor: User, event: Event, confirmed: str | None) -> list[Registration]:
    """Fill free seats from the waitlist in order, once the organiser confirmed who gets an e-mail
    (``confirmed``: the fingerprint of ``registration.promotion_preview``); else ``bulk.NotConfirmed``
    with the preview, and the caller rolls back."""
    event = seats.lock_event(event)
    promoted = registration.fill_free_seats(event, by=actor.email)
    require_confirmed(registration.promoted_preview(promoted), confirmed)
    _logged(actor, event, "waitlist.promoted", f"Warteliste: {len(promoted)} Person(en) nachgerückt. "
                                               f"{seated_notice(promoted)}".strip())
    return promoted


def capacity_grows(event: Event, before: int | None, after: int | None) -> bool:
    """Whether a capacity change makes seats the waitlist should get: a larger limit (or none any
    more) on an event people register for, not a draft or an archived one."""
    return (event.status in (EventStatus.published, EventStatus.closed) and before is not None
            and (after is None or after > before))


def fill_after_capacity_change(actor: User, event: Event, confirmed: str | None) -> list[Registration]:
    """In the transaction that made a capacity larger, which took the event's lock before the
    change (so nobody registering meanwhile gets the new seats ahead of the waitlist): the
    waitlists move up in order, as after a cancellation, each told by e-mail. Returns who moved
    up; the caller commits.

    When anybody moved up, only if the organiser confirmed who (``confirmed``: the fingerprint of
    the preview of this very change, ``registration.promoted_preview``); else ``bulk.NotConfirmed``
    carrying that preview, and the caller rolls the whole change back."""
    promoted = registration.fill_free_seats(event, by=actor.email)
    if promoted:  # the preview is of what was just done: it names the same seats as the e-mails
        require_confirmed(registration.promoted_preview(promoted), confirmed)
        audit.record(actor, "waitlist.promoted",
                     f"Mehr Plätze: {len(promoted)} Person(en) von der Warteliste nachgerückt.", event=event)
    return promoted


def promoted_notice(promoted: list[Registration]) -> str:
    """What the organiser is told after a change that moved people up."""
    if len(promoted) == 1:
        notice = _("%(name)s ist von der Warteliste nachgerückt und wurde per E-Mail benachrichtigt.",
                   name=promoted[0].full_name)
    else:
        notice = _("%(count)s Personen sind von der Warteliste nachgerückt und wurden per E-Mail benachrichtigt.",
                   count=len(promoted))
    seated = seated_notice(promoted)
    return f"{notice} {seated}" if seated else notice


def seated_notice(promoted: list[Registration]) -> str:
    """Who of those moved up got workshop seats, and which ("" if nobody): the organiser sees it at once."""
    seated = [f"{registration.full_name} ({', '.join(a.program_item.title for a in registration.assignments)})"
              for registration in promoted if registration.assignments]
    return _("Einen Workshopplatz nach ihren Wünschen haben: %(seated)s.", seated="; ".join(seated)) if seated else ""


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


__all__ = ["EDITABLE", "RegistrationError", "SeatUnavailable", "add_by_hand", "cancel",
           "edit_person", "move", "promote", "promoted_notice", "reactivate", "seated_notice"]
