"""Retention: personal data of an event is deleted when its retention date has passed.

What remains for statistics: every registration's status, sector, wishes, assignments and check-in
time, so counts by sector, workshop and attendance stay right. Names, e-mail addresses,
organisations, diet and access needs, consents, tokens, e-mails in the outbox and free-text notes
go. Where a funder requires it (``Event.keep_attendance_years``), the names of attendees who were
there stay on the attendance list for that many years and are deleted by a later purge.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, or_, select, update

from confapp.extensions import db
from confapp.models import (AssignmentRun, Attendance, AuditEntry, ConsentRecord, Event, FeedbackInvite, Invitation,
                            Network, OutboxMessage, Registration, RegistrationHistory, User, new_token, utcnow)
from confapp.services.materials.library import forget_uploaders
from confapp.services.networks import audit
from confapp.services.registration.lookup import can_cancel

ERASED = "gelöscht"
#: Audit actions whose summary only names the event's own setup (titles, rooms), never a person.
AUDIT_WITHOUT_PEOPLE = ("event.", "slot.", "room.", "item.", "export.")
AUDIT_REDACTED = "Angaben zu Personen gelöscht (Aufbewahrungsfrist abgelaufen)."


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


def erase_registration(registration: Registration, keep_name: bool = False) -> None:
    """Remove a registration's personal data in place; the caller commits.

    Status, sector, wishes, assignments and check-in time stay for statistics; the tokens change,
    so old manage and badge links stop working.
    """
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


def purge_event(event: Event, today: date | None = None, actor: User | None = None) -> PurgeReport:
    """Delete the event's personal data now (or the kept attendance names, once their time is up)."""
    today = today or date.today()
    keep_names = bool(event.keep_attendance_years) and event.purged_at is None
    registrations = list(db.session.scalars(select(Registration).where(Registration.event_id == event.id)))
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
    emails = db.session.execute(delete(OutboxMessage).where(OutboxMessage.event_id == event.id)).rowcount
    # Assignment previews and reports name people (who moved, who has no seat).
    db.session.execute(delete(AssignmentRun).where(AssignmentRun.event_id == event.id))
    if event.purged_at is None:
        event.purged_at = utcnow()
        event.attendance_kept_until = (add_months(today, 12 * event.keep_attendance_years)
                                       if keep_names and names_kept else None)
    else:
        event.attendance_kept_until = None
    if actor is not None:  # run from the back office: logged with the change, in the same commit
        audit.record(actor, "event.purged", f"Personenbezogene Daten gelöscht: {len(registrations)} Anmeldungen "
                     f"anonymisiert, {emails} E-Mails gelöscht.", event=event)
    db.session.commit()
    return PurgeReport(event.slug, len(registrations), names_kept, emails)


def due_events(today: date | None = None) -> list[Event]:
    """Events whose retention date has passed and are not purged yet, or whose kept names are due."""
    today = today or date.today()
    return list(db.session.scalars(select(Event).where(or_(
        (Event.purged_at.is_(None)) & (Event.retention_until < today),
        (Event.attendance_kept_until.is_not(None)) & (Event.attendance_kept_until < today),
    )).order_by(Event.retention_until, Event.id)))


#: Days before the retention date from which the back office warns.
WARN_DAYS = 30


def retention_state(event: Event, today: date | None = None) -> str:
    """"purged", "due" (date passed), "soon" (within WARN_DAYS), "ok" or "none" (no date set)."""
    today = today or date.today()
    if event.purged_at is not None:
        return "purged"
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
        "registrations": count(select(func.count(Registration.id)).where(Registration.event_id == event.id)),
        "emails": count(select(func.count(OutboxMessage.id)).where(OutboxMessage.event_id == event.id)),
        "consents": count(select(func.count(ConsentRecord.id)).join(Registration)
                          .where(Registration.event_id == event.id)),
        "checked_in": count(select(func.count(Registration.id)).where(
            Registration.event_id == event.id, Registration.checked_in_at.is_not(None))),
    }


def erase_on_request(registration: Registration) -> list[Registration]:
    """Art. 17 from the manage link: cancel (seat freed, waitlist promoted), then anonymise this one registration.

    Before the event the cancellation frees the seat; afterwards the status stays so the statistics
    stay right. The outbox mails to this person go too, the cancellation notice included: the
    address is exactly what they asked us to forget. Returns the people promoted. Commits.
    """
    from confapp.services.registration import change as registrations  # registration imports much; only needed here

    promoted = registrations.cancel(registration) if can_cancel(registration) else []
    registration = db.session.get(Registration, registration.id)
    erase_registration(registration)
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.registration_id == registration.id))
    db.session.commit()
    return promoted
