"""Shared helpers of the back-office tests: demo accounts and looking up demo objects."""
from sqlalchemy import select

from confapp.extensions import db
from confapp.models import Event, ItemKind, ProgramItem, Registration, Slot

ANHALT = "organisation@anhalt-bitterfeld.example"
MAGDEBURG = "organisation@magdeburg.example"
DOOR = "einlass@anhalt-bitterfeld.example"
EVENT = "stark-fuer-familien"
BASE = f"/manage/e/{EVENT}"


def event_named(slug: str = EVENT) -> Event:
    db.session.commit()  # ends the read transaction: SQLite WAL would keep showing an old snapshot
    return db.session.scalar(select(Event).where(Event.slug == slug))


def workshops(slug: str = EVENT) -> list[ProgramItem]:
    db.session.commit()  # ends the read transaction: SQLite WAL would keep showing an old snapshot
    return list(db.session.scalars(select(ProgramItem).join(Slot).join(Event).where(
        Event.slug == slug, ProgramItem.kind == ItemKind.workshop).order_by(ProgramItem.id)))


def registrations_of(slug: str = EVENT) -> list[Registration]:
    db.session.commit()  # ends the read transaction: SQLite WAL would keep showing an old snapshot
    return list(db.session.scalars(select(Registration).join(Event).where(Event.slug == slug)
                                   .order_by(Registration.id)))
