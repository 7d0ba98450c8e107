"""Seats of an event and of its workshops: the one way to lock, take and free them.

Every change of seats happens inside a transaction that holds the event's lock: on PostgreSQL its
row lock (``SELECT … FOR NO KEY UPDATE``, or the seat UPDATE itself), on SQLite the database's
write lock (``BEGIN IMMEDIATE``). Most callers start it with ``lock_event``; registering, the
busiest, with ``begin_before_lock`` and ``lock_loaded_event`` or ``lock_and_take_event_seat``.
Seats are then taken with a conditional ``UPDATE … WHERE seats_taken < capacity``, so the
database decides, and the check constraints on both tables are the last guard.
Callers (registration, assignment, check-in) keep waitlist order right because only one of them
at a time works on an event's seats.
"""
from __future__ import annotations

from functools import cache

from sqlalchemy import Update, bindparam, or_, select, update

from confapp.database import begin_write
from confapp.extensions import db
from confapp.models import Event, ProgramItem


def lock_event(event: Event | int) -> Event:
    """Start a new transaction that owns the event's seats until it commits; the event, re-read.

    Commits what the session had pending first (see ``database.begin_write``).
    """
    event_id = event if isinstance(event, int) else event.id
    begin_write()
    locked = db.session.scalar(_row_lock(select(Event).where(Event.id == event_id)
                                         .execution_options(populate_existing=True)))
    if locked is None:
        raise LookupError(f"event {event_id} does not exist")
    return locked


def begin_before_lock() -> None:
    """Make the session's transaction one that takes seats later, after ``lock_loaded_event``.

    Objects read before keep what they loaded. On SQLite the read transaction ends and a write
    transaction begins (``begin_write(keep_loaded=True)``): the database's write lock is held
    from here on. On PostgreSQL the transaction goes on (at READ COMMITTED every statement sees
    what others committed) and nothing is locked until ``lock_loaded_event``, so the event's row
    lock is held only for the seat decisions, the rows that go with them and the commit.
    """
    if not _on_postgresql():
        begin_write(keep_loaded=True)


def lock_loaded_event(event: Event) -> None:
    """Lock ``event``'s row in a transaction from ``begin_before_lock``; its seat counts are read afresh.

    On SQLite the transaction holds the database's write lock already.
    """
    if _on_postgresql() and db.session.connection().execute(
            _EVENT_ROW_LOCK, {"event_id": event.id}).scalar() is None:
        raise LookupError(f"event {event.id} does not exist")
    db.session.expire(event, ["seats_taken", "capacity", "status"])


def _row_lock(query):
    """``FOR NO KEY UPDATE`` on PostgreSQL: it serialises seat changes but, unlike ``FOR UPDATE``,
    does not hold up other transactions inserting rows that refer to the event."""
    if _on_postgresql():
        return query.with_for_update(key_share=True)
    return query


def _on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


#: ``lock_loaded_event``'s lock (see ``_row_lock``), built once: every registration takes it.
_EVENT_ROW_LOCK = (select(Event.__table__.c.id).where(Event.__table__.c.id == bindparam("event_id"))
                   .with_for_update(key_share=True))


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


def lock_and_take_event_seat(event: Event) -> bool:
    """``lock_loaded_event`` and ``take_event_seat`` in one, in a transaction from ``begin_before_lock``.

    On PostgreSQL the UPDATE that takes a free seat locks the event's row itself, which saves a
    query. An UPDATE that finds the event full locks nothing: then the row is locked on its own
    and the seat tried once more, since a cancellation may have freed one meanwhile.
    """
    if take_event_seat(event):
        return True
    if not _on_postgresql():  # SQLite holds the write lock already: full is full
        return False
    lock_loaded_event(event)
    return take_event_seat(event)


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
