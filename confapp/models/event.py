"""An event (Veranstaltung) and its program: slots, rooms, program items, speakers.

Program times (``starts_at``, ``ends_at``, registration window) are naive wall-clock times in
the event's own ``timezone``: that is how organisers think and print them. System timestamps
elsewhere are naive UTC.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import (CheckConstraint, Column, Enum, ForeignKey, LargeBinary, String, Table, Text, UniqueConstraint, event, false,
                        inspect)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from confapp.extensions import db
from confapp.models.base import utcnow
from confapp.models.network import Network


class EventStatus(enum.Enum):
    draft = "draft"
    published = "published"
    closed = "closed"
    archived = "archived"


class ChoiceMode(enum.Enum):
    #: Attendees rank workshops; organisers assign after registration closes.
    ranked = "ranked"
    #: Attendees take a free seat at once.
    direct = "direct"


class ItemKind(enum.Enum):
    talk = "talk"
    workshop = "workshop"
    theme_table = "theme_table"
    break_ = "break"

    @property
    def is_choice(self) -> bool:
        """Attendees choose among parallel items of this kind."""
        return self in (ItemKind.workshop, ItemKind.theme_table)


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Event(db.Model):
    """A Fachtagung, forum, network meeting or training of one network."""

    __table_args__ = (
        CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("seats_taken >= 0 AND (capacity IS NULL OR seats_taken <= capacity)",
                        name="seats_within_capacity"),
        CheckConstraint("ranks BETWEEN 1 AND 5", name="ranks_range"),
        CheckConstraint("keep_attendance_years IS NULL OR keep_attendance_years BETWEEN 1 AND 30",
                        name="keep_attendance_years_range"),
        CheckConstraint("sector_cap_percent IS NULL OR sector_cap_percent BETWEEN 1 AND 100",
                        name="sector_cap_percent_range"),
        CheckConstraint("teaching_units IS NULL OR teaching_units BETWEEN 1 AND 100",
                        name="teaching_units_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="RESTRICT"), index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    subtitle: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    #: IANA zone of all program times of this event, e.g. "Europe/Berlin".
    timezone: Mapped[str] = mapped_column(String(60), default="Europe/Berlin")
    venue_name: Mapped[str] = mapped_column(String(200), default="")
    venue_address: Mapped[str] = mapped_column(String(300), default="")
    registration_opens_at: Mapped[datetime | None]
    registration_closes_at: Mapped[datetime | None]
    #: Attendees the event admits; None for no limit beyond the workshops.
    capacity: Mapped[int | None]
    #: Confirmed registrations, kept in step inside the registering transaction.
    seats_taken: Mapped[int] = mapped_column(default=0)
    status: Mapped[EventStatus] = mapped_column(_enum(EventStatus), default=EventStatus.draft)
    choice_mode: Mapped[ChoiceMode] = mapped_column(_enum(ChoiceMode), default=ChoiceMode.ranked)
    #: How many wishes (1. Wahl, 2. Wahl, …) attendees give per workshop slot in ranked mode.
    ranks: Mapped[int] = mapped_column(default=3)
    #: Personal data of this event is deleted after this day.
    retention_until: Mapped[date | None]
    #: An organiser set ``retention_until``; otherwise it follows the event's end by the network's rule.
    retention_explicit: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Years a funder requires the names on the attendance list to be kept after the purge
    #: (everything else goes); None keeps nothing.
    keep_attendance_years: Mapped[int | None]
    #: When personal data was deleted; names of attendees may remain until ``attendance_kept_until``.
    purged_at: Mapped[datetime | None]
    attendance_kept_until: Mapped[date | None]
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    #: Soft cap on one sector's share of a workshop's seats, so professions mix; None for no cap.
    sector_cap_percent: Mapped[int | None] = mapped_column(default=40, server_default="40")
    #: Unterrichtseinheiten (45 minutes each) printed on certificates; None prints no hours.
    teaching_units: Mapped[int | None]
    #: Opening a badge link checks the attendee in at once (no "Einchecken" button press).
    checkin_on_open: Mapped[bool] = mapped_column(default=False)
    #: A photo behind the flyers' title (JPEG or PNG, re-encoded on upload) and its MIME type; None
    #: for none. Loaded when printed: the event is read with every public request.
    cover_image: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    cover_image_mime: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Goes up with every change of what the public pages show but the seat counts (the event,
    #: its program, rooms, speakers, its network's name): the public pages' cache key, kept by
    #: ``keep_page_versions``. Seat counts are read with it, so every change reaches the pages.
    page_version: Mapped[int] = mapped_column(default=1, server_default="1")

    network: Mapped[Network] = relationship(back_populates="events")
    slots: Mapped[list["Slot"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="(Slot.starts_at, Slot.id)"
    )
    rooms: Mapped[list["Room"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Room.name"
    )
    speakers: Mapped[list["Speaker"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Speaker.name"
    )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local_now(self) -> datetime:
        """The current wall-clock time at the event's place, naive like the program times."""
        return datetime.now(self.zone).replace(tzinfo=None)

    @property
    def is_public(self) -> bool:
        return self.status in (EventStatus.published, EventStatus.closed)

    def registration_opens_later(self, at: datetime | None = None) -> bool:
        """Published, and registration has not begun yet (it opens at ``registration_opens_at``)."""
        opens = self.registration_opens_at
        return self.status == EventStatus.published and opens is not None and (at or self.local_now()) < opens

    def registration_open(self, at: datetime | None = None) -> bool:
        """Published, not purged, and now (wall-clock at the venue) inside the registration window."""
        if self.status != EventStatus.published or self.purged_at is not None:
            return False
        now = at or self.local_now()
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        closes = self.registration_closes_at or self.starts_at
        return now < closes

    @property
    def choice_slots(self) -> list["Slot"]:
        """Slots in which attendees choose one workshop or theme table."""
        return [slot for slot in self.slots if slot.choice_items]


class Slot(db.Model):
    """A time window of the program (Zeitfenster); parallel items share one slot."""

    __table_args__ = (CheckConstraint("ends_at >= starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]

    event: Mapped[Event] = relationship(back_populates="slots")
    items: Mapped[list["ProgramItem"]] = relationship(
        back_populates="slot", cascade="all, delete-orphan", order_by="(ProgramItem.position, ProgramItem.id)"
    )

    @property
    def choice_items(self) -> list["ProgramItem"]:
        return [item for item in self.items if item.kind.is_choice]


class Room(db.Model):
    """A room of the venue (Raum)."""

    __table_args__ = (
        UniqueConstraint("event_id", "name", name="uq_room_event_name"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    #: Seats the room holds; workshop capacities above it are warned about.
    capacity: Mapped[int | None]
    #: Step-free access, lift, hearing loop … shown to attendees.
    access_notes: Mapped[str] = mapped_column(String(500), default="")

    event: Mapped[Event] = relationship(back_populates="rooms")


program_item_speaker = Table(
    "program_item_speaker",
    db.metadata,
    Column("program_item_id", ForeignKey("program_item.id", ondelete="CASCADE"), primary_key=True),
    Column("speaker_id", ForeignKey("speaker.id", ondelete="CASCADE"), primary_key=True),
)


class Speaker(db.Model):
    """A speaker or workshop leader named in the program (Referent*in)."""

    __table_args__ = (UniqueConstraint("event_id", "name", name="uq_speaker_event_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    #: Name with title and affiliation as printed, e.g. "Dr. Anna Beispiel (Klinikum Dessau)".
    name: Mapped[str] = mapped_column(String(200))

    event: Mapped[Event] = relationship(back_populates="speakers")


class ProgramItem(db.Model):
    """One entry of an event's program: a talk, a workshop, a theme table or a break."""

    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("seats_taken >= 0 AND (capacity IS NULL OR seats_taken <= capacity)",
                        name="seats_within_capacity"),
        CheckConstraint("starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at", name="item_ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ItemKind] = mapped_column(_enum(ItemKind))
    title: Mapped[str] = mapped_column(String(200))
    abstract: Mapped[str] = mapped_column(Text, default="")
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id", ondelete="SET NULL"), index=True)
    #: Seats attendees can take; None for plenary items that need no choice.
    capacity: Mapped[int | None]
    #: Seats taken, kept in step with assignments inside the same transaction.
    seats_taken: Mapped[int] = mapped_column(default=0)
    #: Order within the slot, as printed.
    position: Mapped[int] = mapped_column(default=0)
    #: May use its room at the same time as other items (theme tables always may; a workshop
    #: marked so is allowed with a warning), e.g. several tables in one hall.
    shares_room: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Own start and end inside the slot (a short talk in a long morning); None means the whole slot.
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]

    slot: Mapped[Slot] = relationship(back_populates="items")
    room: Mapped[Room | None] = relationship()
    speakers: Mapped[list[Speaker]] = relationship(secondary=program_item_speaker, order_by="Speaker.name")

    @property
    def begins(self) -> datetime:
        return self.starts_at or self.slot.starts_at

    @property
    def ends(self) -> datetime:
        return self.ends_at or self.slot.ends_at

    @property
    def seats_free(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken, 0)


#: What an event's public pages do not show, or read live (seat counts): no new page version.
_NOT_ON_THE_PAGE = frozenset({"seats_taken", "page_version", "purged_at", "attendance_kept_until"})


@event.listens_for(Session, "before_flush")
def keep_page_versions(session: Session, _context, _instances) -> None:
    """Whatever the organiser changes through the ORM (editor, program editor, event file,
    status, capacity, rooms, speakers, the network's name) raises the page version of the
    events it shows on, in the same flush. Seat counts change by conditional UPDATEs and are
    read with the version; they need none."""
    events: dict[int, Event] = {}
    for instance in (*session.new, *session.dirty, *session.deleted):
        for changed in _events_shown_on(session, instance):
            events[id(changed)] = changed
    for changed in events.values():
        if changed not in session.deleted and changed.id is not None:
            changed.page_version = Event.page_version + 1  # in the database: concurrent changes both count


def _events_shown_on(session: Session, instance) -> list[Event]:
    if isinstance(instance, Event):
        state = inspect(instance)
        if state.pending or any(attribute.history.has_changes() for attribute in state.attrs
                                if attribute.key not in _NOT_ON_THE_PAGE):
            return [instance]
        return []
    if isinstance(instance, (Slot, Room, Speaker, ProgramItem)):
        if not session.is_modified(instance) and instance not in session.new and instance not in session.deleted:
            return []
        if isinstance(instance, ProgramItem):
            slot = instance.slot or (session.get(Slot, instance.slot_id) if instance.slot_id else None)
            return [slot.event] if slot is not None and slot.event is not None else []
        shown = instance.event or (session.get(Event, instance.event_id) if instance.event_id else None)
        return [shown] if shown is not None else []
    if isinstance(instance, Network) and session.is_modified(instance):
        return list(instance.events)
    return []
