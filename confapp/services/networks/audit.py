"""The audit log: every organiser action is written here by the service that performs it."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from confapp.extensions import db
from confapp.models import AuditEntry, Event, Network, Registration, User

#: Entries an admin sees per page of the log.
PAGE_SIZE = 100


#: Who the log names when nobody signed in acted (``flask`` commands on the server: cron, scripts).
SERVER_ACTOR = "Kommandozeile (Server)"
#: Former name of ``SERVER_ACTOR``.
COMMAND_LINE = SERVER_ACTOR


def record(actor: User | str | None, action: str, summary: str, *, event: Event | None = None,
           network: Network | None = None, registration: Registration | None = None) -> AuditEntry:
    """Note an action in the caller's transaction, so the log and the change commit together.

    ``actor`` is a user, or who acted without an account (a script's label); None is a command
    on the server. An entry that names a person links their ``registration``: erasing it redacts
    the entry.
    """
    network = network or event.network
    user = actor if isinstance(actor, User) else None
    label = user.email if user else (actor or SERVER_ACTOR)
    entry = AuditEntry(network_id=network.id, event=event, user_id=user.id if user else None,
                       actor=label[:254], action=action, summary=summary[:2000],
                       registration_id=registration.id if registration is not None else None)
    db.session.add(entry)
    return entry


def entries_for(network: Network, page: int = 1) -> list[AuditEntry]:
    """The network's log, newest first."""
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.network_id == network.id)
        .options(selectinload(AuditEntry.event))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)))
