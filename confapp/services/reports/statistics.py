"""The numbers a network reports: registrations over time, by sector, by workshop, check-in rate."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import false, select

from confapp.extensions import db
from confapp.formatting import local_moment
from confapp.models import Assignment, Event, ProgramItem, Registration, RegistrationStatus
from confapp.services.reports import needs

#: Registrations that count as attending (or wanting to): cancelled ones do not.
ACTIVE = (RegistrationStatus.confirmed, RegistrationStatus.waitlisted)


@dataclass
class WorkshopFigures:
    item: ProgramItem
    assigned: int
    capacity: int
    sectors: Counter = field(default_factory=Counter)

    @property
    def fill_rate(self) -> float:
        return self.assigned / self.capacity if self.capacity else 0.0


@dataclass
class EventStatistics:
    #: (day, new registrations that day, running total)
    over_time: list[tuple[date, int, int]]
    by_sector: list[tuple[str, int]]
    workshops: list[WorkshopFigures]
    confirmed: int
    waitlisted: int
    cancelled: int
    checked_in: int
    #: Confirmed registrations per diet choice (only with consent), and how many named access needs.
    diets: list[tuple[str, int]] = field(default_factory=list)
    access_needs: int = 0

    @property
    def fill_bars(self) -> list[tuple[str, int]]:
        """Workshop titles with their fill rate in whole percent, for the bar chart."""
        return [(w.item.title, round(w.fill_rate * 100)) for w in self.workshops]

    @property
    def checkin_rate(self) -> float:
        return self.checked_in / self.confirmed if self.confirmed else 0.0


def event_statistics(event: Event) -> EventStatistics:
    """Every figure of the statistics page, from one pass over the event's registrations."""
    rows = db.session.execute(select(Registration.id, Registration.status, Registration.sector,
                                     Registration.created_at, Registration.checked_in_at)
                              .where(Registration.event_id == event.id)).all()
    status_counts = Counter(row.status for row in rows)
    active = [row for row in rows if row.status in ACTIVE]
    # Days as they are where the event is: a sign-up at 0:30 in Berlin belongs to that day, not the one before.
    per_day = Counter(local_moment(row.created_at, event).date() for row in active)
    over_time, total = [], 0
    for day in sorted(per_day):
        total += per_day[day]
        over_time.append((day, per_day[day], total))
    by_sector = sorted(Counter(row.sector or "ohne Angabe" for row in active).items(), key=lambda kv: (-kv[1], kv[0]))
    sector_of = {row.id: row.sector or "ohne Angabe" for row in rows if row.status == RegistrationStatus.confirmed}
    assigned = db.session.execute(select(Assignment.program_item_id, Assignment.registration_id)
                                  .where(Assignment.registration_id.in_(list(sector_of)) if sector_of else false())).all()
    diets, access_needs = needs.needs_counts(event)
    workshops = []
    for slot in event.choice_slots:
        for item in slot.choice_items:
            sectors = Counter(sector_of[r] for i, r in assigned if i == item.id)
            workshops.append(WorkshopFigures(item=item, assigned=sum(sectors.values()), capacity=item.capacity or 0,
                                             sectors=sectors))
    return EventStatistics(
        over_time=over_time, by_sector=by_sector, workshops=workshops,
        confirmed=status_counts[RegistrationStatus.confirmed], waitlisted=status_counts[RegistrationStatus.waitlisted],
        cancelled=status_counts[RegistrationStatus.cancelled], diets=diets, access_needs=access_needs,
        checked_in=sum(1 for row in rows if row.checked_in_at is not None and row.status == RegistrationStatus.confirmed))
