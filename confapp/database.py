"""Database engine set-up, and the one way to start a transaction that changes seats.

PostgreSQL decides seats with row locks (``SELECT … FOR UPDATE``, see ``services/registration/seats.py``).
SQLite has no row locks: a transaction that will write takes the database's write lock at its
start (``BEGIN IMMEDIATE``), so two registrations never read the same free seat. WAL lets readers
go on meanwhile, and the busy timeout makes writers queue instead of failing.
"""
from __future__ import annotations

import sqlite3
from contextvars import ContextVar

from flask import Flask, current_app, g, has_app_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from confapp.extensions import db

#: Seconds a SQLite writer waits for the write lock before giving up.
SQLITE_BUSY_TIMEOUT = 30

_begin_immediate: ContextVar[bool] = ContextVar("begin_immediate", default=False)


def _on_connect(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # SQLAlchemy emits BEGIN itself (below); pysqlite's own implicit BEGIN would hide the lock.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL syncs at checkpoints, not at every commit: a crash of the app loses
    # nothing, a power cut may lose the last commits but never corrupts. FULL costs a 4 ms fsync
    # per commit here, taken while the write lock is held, so it capped registrations per second.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT * 1000}")
    # SQLite ignores foreign keys unless asked, per connection: without this, ON DELETE CASCADE
    # did nothing and rows could refer to a deleted program item, event or network (whose id a
    # new row may then take over).
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _on_begin(connection) -> None:
    if connection.dialect.name == "sqlite":
        immediate = _begin_immediate.get() or (has_app_context() and g.get(_WRITING_REQUEST, False))
        _begin_immediate.set(False)  # asked for the next transaction only (see begin_write)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


#: ``g`` flag: this request changes things, so on SQLite its transactions take the write lock at BEGIN.
_WRITING_REQUEST = "sqlite_writing_request"
_READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _writing_requests_lock_first() -> None:
    """On SQLite a transaction that read and then writes fails ("database is locked", at once, no
    waiting) if anybody committed since its first read: its snapshot is stale. A request that
    changes things (a form sent, an API call that writes) therefore takes the write lock with its
    first statement and queues behind other writers instead. Views that take it themselves as late
    as they can (``takes_write_lock_late``) are left to do so."""
    view = current_app.view_functions.get(request.endpoint or "")
    g.setdefault(_WRITING_REQUEST, request.method not in _READING_METHODS
                 and not getattr(view, "takes_write_lock_late", False))


def takes_write_lock_late(view):
    """Mark a view whose service takes SQLite's write lock itself, only for its writes, through
    ``begin_write`` (registering: the lock bounds registrations per second)."""
    view.takes_write_lock_late = True
    return view


def configure_engine(engine: Engine) -> None:
    """WAL, busy timeout and explicit BEGIN on SQLite; nothing to do on PostgreSQL."""
    if engine.dialect.name != "sqlite" or event.contains(engine, "begin", _on_begin):
        return
    event.listen(engine.pool, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)


def begin_write(*, keep_loaded: bool = False, at_first_statement: bool = False) -> None:
    """Start a fresh transaction of ``db.session`` that holds the write lock from its first statement.

    Whatever the session has pending is committed first, so callers start seat decisions with
    nothing half done. Committing expires every loaded object, so the locked transaction reads
    them again. With ``keep_loaded`` they stay as loaded (the event's program, read before the
    lock, say): the lock is then held only for the writes, and the caller must re-read whatever
    its decisions rest on.

    On PostgreSQL a transaction that only read (nothing pending) simply goes on as the write
    transaction: the row locks taken next serialise the writers, and every statement sees what
    others committed (READ COMMITTED). A COMMIT and a new BEGIN would cost two round trips, and the
    connection's return to the pool a third (its check on being taken again); loaded objects are
    expired instead, as the commit would have done.

    With ``at_first_statement`` the new transaction begins (and on SQLite takes the write lock)
    only with its first statement, so a caller can build the rows it is about to write, and the
    ORM prepare their flush, without holding the lock. Every statement until then still belongs
    to that write transaction.
    """
    session = db.session()
    if session.get_bind().dialect.name == "postgresql" and not (session.new or session.dirty or session.deleted):
        # Nothing to commit: the transaction that only read goes on as the write transaction.
        if not keep_loaded and session.expire_on_commit:
            session.expire_all()
        return
    expire, session.expire_on_commit = session.expire_on_commit, not keep_loaded and session.expire_on_commit
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire
    if at_first_statement:
        _begin_immediate.set(True)  # taken by the next transaction's BEGIN (see _on_begin)
        return
    token = _begin_immediate.set(True)
    try:
        db.session.connection()
    finally:
        _begin_immediate.reset(token)


def init_app(app: Flask) -> None:
    with app.app_context():
        configure_engine(db.engine)
        if db.engine.dialect.name == "sqlite":
            app.before_request(_writing_requests_lock_first)
