"""Writing a new registration's rows in as few round trips as the database allows.

A new registration writes six tables: the registration, then its wishes, seats, consents and
history, and its e-mail in the outbox, all pointing at the registration's new id. SQLite runs
in-process, so one INSERT per table costs no more than the statements themselves. PostgreSQL
would answer six round trips; there one statement writes all six tables (data-modifying CTEs):
five round trips fewer while the event's row lock is held (from the seat decisions to the
commit), and about 400 Python calls fewer per registration. ``benchmarks/registration.py`` and
``benchmarks/registration_calls.py`` measure it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Connection, Insert, Table, TextClause, bindparam, insert, text

from confapp.models import OutboxMessage, Registration


@dataclass(frozen=True)
class NewRows:
    """Column values of one new registration's rows; the registration's id is filled in here."""

    registration: dict
    #: (table, rows) for the tables that point at the registration: wishes, seats, consents, history.
    children: tuple[tuple[Table, list[dict]], ...]
    email: dict


def insert_rows(connection: Connection, rows: NewRows) -> tuple[int, int]:
    """Write the rows; the new registration's id and its outbox message's id."""
    if connection.dialect.name == "postgresql":
        return _insert_in_one_statement(connection, rows)
    registration_id = connection.execute(_insert(Registration.__table__), rows.registration).inserted_primary_key[0]
    for table, children in rows.children:
        if children:
            connection.execute(_insert(table), [dict(row, registration_id=registration_id) for row in children])
    message_id = connection.execute(_insert(OutboxMessage.__table__),
                                    dict(rows.email, registration_id=registration_id)).inserted_primary_key[0]
    return registration_id, message_id


@cache
def _insert(table: Table) -> Insert:
    """Built once: a statement object keeps its cache key, which costs more to make than the INSERT."""
    return insert(table)


def _insert_in_one_statement(connection: Connection, rows: NewRows) -> tuple[int, int]:
    tables = [(Registration.__table__, [_with_defaults(Registration.__table__, rows.registration)]),
              *((table, [_with_defaults(table, row, pointing=True) for row in children])
                for table, children in rows.children if children),
              (OutboxMessage.__table__, [_with_defaults(OutboxMessage.__table__, rows.email, pointing=True)])]
    shape = tuple((table, tuple(children[0]), len(children)) for table, children in tables)
    for (table, keys, _count), (_table, children) in zip(shape, tables):
        if any(tuple(row) != keys for row in children):  # one statement, one column list per table
            raise ValueError(f"rows of {table.name} with different columns")
    parameters = {f"t{number}_{row_number}_{key}": value
                  for number, (_table, children) in enumerate(tables)
                  for row_number, row in enumerate(children) for key, value in row.items()}
    registration_id, message_id = connection.execute(_one_statement(shape), parameters).one()
    return registration_id, message_id


def _with_defaults(table: Table, values: dict, pointing: bool = False) -> dict:
    """The row with the table's Python-side defaults filled in (the ORM and Core's INSERT do it
    for their own statements; in one written by hand they must be given). A row ``pointing`` at
    the new registration gets its id from the statement."""
    row = dict(values)
    if pointing:
        row.pop("registration_id", None)
    for column in table.columns:
        default = column.default
        if column.key not in row and default is not None and not column.primary_key:
            if default.is_callable:  # zero-argument functions (SQLAlchemy wraps them to take a context)
                row[column.key] = default.arg(None)
            elif default.is_scalar:
                row[column.key] = default.arg
            else:  # a SQL expression or a sequence: Core's INSERT would run it, this one cannot
                raise NotImplementedError(f"{table.name}.{column.key}: default {default!r}")
    return row


@cache
def _one_statement(shape: tuple[tuple[Table, tuple[str, ...], int], ...]) -> TextClause:
    """``WITH new_registration AS (INSERT … RETURNING id), t1 AS (INSERT … VALUES ((SELECT id FROM
    new_registration), …)), … SELECT`` both new ids: built once per shape (how many wishes, seats,
    consents and history rows; which columns). The registration comes first, the outbox message last.

    All parts run on one snapshot and the foreign keys are checked at the statement's end, when
    the registration's row is there.
    """
    quote = _quote
    parts, binds = [], []
    last = len(shape) - 1
    for number, (table, keys, count) in enumerate(shape):
        columns = [table.c[key] for key in keys]
        names = [quote(column.name) for column in columns]
        rows = []
        for row_number in range(count):
            placeholders = []
            for column in columns:
                name = f"t{number}_{row_number}_{column.key}"
                placeholders.append(f":{name}")
                binds.append(bindparam(name, type_=column.type))
            if number:  # every other table points at the new registration
                placeholders.insert(0, "(SELECT id FROM new_registration)")
            rows.append(f"({', '.join(placeholders)})")
        if number:
            names.insert(0, "registration_id")
        returning = " RETURNING id" if number in (0, last) else ""
        alias = "new_registration" if number == 0 else "new_message" if number == last else f"rows_{number}"
        parts.append(f"{alias} AS (INSERT INTO {quote(table.name)} ({', '.join(names)}) "
                     f"VALUES {', '.join(rows)}{returning})")
    return text(f"WITH {', '.join(parts)} SELECT (SELECT id FROM new_registration), (SELECT id FROM new_message)"
                ).bindparams(*binds)


def _quote(name: str) -> str:
    """Identifiers of our own tables and columns: lower-case words, quoted as PostgreSQL wants."""
    if not name.replace("_", "").isalnum() or not name.islower():
        raise ValueError(f"unexpected identifier {name!r}")
    return f'"{name}"'
