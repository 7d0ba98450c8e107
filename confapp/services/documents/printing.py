"""Printed documents: who gets a badge, a line on a sign-in sheet or a certificate, and the PDFs.

Every function takes an event the caller may see (the back office looks it up within the
organiser's network) and only ever reads that event's registrations.
"""
from __future__ import annotations

import enum
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from flask_babel import gettext as _

from confapp.documents.badges import BadgeData, render_badges
from confapp.documents.layouts import DEFAULT_LAYOUT, LAYOUTS
from confapp.documents.lists import render_certificates, render_sign_in_sheets
from confapp.services.feedback import answering, questionnaire
from confapp.documents.flyer import FORMATS, Flyer, render_flyer
from confapp.database import begin_write
from confapp.extensions import db
from confapp.formatting import format_wallclock
from confapp.services.checkin import attendance
from confapp.services.checkin.door_codes import door_code
from confapp.services.documents.cover import cover_of
from confapp.models import Assignment, Attendance, Event, ItemKind, Registration, RegistrationStatus, utcnow


class DocumentError(ValueError):
    """A document cannot be made as asked; the message is German and says what to do."""


class CertificateBasis(enum.Enum):
    #: Attendees the door staff checked in.
    checked_in = "checked_in"
    #: Every confirmed registration (when nobody checked people in).
    confirmed = "confirmed"


def collation_key(text: str) -> str:
    """Sort key for German names as in a phone book (DIN 5007-1): Ä like A, ß like ss, case ignored."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def by_surname(registration: Registration) -> tuple[str, str, int]:
    return collation_key(registration.last_name), collation_key(registration.first_name), registration.id


def confirmed_registrations(event: Event) -> list[Registration]:
    """The event's confirmed registrations with their workshops, sorted by surname."""
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.confirmed)
        .options(selectinload(Registration.assignments).selectinload(Assignment.program_item))
    )
    return sorted(registrations, key=by_surname)


def checkin_url(registration: Registration) -> str:
    """What a badge's QR code holds: the door staff's check-in URL with the badge token."""
    return f"{current_app.config['BASE_URL']}/c/{registration.badge_token}"


def registration_url(event: Event) -> str:
    """Where the flyer's QR code leads: the public event page with its registration."""
    return f"{current_app.config['BASE_URL']}/e/{event.slug}"


def event_logo(event: Event) -> tuple[bytes, str] | None:
    network = event.network
    return (network.logo, network.logo_mime) if network.logo and network.logo_mime else None


def badge_date(event: Event) -> str:
    """The event's date as a badge's head line shows it: without the weekday ("5. Juni 2024")."""
    return format_wallclock(event.starts_at, "date").split(", ", 1)[-1]


def signature_of(event: Event) -> tuple[bytes, str] | None:
    """The scanned signature printed on certificates, if the network has one."""
    network = event.network
    return (network.signature, network.signature_mime) if network.signature and network.signature_mime else None


def workshops_of(registration: Registration) -> list[tuple[str, str, str]]:
    """(start time, title, room) of each assigned workshop or theme table, in program order."""
    assignments = sorted(registration.assignments,
                         key=lambda a: (a.program_item.slot.starts_at, a.program_item.slot_id))
    return [(format_wallclock(a.program_item.slot.starts_at, "time"), a.program_item.title,
             a.program_item.room.name if a.program_item.room else "") for a in assignments]


# --- Badges -------------------------------------------------------------------------------------

@dataclass
class BadgeRun:
    """A badge PDF and the registrations on it (to mark as printed once the file is saved)."""

    pdf: bytes
    registrations: list[Registration]


def badge_recipients(event: Event, *, only_new: bool = False, email: str | None = None) -> list[Registration]:
    """Confirmed attendees who get a badge: all, those never printed or marked for reprint after a
    correction (``only_new``), or one by e-mail."""
    registrations = confirmed_registrations(event)
    if only_new:
        registrations = [r for r in registrations if r.badge_printed_at is None or r.badge_reprint]
    if email is not None:
        registrations = [r for r in registrations if r.email == email.strip().lower()]
        if not registrations:
            raise DocumentError(_("Zu „%(email)s“ gibt es keine bestätigte Anmeldung für diese Veranstaltung.", email=email))
    return registrations


def check_badge_settings(layout: str, skip: int, offset: tuple[float, float]) -> None:
    """Raise ``DocumentError`` (German, saying what to do) for a sheet, skip or offset that cannot be."""
    sheet = LAYOUTS.get(layout)
    if sheet is None:
        raise DocumentError(_("Das Etikettenformat „%(layout)s“ gibt es nicht. Möglich sind: %(known)s.",
                              layout=layout, known=", ".join(LAYOUTS)))
    if not 0 <= skip < sheet.per_page:
        raise DocumentError(_("Auf einem Bogen sind %(count)s Etiketten: überspringen Sie 0 bis %(last)s.",
                              count=sheet.per_page, last=sheet.per_page - 1))
    if any(abs(value) > 20 for value in offset):
        raise DocumentError(_("Der Druckerversatz darf höchstens 20 mm betragen."))


def badges_pdf(event: Event, *, layout: str = DEFAULT_LAYOUT, only_new: bool = False, email: str | None = None,
               skip: int = 0, offset: tuple[float, float] = (0, 0), show_sector: bool = True,
               progress: Callable[[int], None] | None = None,
               registrations: list[Registration] | None = None) -> BadgeRun:
    """Badges sorted by surname on the chosen label sheet (or of exactly ``registrations``, in their order).

    ``skip`` leaves labels of a partly used first sheet empty; ``offset`` (mm, right and down)
    corrects a printer that misses the labels.
    """
    check_badge_settings(layout, skip, offset)
    sheet = LAYOUTS[layout]
    if registrations is None:
        registrations = badge_recipients(event, only_new=only_new, email=email)
    badges = [BadgeData(name=r.full_name, organisation=r.organisation, sector=r.sector if show_sector else "",
                        workshops=workshops_of(r), checkin_url=checkin_url(r), no_photos=not r.photo_consent,
                        door_code=door_code(r.badge_token))
              for r in registrations]
    pdf = render_badges(badges, sheet, event_title=event.title,
                        event_date=badge_date(event), logo=event_logo(event),
                        skip=skip, offset=offset, progress=progress)
    return BadgeRun(pdf, registrations)


def mark_badges_printed(registrations: list[Registration]) -> None:
    """Remember that these badges are printed, so "only new badges" leaves them out next time."""
    now = utcnow()
    for registration in registrations:
        registration.badge_printed_at = now
        registration.badge_reprint = False
    db.session.commit()


def badges_to_reprint(event: Event) -> list[Registration]:
    """Confirmed attendees whose printed badge shows details corrected since."""
    return [r for r in confirmed_registrations(event) if r.badge_reprint]


# --- Flyer --------------------------------------------------------------------------------------

def flyer(event: Event, format: str = "a4") -> Flyer:
    """The event's flyer with program, deadline, contact and a QR code of the registration page,
    with notes for the organiser when the program had to be shortened to fit."""
    if format not in FORMATS:
        raise DocumentError(_("Das Flyerformat „%(format)s“ gibt es nicht. Möglich sind: %(known)s.",
                              format=format, known=", ".join(FORMATS)))
    return render_flyer(event, format, registration_url=registration_url(event), logo=event_logo(event),
                        cover=cover_of(event))


def flyer_pdf(event: Event, format: str = "a4") -> bytes:
    """The flyer's PDF alone (see ``flyer``)."""
    return flyer(event, format).pdf


# --- Sign-in sheets -----------------------------------------------------------------------------

def sign_in_sheets_pdf(event: Event, progress: Callable[[int], None] | None = None) -> bytes:
    """One sign-in sheet for the plenary (every confirmed attendee) and one per workshop or theme table."""
    registrations = confirmed_registrations(event)
    by_item: dict[int, list[Registration]] = {}
    for registration in registrations:
        for assignment in registration.assignments:
            by_item.setdefault(assignment.program_item_id, []).append(registration)
    sheets = [(None, registrations)]
    sheets += [(item, by_item.get(item.id, [])) for slot in event.choice_slots for item in slot.choice_items]
    return render_sign_in_sheets(event, sheets, progress=progress)


# --- Certificates -------------------------------------------------------------------------------

def certificate_recipients(event: Event, basis: CertificateBasis = CertificateBasis.checked_in) -> list[Registration]:
    """Who gets a certificate: checked-in attendees, or every confirmed one, as the organiser chooses."""
    registrations = confirmed_registrations(event)
    if basis == CertificateBasis.checked_in:
        registrations = [r for r in registrations if r.checked_in_at is not None]
    return registrations


def attendance_taken(event: Event) -> bool:
    """Whether anybody marked attendance in the rooms of this event."""
    return db.session.scalar(select(Attendance.id).join(Registration)
                             .where(Registration.event_id == event.id).limit(1)) is not None


def attended_items(event: Event, registration: Registration, marked: bool | None = None) -> list[str]:
    """Titles printed on a certificate: the plenary talks and the attendee's workshops, in program order.

    Workshops come from the attendance marks taken in the rooms. Events where nobody marked
    attendance (older events, or rooms without a device) fall back to the assignments, which is
    all we know there.
    """
    if marked is None:
        marked = attendance_taken(event)
    if marked:
        present = {item.id for item in attendance.attended_items(registration)}
    else:
        present = {a.program_item_id for a in registration.assignments}
    return [item.title for slot in event.slots for item in slot.items
            if item.kind == ItemKind.talk or item.id in present]


def certificates_pdf(event: Event, basis: CertificateBasis = CertificateBasis.checked_in,
                     progress: Callable[[int], None] | None = None) -> bytes:
    """One certificate (Teilnahmebescheinigung) per recipient, sorted by surname, in one PDF."""
    recipients = certificate_recipients(event, basis)
    if not recipients:
        raise DocumentError(_("Niemand erhält eine Teilnahmebescheinigung:") + " "
                            + (_("es ist noch niemand eingecheckt. Wählen Sie „alle bestätigten Anmeldungen“.")
                               if basis == CertificateBasis.checked_in else _("es gibt keine bestätigten Anmeldungen.")))
    marked = attendance_taken(event)
    asking = bool(questionnaire.questions_of(event))
    people = [(r.full_name, attended_items(event, r, marked), answering.personal_url(r) if asking else None)
              for r in recipients]
    db.session.commit()  # the feedback links printed are noted, so they work
    return render_certificates(event, people, logo=event_logo(event), signature=signature_of(event),
                               progress=progress)


def own_certificate_available(registration: Registration) -> bool:
    """An attendee downloads their own certificate from the private link once the event is over,
    if they were checked in at the door: a certificate says they were there. (Who was not checked
    in gets theirs from the organisers, who print them for all confirmed attendees if they wish.)"""
    event = registration.event
    return (registration.status == RegistrationStatus.confirmed and registration.checked_in_at is not None
            and registration.erased_at is None and event.purged_at is None and event.local_now() >= event.ends_at)


def attendee_certificate_pdf(registration: Registration) -> bytes:
    """An attendee's own certificate (from the manage link), see ``own_certificate_available``."""
    event = registration.event
    if event.local_now() < event.ends_at:
        raise DocumentError(_("Die Teilnahmebescheinigung gibt es nach dem Ende der Veranstaltung."))
    if not own_certificate_available(registration):
        raise DocumentError(_("Für diese Anmeldung gibt es keine Teilnahmebescheinigung zum Herunterladen. "
                              "Bitte wenden Sie sich an die Veranstalter."))
    if questionnaire.questions_of(event):
        begin_write()  # the feedback link printed is noted: a GET, whose transaction only read so far
        feedback_url = answering.personal_url(registration)
        db.session.commit()
    else:
        feedback_url = None
    return render_certificates(event, [(registration.full_name, attended_items(event, registration), feedback_url)],
                               logo=event_logo(event), signature=signature_of(event))
