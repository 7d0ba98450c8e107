"""Creating and changing events: details, status, duplicating for next year.

The rules live here, not in the views: every problem is reported as a German sentence per field
(``EditorError``) and nothing is changed unless all checks pass. Each change is written to the
audit log in the same transaction. The program (slots, rooms, items) is in ``program``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from flask_babel import gettext as _

from confapp.extensions import db
from confapp.labels import status_label
from confapp.models import (ChoiceMode, Event, EventStatus, ItemKind, ItemLeader, Network, ProgramItem, Registration,
                            RegistrationStatus, Room, Slot, Speaker, User)
from confapp.services.networks import audit
from confapp.services.registration import admin as registration_admin
from confapp.services.registration import seats
from confapp.services.events.file_format import SLUG_CHARS, YEARS_MESSAGE, outside_years
from confapp.services.privacy.retention import follow_event_dates


class EditorError(ValueError):
    """Problems with an edit: field name → German message. Nothing was changed."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(" ".join(problems.values()))
        self.problems = problems


@dataclass
class EventDetails:
    """What the event form edits."""

    title: str
    slug: str
    starts_at: datetime
    ends_at: datetime
    subtitle: str = ""
    description: str = ""
    venue_name: str = ""
    venue_address: str = ""
    capacity: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    choice_mode: ChoiceMode = ChoiceMode.ranked
    ranks: int = 3
    contact_email: str = ""
    #: Teaching units of 45 minutes for the certificates; None prints none.
    teaching_units: int | None = None


#: German names of the fields, for the audit log.
FIELD_LABELS = {"title": "Titel", "slug": "Adresse", "starts_at": "Beginn", "ends_at": "Ende", "subtitle": "Untertitel",
                "description": "Beschreibung", "venue_name": "Ort", "venue_address": "Anschrift",
                "capacity": "Plätze", "registration_opens_at": "Anmeldebeginn",
                "registration_closes_at": "Anmeldeschluss", "choice_mode": "Workshopwahl", "ranks": "Wünsche",
                "contact_email": "Kontakt-E-Mail", "teaching_units": "Unterrichtseinheiten"}

#: Which status may follow which, and what the button says (UI term in the view).
TRANSITIONS: dict[EventStatus, tuple[EventStatus, ...]] = {
    EventStatus.draft: (EventStatus.published, EventStatus.archived),
    EventStatus.published: (EventStatus.closed, EventStatus.draft, EventStatus.archived),
    EventStatus.closed: (EventStatus.published, EventStatus.archived),
    EventStatus.archived: (EventStatus.draft,),
}


def _slug_taken(slug: str, but: Event | None = None) -> bool:
    query = select(Event.id).where(Event.slug == slug)
    if but is not None and but.id is not None:
        query = query.where(Event.id != but.id)
    return db.session.scalar(query) is not None


def _check_slug(slug: str, problems: dict[str, str], but: Event | None = None) -> None:
    if not slug or not set(slug) <= SLUG_CHARS or slug.startswith("-") or slug.endswith("-"):
        problems["slug"] = _("Bitte nur Kleinbuchstaben a–z, Ziffern und Bindestriche verwenden, z. B. „fachtag-2025“.")
    elif _slug_taken(slug, but):
        problems["slug"] = _("Die Adresse „%(slug)s“ ist schon vergeben. Bitte wählen Sie eine andere.", slug=slug)


def _check_details(details: EventDetails, event: Event | None) -> None:
    problems: dict[str, str] = {}
    if not details.title.strip():
        problems["title"] = _("Bitte geben Sie einen Titel an.")
    _check_slug(details.slug, problems, event)
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        if outside_years(getattr(details, name)):
            problems[name] = YEARS_MESSAGE
    if problems:  # the comparisons below need dates that make sense
        raise EditorError(problems)
    if details.ends_at < details.starts_at:
        problems["ends_at"] = _("Das Ende liegt vor dem Beginn. Bitte prüfen Sie die Zeiten.")
    opens, closes = details.registration_opens_at, details.registration_closes_at
    if opens and closes and closes <= opens:
        problems["registration_closes_at"] = _("Der Anmeldeschluss muss nach dem Anmeldebeginn liegen.")
    elif closes and closes > details.ends_at:
        problems["registration_closes_at"] = _("Der Anmeldeschluss liegt nach dem Ende der Veranstaltung.")
    if event is not None:
        if details.capacity is not None and details.capacity < event.seats_taken:
            problems["capacity"] = _("Es gibt schon %(count)s bestätigte Anmeldungen; "
                                      "die Kapazität kann nicht darunter sinken.", count=event.seats_taken)
        outside = [slot.label for slot in event.slots
                   if slot.starts_at < details.starts_at or slot.ends_at > details.ends_at]
        if outside and "ends_at" not in problems:
            problems["starts_at"] = _("Diese Zeitfenster lägen außerhalb der Veranstaltung: %(slots)s. "
                                       "Bitte verschieben Sie sie zuerst.",
                                       slots=", ".join(f"„{label}“" for label in outside))
    if problems:
        raise EditorError(problems)


def _apply(event: Event, details: EventDetails) -> None:
    for name, value in vars(details).items():
        setattr(event, name, value.strip() if isinstance(value, str) else value)


def create_event(actor: User, network: Network, details: EventDetails) -> Event:
    """A new draft event of the network."""
    _check_details(details, None)
    event = Event(network=network, status=EventStatus.draft, seats_taken=0)
    _apply(event, details)
    follow_event_dates(event)
    db.session.add(event)
    db.session.flush()
    audit.record(actor, "event.created", f"Veranstaltung „{event.title}“ angelegt.", event=event)
    db.session.commit()
    return event


def update_event(actor: User, event: Event, details: EventDetails, *, confirmed: str | None = None) -> list[Registration]:
    """Change the event's details; the program stays. A larger capacity fills from the waitlist:
    returns who moved up (told by e-mail). When anybody would, only with ``confirmed``, the
    fingerprint of the preview of who moves up; else ``bulk.NotConfirmed`` with that preview, and
    the caller rolls back (``registration_admin.fill_after_capacity_change``)."""
    if details.capacity != event.capacity:
        # Under the lock registrations take seats: checked against the count read under it, a
        # smaller capacity cannot meet a seat taken meanwhile (the database would refuse it), and
        # nobody registering meanwhile takes a larger one's new seats from the waitlist.
        event = seats.lock_event(event)
    _check_details(details, event)
    grows = registration_admin.capacity_grows(event, event.capacity, details.capacity)
    changed = [FIELD_LABELS[name] for name, value in vars(details).items() if getattr(event, name) != value]
    _apply(event, details)
    follow_event_dates(event)  # a postponed event keeps its data as long after its new end as before
    audit.record(actor, "event.updated", f"Angaben geändert: {', '.join(changed) or 'nichts'}.", event=event)
    promoted = registration_admin.fill_after_capacity_change(actor, event, confirmed) if grows else []
    db.session.commit()
    return promoted


def set_status(actor: User, event: Event, status: EventStatus) -> Event:
    """Publish, close, archive or take back an event, along the allowed transitions."""
    if status not in TRANSITIONS[event.status]:
        raise EditorError({"status": _("Dieser Statuswechsel ist nicht möglich.")})
    if status == EventStatus.published and not event.slots:
        raise EditorError({"status": _("Eine Veranstaltung ohne Programm kann nicht veröffentlicht werden. "
                                     "Bitte legen Sie zuerst ein Zeitfenster an.")})
    before = event.status
    event.status = status
    audit.record(actor, "event.status", f"Status von „{status_label(before)}“ auf „{status_label(status)}“ gesetzt.", event=event)
    db.session.commit()
    return event


def duplicate_event(actor: User, event: Event, slug: str, title: str, starts_on: date) -> Event:
    """A draft copy of the event and its program, all times shifted so it starts on ``starts_on``.

    Rooms, speakers, slots, items, capacities, workshop leaders and the flyers' cover photo are
    copied; registrations are not.
    """
    problems: dict[str, str] = {}
    _check_slug(slug, problems)
    if not title.strip():
        problems["title"] = _("Bitte geben Sie einen Titel an.")
    if outside_years(starts_on) or outside_years(starts_on + (event.ends_at - event.starts_at)):
        problems["starts_on"] = YEARS_MESSAGE
    if problems:
        raise EditorError(problems)
    shift = timedelta(days=(starts_on - event.starts_at.date()).days)

    def moved(value: datetime | None) -> datetime | None:
        return value + shift if value is not None else None

    # The photo is loaded only when used: read it before the copy is pending (reading flushes).
    copy = Event(network=event.network, slug=slug, title=title.strip(), status=EventStatus.draft, seats_taken=0,
                 cover_image=event.cover_image, cover_image_mime=event.cover_image_mime)
    db.session.add(copy)
    for name in ("subtitle", "description", "timezone", "venue_name", "venue_address", "capacity",
                 "choice_mode", "ranks", "contact_email", "keep_attendance_years", "sector_cap_percent",
                 "teaching_units", "checkin_on_open"):
        setattr(copy, name, getattr(event, name))
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        setattr(copy, name, moved(getattr(event, name)))
    copy.retention_explicit = False  # the copy's date follows its own dates
    follow_event_dates(copy)
    rooms = {room.id: Room(name=room.name, capacity=room.capacity, access_notes=room.access_notes)
             for room in event.rooms}
    speakers = {speaker.id: Speaker(name=speaker.name) for speaker in event.speakers}
    copy.rooms, copy.speakers = list(rooms.values()), list(speakers.values())
    leaders: list[tuple[ProgramItem, int]] = []
    for slot in event.slots:
        new_slot = Slot(label=slot.label, starts_at=moved(slot.starts_at), ends_at=moved(slot.ends_at))
        copy.slots.append(new_slot)
        for item in slot.items:
            new_item = ProgramItem(
                kind=item.kind, title=item.title, abstract=item.abstract, capacity=item.capacity, seats_taken=0,
                position=item.position, starts_at=moved(item.starts_at), ends_at=moved(item.ends_at),
                room=rooms.get(item.room_id), shares_room=item.shares_room,
                speakers=[speakers[s.id] for s in item.speakers])
            new_slot.items.append(new_item)
            leaders += [(new_item, user_id) for user_id in leader_ids(item)]
    db.session.flush()
    for item, user_id in leaders:
        db.session.add(ItemLeader(program_item_id=item.id, user_id=user_id))
    audit.record(actor, "event.duplicated",
                 f"Kopie von „{event.title}“ ({event.slug}) angelegt, Termine um {shift.days} Tage verschoben.",
                 event=copy)
    db.session.commit()
    return copy


def leader_ids(item: ProgramItem) -> list[int]:
    return list(db.session.scalars(select(ItemLeader.user_id).where(ItemLeader.program_item_id == item.id)))


@dataclass(frozen=True)
class KeyFigures:
    confirmed: int
    waitlisted: int
    cancelled: int
    checked_in: int
    workshops: int
    workshop_seats: int
    workshop_seats_taken: int
    #: Of ``workshops``, how many are theme tables (the page calls them what they are).
    theme_tables: int = 0


def key_figures(event: Event) -> KeyFigures:
    """The numbers on the event's overview page."""
    counts = dict(db.session.execute(
        select(Registration.status, func.count()).where(Registration.event_id == event.id)
        .group_by(Registration.status)).all())
    checked_in = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == event.id, Registration.checked_in_at.is_not(None))) or 0
    choice = [item for slot in event.slots for item in slot.choice_items]
    return KeyFigures(
        confirmed=counts.get(RegistrationStatus.confirmed, 0), waitlisted=counts.get(RegistrationStatus.waitlisted, 0),
        cancelled=counts.get(RegistrationStatus.cancelled, 0), checked_in=checked_in, workshops=len(choice),
        workshop_seats=sum(item.capacity or 0 for item in choice),
        workshop_seats_taken=sum(item.seats_taken for item in choice),
        theme_tables=sum(item.kind == ItemKind.theme_table for item in choice))
