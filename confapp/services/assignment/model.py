"""The workshop assignment as a plain problem: who wishes what, which seats exist, what is fixed.

The solver (``solver``) works on these values only, so it can be tested and benchmarked
without a database. ``load_problem`` builds one from an event; everything is put into one canonical
order here (people by registration time, then a seeded hash; items by slot and position), so the
same registrations give the same problem, and so the same result, whatever order the rows come in.
"""
from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from confapp.extensions import db
from confapp.models import Assignment, ChoiceMode, Event, Preference, Registration, RegistrationStatus

#: Cost of each rank step down the wish list (1st wish 0, 2nd 2, 3rd 4, …).
WISH_STEP = 2
#: Cost of one person over a workshop's sector cap: 1.5 rank steps, so the solver gives one person
#: their next wish to keep a workshop mixed, but never two rank steps for it.
SECTOR_OVER = 3
#: Cost of moving someone away from the seat they have (re-optimisation keeps seats where it can).
MOVE = 3
#: Priority levels of the tie-break; above this many people, neighbours share a level.
TIE_LEVELS = 1000


def fallback_cost(ranks: int) -> int:
    """A seat in a workshop nobody wished: three rank steps worse than the last wish."""
    return WISH_STEP * (ranks + 2)


def unplaced_cost(ranks: int) -> int:
    """No seat at all: far worse than any fallback, so everyone is placed while seats remain."""
    return 10 * fallback_cost(ranks)


class AssignmentMode(enum.Enum):
    #: Compute everyone's seats anew; current seats get a bonus, locked ones stay.
    reoptimize = "reoptimize"
    #: Place only those without a seat, into free seats; nobody else moves.
    fill = "fill"


@dataclass(frozen=True)
class Item:
    """A workshop or theme table in one slot."""

    key: int
    slot: int
    title: str
    #: Items with the same topic in several slots are one workshop held repeatedly; nobody attends twice.
    topic: str
    #: Seats for this assignment: capacity less seats held by people outside the problem.
    capacity: int


@dataclass(frozen=True)
class Person:
    """One confirmed registration, with its wishes and the seats it has."""

    key: int
    sector: str
    #: Wished item keys per slot, best first.
    wishes: dict[int, tuple[int, ...]]
    #: Current seat per slot.
    current: dict[int, int] = field(default_factory=dict)
    #: Seats kept exactly as they are (locked, or every seat in fill mode).
    fixed: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    slots: tuple[int, ...]
    slot_labels: dict[int, str]
    #: In slot order, then position within the slot.
    items: tuple[Item, ...]
    #: In priority order: earlier registrations first.
    people: tuple[Person, ...]
    ranks: int = 3
    sector_cap_percent: int | None = 40
    mode: AssignmentMode = AssignmentMode.reoptimize
    #: Seat people whose wishes are full in another workshop with room (always in ranked mode;
    #: in direct mode only when the organiser asks for it). Without it they stay unplaced (waiting).
    fallback: bool = True
    #: Per slot, person keys in the order they queue for it (direct mode: the order they joined a
    #: workshop's waitlist); the tie-break follows it there. Slots not listed use the order of ``people``.
    queue: dict[int, tuple[int, ...]] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """A digest of everything the result depends on, to notice changes between preview and apply."""
        digest = hashlib.sha256()
        digest.update(repr((self.slots, self.items, self.ranks, self.sector_cap_percent, self.mode.value,
                            self.fallback, sorted(self.queue.items()))).encode())
        for person in self.people:
            digest.update(repr((person.key, person.sector, sorted(person.wishes.items()),
                                sorted(person.current.items()), sorted(person.fixed.items()))).encode())
        return digest.hexdigest()

    def sector_cap(self, item: Item) -> int | None:
        """At most this many people of one sector in the item before the penalty applies."""
        if self.sector_cap_percent is None:
            return None
        return max(1, item.capacity * self.sector_cap_percent // 100)


def topic_of(title: str) -> str:
    return " ".join(title.casefold().split())


@dataclass(frozen=True)
class Registrant:
    """What the assignment needs of a confirmed registration."""

    id: int
    name: str
    email: str
    sector: str
    created_at: datetime


@dataclass(frozen=True)
class StoredSeat:
    id: int
    registration_id: int
    slot_id: int
    item_id: int
    locked: bool
    notified_at: datetime | None


@dataclass
class EventRows:
    """An event's confirmed registrations, wishes and stored seats, read as plain rows (fast for thousands)."""

    registrants: list[Registrant]
    #: (registration id, slot id, rank, item id), in the order the wishes were made
    wishes: list[tuple[int, int, int, int]]
    #: Seats of confirmed registrations.
    seats: list[StoredSeat]
    #: Seats per item held by registrations that are not confirmed (not part of the problem).
    held_outside: dict[int, int]


def priority_key(event_slug: str, registration: Registration | Registrant) -> tuple[datetime, str]:
    """Earlier registrations first; equal times in a seeded order that does not depend on row order."""
    seeded = hashlib.sha256(f"{event_slug}\0{registration.email}".encode()).hexdigest()
    return registration.created_at, seeded


def confirmed_registrations(event: Event) -> list[Registration]:
    return list(db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.confirmed)
        .options(selectinload(Registration.assignments))
    ))


def load_rows(event: Event) -> EventRows:
    confirmed = (Registration.event_id == event.id) & (Registration.status == RegistrationStatus.confirmed)
    registrants = [Registrant(id, f"{first} {last}".strip(), email, sector, created_at)
                   for id, first, last, email, sector, created_at in db.session.execute(
                       select(Registration.id, Registration.first_name, Registration.last_name, Registration.email,
                              Registration.sector, Registration.created_at).where(confirmed))]
    wishes = [tuple(row) for row in db.session.execute(
        select(Preference.registration_id, Preference.slot_id, Preference.rank, Preference.program_item_id)
        .join(Registration).where(confirmed).order_by(Preference.id))]
    seats, held = [], {}
    for row in db.session.execute(
            select(Assignment.id, Assignment.registration_id, Assignment.slot_id, Assignment.program_item_id,
                   Assignment.locked, Assignment.notified_at, Registration.status)
            .join(Registration).where(Registration.event_id == event.id)):
        if row.status == RegistrationStatus.confirmed:
            seats.append(StoredSeat(*row[:6]))
        else:
            held[row.program_item_id] = held.get(row.program_item_id, 0) + 1
    return EventRows(registrants, wishes, seats, held)


def load_problem(event: Event, mode: AssignmentMode = AssignmentMode.reoptimize,
                 rows: EventRows | None = None, fallback: bool = True) -> Problem:
    """The assignment problem of an event's confirmed registrations and choice slots.

    In direct mode (attendees took a seat at once) each person has one wish per slot, the workshop
    they chose; those without its seat wait for it. Then there is one rank, no sector cap (a waitlist
    is first come, first served), fallbacks only when ``fallback`` is set, and the tie-break follows
    each workshop's waitlist order (the order the choices were made, as ``registration`` promotes).
    """
    rows = load_rows(event) if rows is None else rows
    direct = event.choice_mode == ChoiceMode.direct
    registrants = sorted(rows.registrants, key=lambda r: priority_key(event.slug, r))
    slots = event.choice_slots
    items = tuple(
        Item(key=item.id, slot=slot.id, title=item.title, topic=topic_of(item.title),
             capacity=max((len(registrants) if item.capacity is None else item.capacity)
                          - rows.held_outside.get(item.id, 0), 0))
        for slot in slots for item in slot.choice_items
    )
    item_keys = {item.key for item in items}
    wishes: dict[int, dict[int, list[tuple[int, int]]]] = {}
    for registration_id, slot_id, rank, item_id in rows.wishes:
        if item_id in item_keys and (rank == 1 or not direct):  # direct mode: the workshop chosen
            wishes.setdefault(registration_id, {}).setdefault(slot_id, []).append((rank, item_id))
    current: dict[int, dict[int, int]] = {}
    locked: dict[int, dict[int, int]] = {}
    for seat in rows.seats:
        if seat.item_id in item_keys:
            current.setdefault(seat.registration_id, {})[seat.slot_id] = seat.item_id
            if seat.locked:
                locked.setdefault(seat.registration_id, {})[seat.slot_id] = seat.item_id
    people = []
    for registrant in registrants:
        seats = current.get(registrant.id, {})
        people.append(Person(
            key=registrant.id, sector=registrant.sector,
            wishes={slot: tuple(item for _, item in sorted(ranked))
                    for slot, ranked in wishes.get(registrant.id, {}).items()},
            current=dict(seats),
            fixed=dict(seats) if mode == AssignmentMode.fill else locked.get(registrant.id, {})))
    queue: dict[int, dict[int, None]] = {}  # dicts keep the first position of each person
    if direct:
        known = {person.key: person for person in people}
        for registration_id, slot_id, rank, item_id in rows.wishes:
            person = known.get(registration_id)
            if person is not None and rank == 1 and item_id in item_keys and slot_id not in person.fixed:
                queue.setdefault(slot_id, {})[registration_id] = None
    return Problem(slots=tuple(slot.id for slot in slots), slot_labels={slot.id: slot.label for slot in slots},
                   items=items, people=tuple(people), ranks=1 if direct else event.ranks,
                   sector_cap_percent=None if direct else event.sector_cap_percent, mode=mode,
                   fallback=fallback or not direct,
                   queue={slot: tuple(keys) for slot, keys in queue.items()})
