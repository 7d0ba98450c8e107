"""Retention: personal data of an event is deleted when its retention date has passed.

What remains for statistics: every registration's status, sector, wishes, assignments and check-in
time, so counts by sector, workshop and attendance stay right. Names, e-mail addresses,
organisations, diet and access needs, consents, tokens, e-mails in the outbox (and their ``.eml``
files) and free-text notes go. Where a funder requires it (``Event.keep_attendance_years``), the
names of attendees who were there stay on the attendance list for that many years and are deleted
by a later purge.

Nothing is purged before the event has ended. The retention date follows the event's end by the
network's rule (``Network.retention_months``) unless an organiser set it (``retention_explicit``).
A purged event takes no registrations; one that slipped in while the purge ran is erased by the
next purge (``flask purge --due`` finds it).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time

from flask import current_app
from sqlalchemy import delete, exists, func, or_, select, update

from confapp.extensions import db
from confapp.models import (AssignmentRun, Attendance, AuditEntry, ConsentRecord, Event, FeedbackInvite, Invitation,
                            Network, OutboxMessage, Registration, RegistrationHistory, User, new_token, utcnow)
from confapp.services.mail.outbox import delete_delivered_files
from confapp.services.materials.library import forget_uploaders
from confapp.services.networks import audit
from confapp.services.registration import seats
from confapp.services.registration.lookup import can_cancel

ERASED = "gelöscht"
#: Audit actions whose summary only names the event's own setup (titles, rooms), never a person.
AUDIT_WITHOUT_PEOPLE = ("event.", "slot.", "room.", "item.", "export.")
AUDIT_REDACTED = "Angaben zu Personen gelöscht (Aufbewahrungsfrist abgelaufen)."
AUDIT_PERSON_REDACTED = "Angaben zur Person auf deren Wunsch gelöscht."
#: The latest retention date an organiser may set, in years after the event's end.
LONGEST_RETENTION_YEARS = 30


class RetentionError(ValueError):
    """A purge or retention date that is not possible; ``str()`` is a German sentence saying why."""


@dataclass
class PurgeReport:
    event_slug: str
    registrations: int
    names_kept: int
    emails_deleted: int


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_retention_date(network: Network, ends_at: datetime) -> date:
    """The network's default: so many months after the event's last day (3 unless changed)."""
    return add_months(ends_at.date(), network.retention_months or 3)


def follow_event_dates(event: Event) -> None:
    """After the event's dates changed: the retention date moves with them, unless an organiser set it."""
    if not event.retention_explicit:
        event.retention_until = default_retention_date(event.network, event.ends_at)


def set_retention_date(actor: User, event: Event, day: date | None) -> None:
    """An organiser's retention date for the event, or (``None``) back to the network's rule. Commits."""
    if day is not None:
        if day < event.ends_at.date():
            raise RetentionError("Das Löschdatum darf nicht vor dem Ende der Veranstaltung liegen "
                                 f"({event.ends_at:%d.%m.%Y}).")
        if day > add_months(event.ends_at.date(), 12 * LONGEST_RETENTION_YEARS):
            raise RetentionError(f"Das Löschdatum darf höchstens {LONGEST_RETENTION_YEARS} Jahre nach dem Ende "
                                 "der Veranstaltung liegen.")
    event.retention_explicit = day is not None
    event.retention_until = day
    follow_event_dates(event)
    summary = (f"Löschdatum auf {day:%d.%m.%Y} gesetzt." if day is not None else
               f"Löschdatum folgt der Regel des Netzwerks ({event.retention_until:%d.%m.%Y}).")
    audit.record(actor, "event.retention", summary, event=event)
    db.session.commit()


def has_ended(event: Event) -> bool:
    """Whether the event is over (wall-clock time at its venue): only then may its data be purged."""
    return event.ends_at < event.local_now()


def erase_registration(registration: Registration, keep_name: bool = False) -> None:
    """Remove a registration's personal data in place; the caller commits.

    Status, sector, wishes, assignments and check-in time stay for statistics; the tokens change,
    so old manage and badge links stop working.
    """
    registration.erased_at = utcnow()
    registration.email = f"{ERASED}-{registration.id}@invalid"
    if not keep_name:
        registration.first_name, registration.last_name = ERASED, ""
    registration.organisation = ""
    registration.diet = registration.access_needs = ""
    registration.needs_consent_at = None
    registration.photo_consent = False
    # Fresh random values rather than NULL: the columns are unique and required, and old links must die.
    registration.manage_token, registration.badge_token = new_token(), new_token()
    registration.checked_in_by = None
    db.session.execute(update(Attendance).where(Attendance.registration_id == registration.id).values(marked_by=""))
    db.session.execute(update(RegistrationHistory)
                       .where(RegistrationHistory.registration_id == registration.id)
                       .values(note=""))
    db.session.execute(delete(ConsentRecord).where(ConsentRecord.registration_id == registration.id))


def redact_audit(event: Event) -> None:
    """Keep who did what when; drop the details of entries that may name attendees (actor stays: staff)."""
    db.session.execute(update(AuditEntry).where(
        AuditEntry.event_id == event.id,
        ~or_(*(AuditEntry.action.startswith(prefix) for prefix in AUDIT_WITHOUT_PEOPLE)),
    ).values(summary=AUDIT_REDACTED))


def redact_person_in_audit(registration: Registration) -> None:
    """Drop the details of the log entries that name this person (linked, or naming them in the text)."""
    named = [AuditEntry.summary.contains(value, autoescape=True)
             for value in {registration.full_name, registration.email} if len(value) >= 5]
    db.session.execute(update(AuditEntry).where(or_(
        AuditEntry.registration_id == registration.id,
        (AuditEntry.event_id == registration.event_id) & or_(*named) if named else False,
    )).values(summary=AUDIT_PERSON_REDACTED).execution_options(synchronize_session=False))


def _delete_outbox(condition) -> list[int]:
    """Delete outbox rows (the caller commits, then deletes their files); their ids."""
    ids = list(db.session.scalars(select(OutboxMessage.id).where(condition)))
    if ids:
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))
    return ids


def purge_event(event: Event, today: date | None = None, actor: User | None = None) -> PurgeReport:
    """Delete the event's personal data now: everything on the first purge, then what came after it
    (and the kept attendance names, once their time is up). ``actor`` None is the command line.

    Raises ``RetentionError`` before the event has ended. Commits.
    """
    today = today or date.today()
    if not has_ended(event):
        raise RetentionError(f"„{event.title}“ ist noch nicht vorbei (Ende {event.ends_at:%d.%m.%Y}). Personenbezogene "
                             "Daten werden erst nach der Veranstaltung gelöscht.")
    event = seats.lock_event(event)  # registering waits: nothing is written into the event meanwhile
    first = event.purged_at is None
    keep_names = bool(event.keep_attendance_years) and first
    names_due = not first and (event.attendance_kept_until is None or event.attendance_kept_until < today)
    query = select(Registration).where(Registration.event_id == event.id)
    if names_due:  # what came after the purge, and the names kept until now
        query = query.where(or_(Registration.erased_at.is_(None), Registration.first_name != ERASED,
                                Registration.last_name != ""))
    elif not first:  # only what came after the purge; the kept names stay
        query = query.where(Registration.erased_at.is_(None))
    registrations = list(db.session.scalars(query))
    names_kept = 0
    for registration in registrations:
        keep = keep_names and registration.checked_in_at is not None
        names_kept += keep
        erase_registration(registration, keep_name=keep)
    redact_audit(event)
    # Feedback answers stay (they name nobody); who had a link and who uploaded material go.
    db.session.execute(delete(FeedbackInvite).where(FeedbackInvite.event_id == event.id))
    db.session.execute(update(Invitation).where(Invitation.event_id == event.id).values(email=""))
    forget_uploaders(event)
    message_ids = _delete_outbox(or_(OutboxMessage.event_id == event.id, OutboxMessage.registration_id.in_(
        select(Registration.id).where(Registration.event_id == event.id))))
    # Assignment previews and reports name people (who moved, who has no seat).
    db.session.execute(delete(AssignmentRun).where(AssignmentRun.event_id == event.id))
    if first:
        event.purged_at = utcnow()
        event.attendance_kept_until = (add_months(today, 12 * event.keep_attendance_years)
                                       if keep_names and names_kept else None)
    elif names_due:
        event.attendance_kept_until = None
    # Logged with the change, in the same commit (the command line's purge too).
    audit.record(actor, "event.purged", f"Personenbezogene Daten gelöscht: {len(registrations)} Anmeldungen "
                 f"anonymisiert, {len(message_ids)} E-Mails gelöscht.", event=event)
    db.session.commit()
    delete_delivered_files(current_app.config, message_ids)
    return PurgeReport(event.slug, len(registrations), names_kept, len(message_ids))


def due_events(today: date | None = None) -> list[Event]:
    """Events that have ended and whose retention date has passed, not purged yet; purged events
    with registrations that came after the purge; and purged events whose kept names are due."""
    today = today or date.today()
    left_behind = exists(select(Registration.id).where(Registration.event_id == Event.id,
                                                       Registration.erased_at.is_(None)))
    return list(db.session.scalars(select(Event).where(or_(
        Event.purged_at.is_(None) & (Event.retention_until < today)
        & (Event.ends_at < datetime.combine(today, time())),
        Event.purged_at.is_not(None) & left_behind,
        Event.attendance_kept_until.is_not(None) & (Event.attendance_kept_until < today),
    )).order_by(Event.retention_until, Event.id)))


#: Days before the retention date from which the back office warns.
WARN_DAYS = 30


def retention_state(event: Event, today: date | None = None) -> str:
    """"purged", "left_behind" (purged, registrations came after), "due" (date passed), "soon"
    (within WARN_DAYS), "ok" or "none" (no date set)."""
    today = today or date.today()
    if event.purged_at is not None:
        left = db.session.scalar(select(func.count(Registration.id)).where(
            Registration.event_id == event.id, Registration.erased_at.is_(None)))
        return "left_behind" if left else "purged"
    if event.retention_until is None:
        return "none"
    if event.retention_until < today:
        return "due"
    return "soon" if (event.retention_until - today).days <= WARN_DAYS else "ok"


def purge_preview(event: Event) -> dict[str, int]:
    """How many records the purge would touch, for the organiser deciding to run it."""
    def count(statement) -> int:
        return db.session.scalar(statement) or 0
    return {
        "registrations": count(select(func.count(Registration.id)).where(Registration.event_id == event.id,
                                                                         Registration.erased_at.is_(None))),
        "emails": count(select(func.count(OutboxMessage.id)).where(OutboxMessage.event_id == event.id)),
        "consents": count(select(func.count(ConsentRecord.id)).join(Registration)
                          .where(Registration.event_id == event.id)),
        "checked_in": count(select(func.count(Registration.id)).where(
            Registration.event_id == event.id, Registration.checked_in_at.is_not(None))),
    }


def erase_on_request(registration: Registration) -> list[Registration]:
    """Art. 17 from the manage link: cancel (seat freed, waitlist promoted), then anonymise this one registration.

    Before the event the cancellation frees the seat; afterwards the status stays so the statistics
    stay right. The outbox mails to this person go too (queued or sent, with their files), the
    cancellation notice included: the address is exactly what they asked us to forget. The audit
    log keeps that organisers acted, without the person's name. Returns the people promoted. Commits.
    """
    from confapp.services.registration import change as registrations  # registration imports much; only needed here

    promoted = registrations.cancel(registration) if can_cancel(registration) else []
    registration = db.session.get(Registration, registration.id)
    redact_person_in_audit(registration)
    erase_registration(registration)
    message_ids = _delete_outbox(OutboxMessage.registration_id == registration.id)
    db.session.commit()
    delete_delivered_files(current_app.config, message_ids)
    return promoted
