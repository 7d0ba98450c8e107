"""Registering: a new registration, with its seats, history and confirmation e-mail.

One transaction through the ORM's unit of work, and the event's lock (``seats.lock_event``: on
SQLite the database's write lock, on PostgreSQL the event's row lock) held as briefly as the
outcome allows, since it bounds registrations per second. Before anything is held, the form's
values are checked and the new registration with its wishes is built from the program read with
the event. Then one of two ways:

- The seat counts read with the program show room (the usual case): the registration is built
  as seated, its e-mail rendered, its rows written, and only then is the lock taken, for the
  seats alone. If the seats went meanwhile, all of it is rolled back and the second way taken.
- Otherwise, and for walk-ins at the door: the lock first, and under it the seats, the status,
  the registration time (the waitlist's order is the lock's), the history and the e-mail for the
  outcome decided (a waitlist place is counted under the lock).

Either way the e-mail that is committed was rendered for the outcome committed.
``benchmarks/registration.py`` measures it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from flask_babel import gettext as _

from confapp.database import begin_write
from confapp.extensions import db
from confapp.models import (AssignmentSource, Event, Invitation, ProgramItem, Registration, RegistrationHistory,
                            RegistrationStatus, new_token, utcnow)
from confapp.services.mail.outbox import queue_from_template, queue_rendered
from confapp.services.partners.invitations import institution_of
from confapp.services.privacy import legal
from confapp.services.registration import seats
from confapp.services.registration.change import (ATTENDEE, add_wishes, attendee_email, chosen_workshops, give_seat,
                                                  record_history, send_to_attendee)
from confapp.services.registration.choices import normalised
from confapp.services.registration.lookup import manage_url, slot_choices
from confapp.services.registration.rules import (RegistrationClosed, RegistrationData, SeatUnavailable,
                                                 registration_problems)


#: Why a purged event takes no registrations.
PURGED = "Die personenbezogenen Daten dieser Veranstaltung sind gelöscht; Anmeldungen sind nicht mehr möglich."


@dataclass
class RegistrationResult:
    registration_id: int
    #: False when the address was registered already: nothing changed, the manage link was resent.
    created: bool
    #: Direct mode: full workshops the attendee now waits for.
    workshop_waitlists: list[ProgramItem] = field(default_factory=list)

    @property
    def registration(self) -> Registration:
        """Read when asked: the attendee's form never needs it, organisers' pages do."""
        return db.session.get(Registration, self.registration_id)

    @property
    def waitlisted(self) -> bool:
        return self.registration.status == RegistrationStatus.waitlisted


def register(event: Event, data: RegistrationData, *, by_organiser: bool = False,
             actor: str = ATTENDEE, seats_or_nothing: bool = False) -> RegistrationResult:
    """Register for ``event``: a seat if one is free, else the waitlist; the e-mail goes with it.

    A second registration with the same address changes nothing and resends the manage link
    (the caller shows the same page either way). ``by_organiser`` (organisers adding someone by
    hand, walk-ins at the door) skips the published/registration-window check and the consent
    requirement; nobody registers for an event whose personal data was purged.
    ``seats_or_nothing`` (walk-ins: the person at the door picks among workshops with free seats):
    the first choice of each slot is a seat at once, whatever the event's choice mode, or nothing
    is registered: a workshop that filled up meanwhile raises ``SeatUnavailable``. (A person
    who gets no event seat waits on the event's waitlist with their choices as wishes.)
    Raises ``RegistrationClosed``, ``InvalidRegistration`` or ``SeatUnavailable``; commits.
    """
    if event.purged_at is not None:
        raise RegistrationClosed(PURGED)
    if not by_organiser and not event.registration_open():
        raise RegistrationClosed(_("Die Anmeldung für diese Veranstaltung ist geschlossen."))
    invalid = registration_problems(event, data, by_organiser)
    if invalid:
        raise invalid
    partner_id, invitation = institution_of(event, data.organisation, data.invitation)
    new = _NewRegistration(data, normalised(event, data.choices), data.email.strip().lower(),
                           legal.privacy_version(event), actor, partner_id, invitation, seats_or_nothing)
    try:
        return _register_new(event, new)
    except IntegrityError as error:
        # The address is registered already (or someone registered it at the same moment and
        # committed first): nothing was written. Once more, as an existing registration.
        db.session.rollback()
        existing = _register_existing(event, new)
        if existing is None:
            # Not the address: a chosen workshop was deleted while this was written. The form
            # shows the program as it is now (the event was read again after the rollback).
            raise registration_problems(event, data, by_organiser) or error
        return existing


@dataclass(frozen=True)
class _NewRegistration:
    """What ``register`` has checked and prepared before its transaction takes the lock."""

    data: RegistrationData
    choices: dict[int, list[int]]
    email: str
    consent_version: str
    actor: str
    #: The directory's institution the attendee belongs to, and the invitation they came through.
    partner_id: int | None = None
    invitation: Invitation | None = None
    #: A seat in every chosen workshop, or no registration (see ``register``).
    seats_or_nothing: bool = False


def _register_new(event: Event, new: _NewRegistration) -> RegistrationResult:
    # Most addresses are new: the unique constraint finds the others (``register`` then comes
    # back through ``_register_existing``), which saves every new registration a query.
    if not new.seats_or_nothing:
        seated = _register_seated(event, new)
        if seated is not None:
            return seated
    registration = _built(event, new)
    event = _lock_open(event)
    db.session.add(registration)
    _record_consents(registration, new)
    return _decide(event, registration, None, new)


def _built(event: Event, new: _NewRegistration) -> Registration:
    """The new registration with its wishes, from the program read with the event; not yet in the session."""
    registration = Registration(event=event, event_id=event.id, email=new.email, manage_token=new_token(),
                                status=RegistrationStatus.waitlisted)  # until a seat is taken
    _fill(registration, new)
    return registration


def _register_seated(event: Event, new: _NewRegistration) -> RegistrationResult | None:
    """Register with a seat, holding the event's lock only to take the seats; None if the event
    looks full or the seats went meanwhile (then nothing is written).

    The seat counts read with the program say which chosen workshops have room. The registration
    is built for that outcome, its e-mail rendered, and its rows written (on PostgreSQL this needs
    no lock of the event's row), then the lock is taken and the seats with it. Only if every seat
    is taken as expected, and no full workshop has meanwhile a free one, is it committed.
    """
    if not seats.event_has_room(event):
        return None  # the waitlist: its place is counted under the lock
    registration = _built(event, new)
    items = chosen_workshops(registration)
    expected = [item for item in items if seats.item_has_room(item)]
    waiting = [item for item in items if item not in expected]
    registration.status, registration.created_at = RegistrationStatus.confirmed, utcnow()
    for item in expected:
        give_seat(registration, item)
    email = attendee_email(registration, "registered", waiting=waiting) if registration.email else None
    # The write transaction, begun by the first INSERT: building the rows and preparing their
    # flush hold no lock; on PostgreSQL neither do the INSERTs (the event's lock comes after them).
    begin_write(keep_loaded=True, at_first_statement=True)
    db.session.add(registration)
    _record_consents(registration, new)
    _record_registered(registration, waiting, None, new.actor)
    if email is not None:
        queue_rendered(email, event, registration)
    db.session.flush()
    event = _lock_open(event, begun=True)
    taken = seats.take_event_seat(event) and [item for item in items if seats.take_item_seat(item)] == expected
    if not taken:
        db.session.rollback()
        return None
    return _committed(registration, new, waiting)


def _register_existing(event: Event, new: _NewRegistration) -> RegistrationResult | None:
    """The address is registered already: the manage link again, or, if that registration was
    cancelled, the same row with the new wishes at the back of the queue. None (nothing written)
    if it is not."""
    event = _lock_open(event)
    # Read under the lock: two posts of a cancelled address at once cannot both take seats.
    registration = db.session.scalar(select(Registration).where(Registration.event_id == event.id,
                                                                Registration.email == new.email)
                                     .execution_options(populate_existing=True))
    if registration is None:
        db.session.rollback()
        return None
    if registration.status != RegistrationStatus.cancelled:
        if _resent_recently(registration) < MAX_RESENT_PER_DAY:
            queue_from_template("already_registered", registration.email, event=event, registration=registration,
                                manage_url=manage_url(registration), slots=slot_choices(registration))
            record_history(registration, "link_resent", actor=new.actor,
                           note="Erneute Anmeldung mit derselben Adresse")
        # Past the limit nothing is sent, and the page says the same: it must not tell who is registered.
        db.session.commit()
        return RegistrationResult(registration.id, created=False)
    previous = registration.status.value
    registration.preferences.clear()
    db.session.flush()  # the old wishes gone before the new ones take their ranks
    _fill(registration, new)
    _record_consents(registration, new)
    return _decide(event, registration, previous, new)


def _decide(event: Event, registration: Registration, previous: str | None,
            new: _NewRegistration) -> RegistrationResult:
    """Under the event's lock: the seats, then what follows from them; commits.

    Nothing is flushed before the commit: the seats are taken by conditional UPDATEs on the
    connection, and the waitlist place the e-mail names is counted among the rows written
    before (every other registration on the waitlist is ahead of this one, stamped now). The
    commit writes the registration and all that goes with it in one flush.
    """
    actor = new.actor
    with db.session.no_autoflush:
        items = _first_choices(registration) if new.seats_or_nothing else chosen_workshops(registration)
        registration.created_at = utcnow()  # the waitlist is in the order of this lock
        waiting = _take_seats(event, registration, items, new.seats_or_nothing)
        _record_registered(registration, waiting, previous, actor)
        if new.seats_or_nothing and registration.status == RegistrationStatus.confirmed:
            for item in items:
                record_history(registration, "workshop_assigned", actor=actor, note=item.title)
        send_to_attendee(registration, "registered", waiting=waiting)
    return _committed(registration, new, waiting)


def _record_registered(registration: Registration, waiting: list[ProgramItem], previous: str | None,
                       actor: str) -> None:
    """The history of a registration just decided: each full workshop it waits for, then the registration."""
    for item in waiting:
        record_history(registration, "workshop_waitlisted", actor=actor, note=item.title)
    record_history(registration, "registered", previous, registration.status.value, actor)


def _committed(registration: Registration, new: _NewRegistration, waiting: list[ProgramItem]) -> RegistrationResult:
    db.session.flush()
    registration_id = registration.id  # the commit expires it
    if new.invitation is not None and new.invitation.registration_id is None:
        new.invitation.registration_id = registration_id  # the invitation counts as answered
    db.session.commit()
    return RegistrationResult(registration_id, created=True, workshop_waitlists=waiting)


#: Manage links resent to one address in a day: anyone can ask for them, so an address cannot be flooded.
MAX_RESENT_PER_DAY = 3


def _resent_recently(registration: Registration) -> int:
    return db.session.scalar(select(func.count(RegistrationHistory.id)).where(
        RegistrationHistory.registration_id == registration.id, RegistrationHistory.action == "link_resent",
        RegistrationHistory.at > utcnow() - timedelta(days=1))) or 0


def _lock_open(event: Event, begun: bool = False) -> Event:
    """``seats.lock_event``, then refuse an event purged meanwhile (the purge holds the same lock)."""
    event = seats.lock_event(event, keep_loaded=True, begun=begun)
    if event.purged_at is not None:
        db.session.rollback()
        raise RegistrationClosed(PURGED)
    return event


def _take_seats(event: Event, registration: Registration, items: list[ProgramItem],
                seats_or_nothing: bool = False) -> list[ProgramItem]:
    """The event's seat and then, with it, each chosen workshop's (direct mode); sets the status.
    Returns the full workshops the registration waits for; with ``seats_or_nothing`` a full one
    instead rolls everything back and raises ``SeatUnavailable``."""
    # The lock read the event's seat count: a full event is not tried.
    if not seats.event_has_room(event) or not seats.take_event_seat(event):
        registration.status = RegistrationStatus.waitlisted
        return []
    registration.status = RegistrationStatus.confirmed
    waiting = []
    for item in items:
        if seats.take_item_seat(item):
            # Taken at the door by staff: kept as it is by the optimal assignment, as a move is.
            give_seat(registration, item, AssignmentSource.manual if seats_or_nothing else AssignmentSource.direct,
                      locked=seats_or_nothing)
        elif seats_or_nothing:
            title, item_id = item.title, item.id
            db.session.rollback()
            raise SeatUnavailable(_("„%(title)s“ ist inzwischen voll. Bitte wählen Sie einen anderen Workshop "
                                    "oder „keine Wahl“.", title=title), item_id=item_id)
        else:
            waiting.append(item)
    return waiting


def _first_choices(registration: Registration) -> list[ProgramItem]:
    """The first choice of each slot that has no seat yet, in program order (either choice mode)."""
    seated = {assignment.slot_id for assignment in registration.assignments}
    return [preference.program_item for preference in registration.preferences
            if preference.rank == 1 and preference.slot_id not in seated]


def _fill(registration: Registration, new: _NewRegistration) -> None:
    data = new.data
    registration.first_name, registration.last_name = data.first_name.strip(), data.last_name.strip()
    registration.organisation, registration.sector = data.organisation.strip(), data.sector.strip()
    registration.photo_consent = data.photo_consent
    registration.needs_consent_at = utcnow() if data.needs_consent else None
    registration.diet = data.diet.strip() if data.needs_consent else ""
    registration.access_needs = data.access_needs.strip() if data.needs_consent else ""
    registration.privacy_consent_at = utcnow() if data.privacy_consent else None
    registration.language = data.language if data.language in ("de", "en") else "de"
    if new.partner_id is not None:
        registration.partner_id = new.partner_id
    add_wishes(registration, new.choices)


def _record_consents(registration: Registration, new: _NewRegistration) -> None:
    data = new.data
    for kind, given in (("privacy", data.privacy_consent), ("photo", data.photo_consent),
                        ("needs", data.needs_consent)):
        if given:
            legal.record_consent(registration, kind, version=new.consent_version)
