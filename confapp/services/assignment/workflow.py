"""Workshop assignment (Zuteilung): preview the optimal seats and apply them.

The back office, the API and ``flask assign`` use this module, and ``notices`` to tell attendees:

- ``preview(event, mode)`` computes the optimal assignment and returns it with its report and the
  list of changes against the stored seats, changing nothing;
- ``apply(event, preview, actor)`` stores a preview, refusing if registrations or seats changed since;
- ``set_locked(event, assignment_id, locked, actor)`` locks or unlocks one seat against re-optimisation;
- ``assign_by_hand(event, registration_id, item_id, actor)`` seats one attendee by hand (locked).

The problem, the solver and the report live in ``model``, ``solver`` and
``report``.

Direct-mode events (attendees take a seat at once, or wait for their full workshop) only ever fill:
nobody seated is moved, and those waiting get their chosen workshop in waitlist order as far as seats
allow; another workshop with room (a fallback) only when the organiser asks for it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from flask_babel import gettext as _

from confapp.extensions import db
from confapp.models import (Assignment, AssignmentSource, ChoiceMode, Event, ProgramItem, Registration,
                            RegistrationHistory, RegistrationStatus, utcnow)
from confapp.services.registration import seats as event_seats
from confapp.services.assignment.model import (AssignmentMode, EventRows, Problem, load_problem, load_rows,
                                               topic_of)
from confapp.services.assignment.report import AssignmentReport, build_report
from confapp.services.assignment.solver import solve

__all__ = ["AppliedAssignment", "AssignmentError", "AssignmentMode", "AssignmentPreview", "Change", "Unplaced", "apply",
           "assign_by_hand", "preview", "set_locked"]


class AssignmentError(Exception):
    """Something an organiser must fix first; the message is German and says what to do."""


@dataclass(frozen=True)
class Change:
    """One seat that differs from what is stored."""

    registration_id: int
    name: str
    slot_id: int
    slot_label: str
    #: Workshop titles; None for no seat.
    before: str | None
    after: str | None
    #: The attendee has been told the seat they had: this move must be communicated.
    notified: bool
    #: Direct mode, for someone without a seat: the workshop they waited for.
    waiting_for: str | None = None


@dataclass(frozen=True)
class Unplaced:
    """Someone without a seat in one slot after the assignment, named for the organiser."""

    registration_id: int
    name: str
    sector: str
    slot_label: str
    #: The workshops they wished in that slot, best first.
    wishes: tuple[str, ...]


@dataclass(frozen=True)
class AssignmentPreview:
    event_id: int
    mode: AssignmentMode
    #: Item id (or None for no seat) per (registration id, slot id), for every confirmed registration.
    seats: dict[tuple[int, int], int | None]
    changes: tuple[Change, ...]
    report: AssignmentReport
    #: Digest of the input; ``apply`` refuses a preview whose input has changed since.
    fingerprint: str
    #: People whose wishes are full may get another workshop with room (direct mode: on request).
    fallback: bool = True
    #: Registrations on the event's own waitlist: they have no seat in the event, so none in a workshop.
    waiting_for_event: int = 0
    #: Everyone without a seat in a slot, by slot then priority.
    unplaced: tuple[Unplaced, ...] = ()

    @property
    def moves_of_notified(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.notified)


@dataclass(frozen=True)
class AppliedAssignment:
    created: int
    moved: int
    removed: int


def require_choices(event: Event, mode: AssignmentMode | None = None) -> None:
    if not event.choice_slots:
        raise AssignmentError(_("„%(title)s“ hat keine Workshops oder Thementische, die zugeteilt werden können.",
                                title=event.title))
    if mode == AssignmentMode.reoptimize and event.choice_mode == ChoiceMode.direct:
        raise AssignmentError(_("Bei „%(title)s“ wählen die Teilnehmenden ihren Workshop selbst; niemand wird "
                                "verschoben. Bitte wählen Sie „Freie Plätze füllen“.", title=event.title))


def _changes(problem: Problem, rows: EventRows, seats: dict[tuple[int, int], int | None]) -> tuple[Change, ...]:
    titles = {item.key: item.title for item in problem.items}
    names = {registrant.id: registrant.name for registrant in rows.registrants}
    notified = {(seat.registration_id, seat.slot_id) for seat in rows.seats if seat.notified_at is not None}
    changes = []
    for person in problem.people:
        for slot in problem.slots:
            before, after = person.current.get(slot), seats.get((person.key, slot))
            if before != after:
                wished = person.wishes.get(slot, ())
                changes.append(Change(
                    registration_id=person.key, name=names[person.key], slot_id=slot,
                    slot_label=problem.slot_labels[slot], before=titles.get(before), after=titles.get(after),
                    notified=(person.key, slot) in notified,
                    waiting_for=titles.get(wished[0]) if problem.queue and before is None and wished else None))
    if problem.queue:  # direct mode: each slot's changes in waitlist order, as people queued
        slot_index = {slot: index for index, slot in enumerate(problem.slots)}
        places = {(slot, key): place for slot, queue in problem.queue.items() for place, key in enumerate(queue)}
        changes.sort(key=lambda c: (slot_index[c.slot_id], places.get((c.slot_id, c.registration_id), len(places))))
    return tuple(changes)


def _unplaced(problem: Problem, rows: EventRows, seats: dict[tuple[int, int], int | None]) -> tuple[Unplaced, ...]:
    titles = {item.key: item.title for item in problem.items}
    names = {registrant.id: registrant.name for registrant in rows.registrants}
    return tuple(
        Unplaced(registration_id=person.key, name=names[person.key], sector=person.sector,
                 slot_label=problem.slot_labels[slot],
                 wishes=tuple(titles[key] for key in person.wishes.get(slot, ()) if key in titles))
        for slot in problem.slots for person in problem.people if seats.get((person.key, slot)) is None)


def preview(event: Event, mode: AssignmentMode = AssignmentMode.reoptimize,
            progress: Callable[[int, str], None] | None = None, fallback: bool = False) -> AssignmentPreview:
    """The optimal assignment of the event's confirmed registrations; nothing is stored.

    ``progress`` is called with the percent done and what comes next, in German (for a progress bar).
    Direct mode takes only ``AssignmentMode.fill``; ``fallback`` then also offers people whose chosen
    workshop stays full a seat in another one with room (ranked mode always does).
    """
    require_choices(event, mode)
    if progress:
        progress(5, "Anmeldungen und Wünsche lesen")
    rows = load_rows(event)
    problem = load_problem(event, mode, rows, fallback=fallback)
    if progress:
        progress(20, f"Beste Zuteilung für {len(problem.people)} Personen berechnen")
    solution = solve(problem)
    if progress:
        progress(90, "Bericht erstellen")
    return AssignmentPreview(
        event_id=event.id, mode=mode, seats=solution.seats,
        changes=_changes(problem, rows, solution.seats),
        report=build_report(problem, solution), fingerprint=problem.fingerprint(), fallback=problem.fallback,
        waiting_for_event=db.session.scalar(select(func.count()).select_from(Registration).where(
            Registration.event_id == event.id, Registration.status == RegistrationStatus.waitlisted)) or 0,
        unplaced=_unplaced(problem, rows, solution.seats),
    )


def apply(event: Event, result: AssignmentPreview, actor: str = "system",
          before_commit: Callable[[AppliedAssignment], None] | None = None) -> AppliedAssignment:
    """Store a preview's seats in one transaction; moved seats are marked as not yet notified.

    Refuses if the registrations, wishes or seats changed since the preview was computed. The
    transaction holds the event's seat lock (``seats.lock_event``, which commits what the session had
    pending first); ``before_commit`` is called inside it with the counts, e.g. to note the action
    in the audit log so that it commits with the seats.
    """
    if result.event_id != event.id:
        raise AssignmentError(_("Diese Vorschau gehört zu einer anderen Veranstaltung."))
    require_choices(event, result.mode)
    event = event_seats.lock_event(event)
    item_ids = [item.id for slot in event.choice_slots for item in slot.choice_items]
    # Seat changes elsewhere wait for this transaction (the event lock; the item rows too, for
    # callers that take a seat without it), so the recount below stays exact.
    db.session.execute(select(ProgramItem.id).where(ProgramItem.id.in_(item_ids)).with_for_update())
    rows = load_rows(event)
    problem = load_problem(event, result.mode, rows, fallback=result.fallback)
    if problem.fingerprint() != result.fingerprint:
        db.session.rollback()
        raise AssignmentError(_("Anmeldungen, Wünsche oder Zuteilungen haben sich seit der Vorschau geändert. "
                              "Bitte berechnen Sie die Vorschau neu."))
    titles = {item.key: item.title for item in problem.items}
    stored = {(seat.registration_id, seat.slot_id): seat for seat in rows.seats}
    created, moved, removed, history = [], [], [], []
    for person in problem.people:
        for slot in problem.slots:
            if slot in person.fixed:
                continue
            target, existing = result.seats.get((person.key, slot)), stored.get((person.key, slot))
            label = problem.slot_labels[slot]
            if existing is None and target is not None:
                created.append({"registration_id": person.key, "slot_id": slot, "program_item_id": target,
                                "source": AssignmentSource.auto, "locked": False, "created_at": utcnow()})
                history.append((person.key, "assigned", f"{label}: {titles[target]}"))
            elif existing is not None and target is None:
                removed.append(existing.id)
                history.append((person.key, "unassigned", f"{label}: {titles.get(existing.item_id, '')}"))
            elif existing is not None and existing.item_id != target:
                moved.append({"id": existing.id, "program_item_id": target, "source": AssignmentSource.auto,
                              "notified_at": None})
                history.append((person.key, "moved", f"{label}: {titles.get(existing.item_id, '')} → "
                                                     f"{titles[target]}"))
    if removed:
        db.session.execute(delete(Assignment).where(Assignment.id.in_(removed)))
    if moved:
        db.session.execute(update(Assignment), moved)
    if created:
        db.session.execute(insert(Assignment), created)
    if history:
        now = utcnow()
        db.session.execute(insert(RegistrationHistory), [
            {"registration_id": key, "action": action, "actor": actor, "note": note, "at": now}
            for key, action, note in history])
    _recount_seats(item_ids)
    applied = AppliedAssignment(created=len(created), moved=len(moved), removed=len(removed))
    if before_commit is not None:
        before_commit(applied)
    db.session.commit()
    return applied


def _recount_seats(item_ids: list[int]) -> None:
    counts = dict(db.session.execute(select(Assignment.program_item_id, func.count())
                                     .where(Assignment.program_item_id.in_(item_ids))
                                     .group_by(Assignment.program_item_id)).all())
    db.session.execute(update(ProgramItem), [{"id": item_id, "seats_taken": counts.get(item_id, 0)}
                                             for item_id in item_ids])


def set_locked(event: Event, assignment_id: int, locked: bool, actor: str = "system") -> Assignment:
    """Lock a seat (kept by every re-optimisation) or unlock it; only seats of this event.

    Under the event's lock, like every change of seats: a re-optimisation running at the same
    time would otherwise replace the seat between reading and changing it."""
    event = event_seats.lock_event(event)
    assignment = db.session.scalar(select(Assignment).join(Registration)
                                   .where(Assignment.id == assignment_id, Registration.event_id == event.id,
                                          Registration.status == RegistrationStatus.confirmed))
    if assignment is None:
        raise AssignmentError(_("Diese Zuteilung gibt es in dieser Veranstaltung nicht."))
    if assignment.locked != locked:
        assignment.locked = locked
        assignment.registration.history.append(RegistrationHistory(
            action="locked" if locked else "unlocked", actor=actor,
            note=f"{assignment.slot.label}: {assignment.program_item.title}"))
    db.session.commit()
    return assignment


def assign_by_hand(event: Event, registration_id: int, item_id: int, actor: str = "system") -> Assignment:
    """Seat one confirmed attendee in a workshop by hand; the seat is locked against re-optimisation.

    A seat the attendee had in the same slot is given back. Refuses a full workshop and a topic the
    attendee already has in another slot. Under the event's lock, so that the attendee cannot
    cancel (and give back their seats) between the check and the new seat.
    """
    event = event_seats.lock_event(event)
    registration = db.session.scalar(select(Registration).where(
        Registration.id == registration_id, Registration.event_id == event.id,
        Registration.status == RegistrationStatus.confirmed))
    if registration is None:
        raise AssignmentError(_("Diese bestätigte Anmeldung gibt es in dieser Veranstaltung nicht."))
    items = {item.id: item for slot in event.choice_slots for item in slot.choice_items}
    item = items.get(item_id)
    if item is None:
        raise AssignmentError(_("Diesen Workshop oder Thementisch gibt es in dieser Veranstaltung nicht."))
    seat = next((a for a in registration.assignments if a.slot_id == item.slot_id), None)
    elsewhere = {topic_of(items[a.program_item_id].title) for a in registration.assignments
                 if a.slot_id != item.slot_id and a.program_item_id in items}
    if topic_of(item.title) in elsewhere:
        raise AssignmentError(f"{registration.full_name} hat „{item.title}“ schon in einem anderen Zeitfenster.")
    if seat is not None and seat.program_item_id == item.id:
        seat.locked, seat.source = True, AssignmentSource.manual
        db.session.commit()
        return seat
    if not event_seats.take_item_seat(item):
        db.session.rollback()
        raise AssignmentError(_("„%(title)s“ ist voll. Geben Sie zuerst einen Platz frei "
                                "oder erhöhen Sie die Kapazität.", title=item.title))
    if seat is None:
        seat = Assignment(registration=registration, slot_id=item.slot_id, program_item_id=item.id)
        db.session.add(seat)
        registration.history.append(RegistrationHistory(action="assigned", actor=actor,
                                                        note=f"{item.slot.label}: {item.title} (von Hand)"))
    else:
        event_seats.free_item_seat(seat.program_item)
        registration.history.append(RegistrationHistory(
            action="moved", actor=actor,
            note=f"{item.slot.label}: {seat.program_item.title} → {item.title} (von Hand)"))
        seat.program_item, seat.notified_at = item, None
    seat.locked, seat.source = True, AssignmentSource.manual
    db.session.commit()
    return seat
