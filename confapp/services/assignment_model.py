"""The workshop assignment as a plain problem: who wishes what, which seats exist, what is fixed.

The solver (``assignment_solver``) works on these values only, so it can be tested and benchmarked
without a database. ``load_problem`` builds one from an event; everything is put into one canonical
order here (people by registration time, then a seeded hash; items by slot and position), so the
same registrations give the same problem, and so the same result, whatever order the rows come in.
"""
from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from confapp.extensions import db
from confapp.models import Assignment, Event, Registration, RegistrationStatus

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

    def fingerprint(self) -> str:
        """A digest of everything the result depends on, to notice changes between preview and apply."""
        digest = hashlib.sha256()
        digest.update(repr((self.slots, self.items, self.ranks, self.sector_cap_percent, self.mode.value)).encode())
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


def priority_key(event_slug: str, registration: Registration) -> tuple[datetime, str]:
    """Earlier registrations first; equal times in a seeded order that does not depend on row order."""
    seeded = hashlib.sha256(f"{event_slug}\0{registration.email}".encode()).hexdigest()
    return registration.created_at, seeded


def confirmed_registrations(event: Event) -> list[Registration]:
    return list(db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.confirmed)
        .options(selectinload(Registration.preferences), selectinload(Registration.assignments))
    ))


def seats_held_outside(event: Event, people: Iterable[int]) -> dict[int, int]:
    """Seats per item held by registrations that are not part of the problem (not confirmed)."""
    inside = set(people)
    held: dict[int, int] = {}
    rows = db.session.execute(select(Assignment.registration_id, Assignment.program_item_id)
                              .join(Registration).where(Registration.event_id == event.id))
    for registration_id, item_id in rows:
        if registration_id not in inside:
            held[item_id] = held.get(item_id, 0) + 1
    return held


def load_problem(event: Event, mode: AssignmentMode = AssignmentMode.reoptimize,
                 registrations: list[Registration] | None = None) -> Problem:
    """The assignment problem of an event's confirmed registrations and choice slots."""
    registrations = confirmed_registrations(event) if registrations is None else registrations
    registrations = sorted(registrations, key=lambda r: priority_key(event.slug, r))
    slots = event.choice_slots
    held = seats_held_outside(event, (r.id for r in registrations))
    items = tuple(
        Item(key=item.id, slot=slot.id, title=item.title, topic=topic_of(item.title),
             capacity=max((len(registrations) if item.capacity is None else item.capacity)
                          - held.get(item.id, 0), 0))
        for slot in slots for item in slot.choice_items
    )
    item_keys = {item.key for item in items}
    people = []
    for registration in registrations:
        wishes: dict[int, list[int]] = {}
        for preference in sorted(registration.preferences, key=lambda p: (p.slot_id, p.rank)):
            if preference.program_item_id in item_keys:
                wishes.setdefault(preference.slot_id, []).append(preference.program_item_id)
        current = {a.slot_id: a.program_item_id for a in registration.assignments if a.program_item_id in item_keys}
        fixed = dict(current) if mode == AssignmentMode.fill else {
            a.slot_id: a.program_item_id for a in registration.assignments
            if a.locked and a.program_item_id in item_keys}
        people.append(Person(key=registration.id, sector=registration.sector,
                             wishes={slot: tuple(keys) for slot, keys in wishes.items()},
                             current=current, fixed=fixed))
    return Problem(slots=tuple(slot.id for slot in slots), slot_labels={slot.id: slot.label for slot in slots},
                   items=items, people=tuple(people), ranks=event.ranks,
                   sector_cap_percent=event.sector_cap_percent, mode=mode)
