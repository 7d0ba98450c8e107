"""Seats of an event and of its workshops: the one way to lock, take and free them.

Every change of seats happens inside a transaction that holds the event's lock: on PostgreSQL its
row lock (``SELECT … FOR NO KEY UPDATE``, or the seat UPDATE itself), on SQLite the database's
write lock (``BEGIN IMMEDIATE``). Most callers start it with ``lock_event``; registering, the
busiest, with ``begin_before_lock``, then ``lock_loaded_event`` or ``take_seats`` (which locks as it takes).
Seats are then taken with a conditional ``UPDATE … WHERE seats_taken < capacity``, so the
database decides, and the check constraints on both tables are the last guard.
Callers (registration, assignment, check-in) keep waitlist order right because only one of them
at a time works on an event's seats.
"""
from __future__ import annotations

from functools import cache

from sqlalchemy import TextClause, Update, bindparam, or_, select, text, update
from sqlalchemy.orm.attributes import set_committed_value

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
    """Lock ``event``'s row in a transaction from ``begin_before_lock``; its seat count, capacity
    and status are read afresh (on PostgreSQL by the lock's own query, on SQLite when next used).

    On SQLite the transaction holds the database's write lock already.
    """
    if not _on_postgresql():
        db.session.expire(event, ["seats_taken", "capacity", "status"])
        return
    row = db.session.connection().execute(_EVENT_ROW_LOCK, {"event_id": event.id}).one_or_none()
    if row is None:
        raise LookupError(f"event {event.id} does not exist")
    for key, value in row._mapping.items():
        set_committed_value(event, key, value)


def _row_lock(query):
    """``FOR NO KEY UPDATE`` on PostgreSQL: it serialises seat changes but, unlike ``FOR UPDATE``,
    does not hold up other transactions inserting rows that refer to the event."""
    if _on_postgresql():
        return query.with_for_update(key_share=True)
    return query


def _on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


#: ``lock_loaded_event``'s lock (see ``_row_lock``), built once: every registration takes it.
_EVENT_ROW_LOCK = (select(*(Event.__table__.c[key] for key in ("seats_taken", "capacity", "status")))
                   .where(Event.__table__.c.id == bindparam("event_id")).with_for_update(key_share=True))


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


def take_seats(event: Event, items: list[ProgramItem], *, locked: bool) -> tuple[bool, tuple[bool, ...]]:
    """The event's seat and, with it, each item's, in a transaction from ``begin_before_lock``:
    whether the event's was free, and each item's.

    ``locked`` when the caller holds the event's lock (``lock_loaded_event``, which read the seat
    count: a full event is not tried). Otherwise, on PostgreSQL, the statement that takes a free
    seat takes the event's row lock as it does; if the event was full it locks nothing, so the
    row is locked on its own and the seat tried once more (a cancellation may have freed one).
    """
    full = (False, tuple(False for _ in items))
    if locked and not event_has_room(event):
        return full
    if _on_postgresql():
        taken = _take_in_one_statement(event, items)
        if taken is None and not locked:
            lock_loaded_event(event)
            return take_seats(event, items, locked=True)
        return taken or full
    if not take_event_seat(event):  # SQLite holds the write lock already: full is full
        return full
    return True, tuple(take_item_seat(item) for item in items)


def _take_in_one_statement(event: Event, items: list[ProgramItem]) -> tuple[bool, tuple[bool, ...]] | None:
    """PostgreSQL: the event's seat and, if it was free, the items' in one round trip; None if
    the event was full."""
    event_taken, taken_ids = db.session.connection().execute(
        _seats_statement(len(items)), {"event_id": event.id, **{f"item_{n}": item.id for n, item in enumerate(items)}}
    ).one()
    _reload(event)
    for item in items:
        _reload(item)
    if not event_taken:
        return None
    return True, tuple(item.id in taken_ids for item in items)


@cache
def _seats_statement(items: int) -> TextClause:
    """Built once per number of items. The items' UPDATE sees the event's through its RETURNING:
    without the event's seat no item's is taken."""
    has_room = "(capacity IS NULL OR seats_taken < capacity)"
    event_seat = (f"event_seat AS (UPDATE event SET seats_taken = seats_taken + 1 "
                  f"WHERE id = :event_id AND {has_room} RETURNING id)")
    if not items:
        return text(f"WITH {event_seat} SELECT EXISTS (SELECT FROM event_seat), ARRAY[]::integer[]")
    ids = ", ".join(f":item_{number}" for number in range(items))
    return text(f"WITH {event_seat}, item_seats AS (UPDATE program_item SET seats_taken = seats_taken + 1 "
                f"WHERE id IN ({ids}) AND {has_room} AND EXISTS (SELECT FROM event_seat) RETURNING id) "
                f"SELECT EXISTS (SELECT FROM event_seat), ARRAY(SELECT id FROM item_seats)")


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
