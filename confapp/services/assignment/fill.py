"""Seat people promoted from the event's waitlist in a ranked event: free seats of their wishes, at once.

Once an assignment has been applied, someone who moves up from the waitlist (a cancellation, a larger
capacity, the organiser's "Warteliste nachrücken") would otherwise have no workshop until an organiser
fills again. This is the same fill as ``flask assign --fill`` (nobody seated moves), limited to the
people just promoted and to the workshops they wished (no unwished seat: that stays the organiser's
call). It runs inside the promoting transaction, which holds the event's lock; every seat is taken
with the conditional UPDATE of ``registration.seats``, so capacity holds.
"""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from confapp.extensions import db
from confapp.models import (Assignment, AssignmentSource, ChoiceMode, Event, ProgramItem, Registration,
                            RegistrationHistory, utcnow)
from confapp.services.assignment.model import AssignmentMode, load_problem
from confapp.services.assignment.solver import solve
from confapp.services.registration import seats


def seat_promoted(event: Event, promoted: list[Registration], actor: str) -> dict[int, list[ProgramItem]]:
    """Give each promoted registration the best free seats among its wishes; returns the seats per id.

    Only in ranked events whose assignment has begun (some seat exists); before that the organiser's
    assignment seats everyone together. Does not commit. The promotion e-mail names the seats, so
    they count as told.
    """
    if event.choice_mode != ChoiceMode.ranked or not promoted or not event.choice_slots:
        return {}
    begun = db.session.scalar(select(Assignment.id).join(Registration)
                              .where(Registration.event_id == event.id).limit(1))
    if begun is None:
        return {}
    db.session.flush()
    ids = {registration.id for registration in promoted}
    problem = load_problem(event, AssignmentMode.fill, fallback=False)
    # Everyone seated keeps their seat (fill mode); others without a seat wait for the organiser.
    problem = replace(problem, people=tuple(person if person.key in ids else replace(person, wishes={})
                                            for person in problem.people))
    solution = solve(problem)
    items = {item.id: item for slot in event.choice_slots for item in slot.choice_items}
    by_id = {registration.id: registration for registration in promoted}
    gained: dict[int, list[ProgramItem]] = {}
    now = utcnow()
    for (registration_id, slot_id), item_id in sorted(solution.seats.items()):
        if registration_id not in ids or item_id is None or (registration_id, slot_id) in solution.fixed:
            continue
        item = items[item_id]
        if not seats.take_item_seat(item):
            continue
        registration = by_id[registration_id]
        registration.assignments.append(Assignment(slot_id=slot_id, program_item=item, source=AssignmentSource.auto,
                                                   notified_at=now))
        db.session.add(RegistrationHistory(registration=registration, action="assigned", actor=actor,
                                           note=f"{item.slot.label}: {item.title} (nach dem Nachrücken)", at=now))
        gained.setdefault(registration_id, []).append(item)
    return gained
