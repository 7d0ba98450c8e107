"""Seats of an event and of its workshops: the one way to lock, take and free them.

Every change of seats happens inside a transaction that holds the event's lock, taken by
``lock_event``: on PostgreSQL its row lock (``SELECT … FOR NO KEY UPDATE``), on SQLite the
database's write lock (``BEGIN IMMEDIATE``). Seats are then taken with a conditional
``UPDATE … WHERE seats_taken < capacity``, so the database decides, and the check constraints on
both tables are the last guard. Callers (registration, assignment, check-in) keep waitlist order
right because only one of them at a time works on an event's seats.
"""
from __future__ import annotations

from functools import cache

from sqlalchemy import Update, bindparam, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from confapp.database import begin_write
from confapp.extensions import db
from confapp.models import Event, ProgramItem


def lock_event(event: Event | int, *, keep_loaded: bool = False, begun: bool = False) -> Event:
    """Start a new transaction that owns the event's seats until it commits; the event, re-read.

    Commits what the session had pending first (see ``database.begin_write``). With
    ``keep_loaded`` the objects read before keep what they loaded (registering: the program read
    with the event) and only the event's seat count, capacity, status and purge time are read again, so
    nothing else is read under the lock; seats are taken by conditional UPDATEs, which never
    trust a loaded count. With ``begun`` the lock is taken in the write transaction the caller
    began with ``begin_write`` (registering writes its rows first: on PostgreSQL they do not need
    the event's lock, so it is held only from here to the commit).
    """
    event_id = event if isinstance(event, int) else event.id
    if not begun:
        begin_write(keep_loaded=keep_loaded)
    if keep_loaded and isinstance(event, Event):
        row = db.session.connection().execute(_row_lock(_SEAT_COUNT), {"event_id": event_id}).one_or_none()
        if row is None:
            raise LookupError(f"event {event_id} does not exist")
        for key, value in row._mapping.items():
            set_committed_value(event, key, value)
        return event
    locked = db.session.scalar(_row_lock(select(Event).where(Event.id == event_id)
                                         .execution_options(populate_existing=True)))
    if locked is None:
        raise LookupError(f"event {event_id} does not exist")
    return locked


#: What ``lock_event`` reads of a loaded event: built once, run as Core on the session's
#: connection (a refresh through the ORM's loading cost a registration more than its INSERTs).
_SEAT_COUNT = select(*(Event.__table__.c[key] for key in ("seats_taken", "capacity", "status",
                                                                    "purged_at"))).where(
    Event.__table__.c.id == bindparam("event_id"))


def _row_lock(query):
    """``FOR NO KEY UPDATE`` on PostgreSQL: it serialises seat changes but, unlike ``FOR UPDATE``,
    does not hold up other transactions inserting rows that refer to the event."""
    if _on_postgresql():
        return query.with_for_update(key_share=True)
    return query


def _on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


@cache
def _seat_updates(model) -> tuple[Update, Update]:
    """Take one seat if one is free, free one: built once (building costs more than running them),
    run as Core on the session's connection (the ORM's bulk UPDATE path costs several times more);
    the session learns the new count through ``_reload``."""
    table = model.__table__
    row = table.c.id == bindparam("row_id")
    take = (update(table).where(row, or_(table.c.capacity.is_(None), table.c.seats_taken < table.c.capacity))
            .values(seats_taken=table.c.seats_taken + 1))
    free = update(table).where(row, table.c.seats_taken > 0).values(seats_taken=table.c.seats_taken - 1)
    return take, free


def _take(model, row_id: int) -> bool:
    return db.session.connection().execute(_seat_updates(model)[0], {"row_id": row_id}).rowcount == 1


def _free(model, row_id: int) -> None:
    db.session.connection().execute(_seat_updates(model)[1], {"row_id": row_id})


def _reload(instance) -> None:
    if instance in db.session:
        db.session.expire(instance, ["seats_taken"])


def take_event_seat(event: Event) -> bool:
    """Take one of the event's seats if one is free (always true without an event capacity)."""
    taken = _take(Event, event.id)
    _reload(event)
    return taken


def free_event_seat(event: Event) -> None:
    _free(Event, event.id)
    _reload(event)


def take_item_seat(item: ProgramItem) -> bool:
    """Take one seat of a workshop or theme table if one is free."""
    taken = _take(ProgramItem, item.id)
    _reload(item)
    return taken


def free_item_seat(item: ProgramItem) -> None:
    _free(ProgramItem, item.id)
    _reload(item)


def event_has_room(event: Event) -> bool:
    return event.capacity is None or event.seats_taken < event.capacity


def item_has_room(item: ProgramItem) -> bool:
    return item.capacity is None or item.seats_taken < item.capacity
