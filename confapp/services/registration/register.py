"""Registering: a new registration, with its seats, history and confirmation e-mail.

What the likely outcome writes is prepared before the transaction, e-mail included, while no lock
is held: on SQLite the whole write transaction holds the database's write lock, on PostgreSQL the
seat decisions hold the event's row lock, and either bounds registrations per second. Under the
lock the seats are taken and the rows written without the ORM (``registration.rows``); if the
seats went meanwhile, the e-mail is made again for what was taken. ``benchmarks/registration.py``
measures it.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from confapp.extensions import db
from confapp.models import (Assignment, ConsentRecord, Event, Preference, ProgramItem, Registration,
                            RegistrationHistory, RegistrationStatus, new_token, utcnow)
from confapp.services.privacy import legal
from confapp.services.registration import seats
from confapp.services.registration.choices import normalised
from confapp.services.mail.outbox import RenderedEmail, outbox_values, queue_from_template, remember_for_inline_delivery
from confapp.services.registration.change import (ATTENDEE, add_wishes, attendee_email, chosen_workshops, give_seat,
                                           history_values, record_history, send_to_attendee)
from confapp.services.registration.lookup import manage_url, waitlist_place_of_newest
from confapp.services.registration.rows import NewRows, insert_rows
from confapp.services.registration.rules import RegistrationClosed, RegistrationData, registration_problems


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
             actor: str = ATTENDEE) -> RegistrationResult:
    """Register for ``event``: a seat if one is free, else the waitlist; the e-mail goes with it.

    A second registration with the same address changes nothing and resends the manage link
    (the caller shows the same page either way). ``by_organiser`` (organisers adding someone by
    hand, walk-ins at the door) skips the published/registration-window check and the consent
    requirement; nobody registers for an event whose personal data was purged. Raises
    ``RegistrationClosed`` or ``InvalidRegistration``; commits.
    """
    if event.purged_at is not None:
        raise RegistrationClosed("Die personenbezogenen Daten dieser Veranstaltung sind gelöscht; "
                                 "Anmeldungen sind nicht mehr möglich.")
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
        # The address is registered already (or someone registered it at the same moment and
        # committed first): nothing was written. Once more, as an existing registration.
        db.session.rollback()
        return _register(event, new, look_first=True)


@dataclass(frozen=True)
class _NewRegistration:
    """What ``register`` has checked and prepared before its transaction starts."""

    data: RegistrationData
    choices: dict[int, list[int]]
    email: str
    consent_version: str
    actor: str


def _register(event: Event, new: _NewRegistration, look_first: bool = False) -> RegistrationResult:
    draft = _Draft.for_likely_outcome(event, new)  # before any lock (see the module's docstring)
    # Most addresses are new: the unique constraint finds the others (``register`` then comes
    # back with ``look_first``), which saves every new registration a query.
    existing = None
    if look_first:
        existing = db.session.scalar(select(Registration).where(Registration.event_id == event.id,
                                                                Registration.email == new.email))
    seats.begin_before_lock()  # the program read so far stays loaded
    if existing is not None:
        seats.lock_loaded_event(event)
        return _register_existing(event, new, existing)
    if not draft.seats.event:  # likely full: lock first, and read whether a cancellation freed a seat
        seats.lock_loaded_event(event)
    # Else a seat is likely: the statement that takes it locks the event too.
    taken = _Seats(*seats.take_seats(event, draft.items, locked=not draft.seats.event))
    if taken != draft.seats:
        draft = draft.for_seats(taken)
    registration_id = draft.insert()
    db.session.commit()
    return RegistrationResult(registration_id, created=True, workshop_waitlists=draft.waiting)


def _register_existing(event: Event, new: _NewRegistration, existing: Registration) -> RegistrationResult:
    """The address is registered already: the manage link again, or, if that registration was
    cancelled, the same row with the new wishes at the back of the queue. Under the lock."""
    db.session.refresh(existing)  # as it is now that the lock is held, not as read before
    if existing.status != RegistrationStatus.cancelled:
        if _resent_recently(existing) < MAX_RESENT_PER_DAY:
            queue_from_template("already_registered", existing.email, event=event, registration=existing,
                                manage_url=manage_url(existing))
            record_history(existing, "link_resent", actor=new.actor, note="Erneute Anmeldung mit derselben Adresse")
        # Past the limit nothing is sent, and the page says the same: it must not tell who is registered.
        db.session.commit()
        return RegistrationResult(existing.id, created=False)
    registration = existing
    previous = registration.status.value
    registration.preferences.clear()
    db.session.flush()
    _fill(registration, new)
    for kind in _consents_given(new):
        legal.record_consent(registration, kind, version=new.consent_version)
    db.session.flush()
    # Seats are decided by conditional UPDATEs that need nothing pending: what changes from here
    # on is written in one go at the commit, not flushed before every statement.
    with db.session.no_autoflush:
        items = chosen_workshops(registration)
        # The waitlist is in order of registration: the order of this lock.
        registration.created_at = utcnow()
        waiting = _apply_outcome(registration, items, _Seats(*seats.take_seats(event, items, locked=True)))
        db.session.add_all(RegistrationHistory(registration=registration, **values)
                           for values in _outcome_history(registration, waiting, previous, new.actor))
        send_to_attendee(registration, "registered", waiting=waiting)
    db.session.commit()
    return RegistrationResult(registration.id, created=True, workshop_waitlists=waiting)


#: Manage links resent to one address in a day: anyone can ask for them, so an address cannot be flooded.
MAX_RESENT_PER_DAY = 3


def _resent_recently(registration: Registration) -> int:
    return db.session.scalar(select(func.count(RegistrationHistory.id)).where(
        RegistrationHistory.registration_id == registration.id, RegistrationHistory.action == "link_resent",
        RegistrationHistory.at > utcnow() - timedelta(days=1))) or 0


@dataclass
class _Draft:
    """A new registration as an outcome will write it: made before any lock for the likely outcome.

    ``registration`` and its wishes and seats are ORM objects the session never sees: the e-mail
    is rendered from them, and ``insert`` writes their columns through ``registration.rows``.
    The ORM's unit of work (dependency sort, events, identity bookkeeping) cost more than
    everything else a registration does together.
    """

    new: _NewRegistration
    registration: Registration
    items: list[ProgramItem]
    seats: _Seats
    waiting: list[ProgramItem]
    email: RenderedEmail

    @classmethod
    def for_likely_outcome(cls, event: Event, new: _NewRegistration) -> _Draft:
        """From the seat counts read with the event (and the waitlist's length, if it is full)."""
        registration = _new_registration(event, new)
        items = chosen_workshops(registration)
        if seats.event_has_room(event):
            likely = _Seats(True, tuple(seats.item_has_room(item) for item in items))
        else:
            likely = _Seats(False, tuple(False for _ in items))
        return cls._made(new, registration, items, likely)

    def for_seats(self, taken: _Seats) -> _Draft:
        """The same registration for the seats that were taken (others took the likely ones)."""
        registration = _new_registration(self.registration.event, self.new)
        return self._made(self.new, registration, chosen_workshops(registration), taken)

    @classmethod
    def _made(cls, new: _NewRegistration, registration: Registration, items: list[ProgramItem],
              taken: _Seats) -> _Draft:
        waiting = _apply_outcome(registration, items, taken)
        # On the waitlist, the place is counted when the row is written and put in where the mark is.
        email = attendee_email(registration, "registered", waiting=waiting,
                               waitlist_place=None if taken.event else _PLACE_MARK)
        return cls(new, registration, items, taken, waiting, email)

    def insert(self) -> int:
        """Write the registration, its wishes, seats, consents, history and e-mail; its id.

        Runs under the lock: the registration time is stamped now, so the waitlist's order is
        the order of the lock, and a waitlisted registration's e-mail gets the place that makes.
        """
        registration, new = self.registration, self.new
        registration.created_at = utcnow()
        rows = NewRows(_columns(registration), (
            (Preference.__table__, [_columns(wish) for wish in registration.preferences]),
            (Assignment.__table__, [_columns(seat) for seat in registration.assignments]),
            (ConsentRecord.__table__, [legal.consent_values(kind, new.consent_version)
                                       for kind in _consents_given(new)]),
            (RegistrationHistory.__table__, _outcome_history(registration, self.waiting, None, new.actor))),
            outbox_values(self._email_with_place(), registration.event_id))
        registration_id, message_id = insert_rows(db.session.connection(), rows)
        remember_for_inline_delivery(message_id)
        return registration_id

    def _email_with_place(self) -> RenderedEmail:
        if self.seats.event:
            return self.email
        place = str(waitlist_place_of_newest(self.registration))
        return replace(self.email, subject=self.email.subject.replace(_PLACE_MARK, place),
                       text=self.email.text.replace(_PLACE_MARK, place),
                       html=self.email.html and self.email.html.replace(_PLACE_MARK, place))


#: Stands for the waitlist place in an e-mail made before the lock (no e-mail has it otherwise).
_PLACE_MARK = "\u2063WARTELISTENPLATZ\u2063"


def _columns(instance) -> dict:
    """The columns set on a new ORM object (the table's defaults fill in the rest)."""
    values = instance.__dict__
    return {column.key: values[column.key] for column in instance.__table__.columns if column.key in values}


def _new_registration(event: Event, new: _NewRegistration) -> Registration:
    """Not yet in the session; empty collections, so nothing is read back for them later."""
    registration = Registration(event=event, event_id=event.id, email=new.email, preferences=[], assignments=[],
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
    add_wishes(registration, new.choices)


def _consents_given(new: _NewRegistration) -> list[str]:
    data = new.data
    return [kind for kind, given in (("privacy", data.privacy_consent), ("photo", data.photo_consent),
                                     ("needs", data.needs_consent)) if given]


@dataclass(frozen=True)
class _Seats:
    """A new registration's seats: the event's, and one per chosen workshop (direct mode)."""

    event: bool
    workshops: tuple[bool, ...]


def _apply_outcome(registration: Registration, items: list[ProgramItem], taken: _Seats) -> list[ProgramItem]:
    """Status and workshop seats of a new registration; returns the full workshops it waits for."""
    registration.status = RegistrationStatus.confirmed if taken.event else RegistrationStatus.waitlisted
    if not taken.event:
        return []
    for item, seated in zip(items, taken.workshops):
        if seated:
            give_seat(registration, item)
    return [item for item, seated in zip(items, taken.workshops) if not seated]


def _outcome_history(registration: Registration, waiting: list[ProgramItem], previous: str | None,
                     actor: str) -> list[dict]:
    return [*(history_values("workshop_waitlisted", actor=actor, note=item.title) for item in waiting),
            history_values("registered", previous, registration.status.value, actor)]
