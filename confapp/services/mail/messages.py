"""E-mails from organisers to all or some attendees, with placeholders, through the outbox.

Sending takes two steps: the preview (how many, one e-mail written out) and the confirmation of
exactly that preview (``services.mail.bulk``); a message cannot go out unseen.

Placeholders are replaced by plain text substitution (never ``str.format``, which would let a
template reach into objects); unknown placeholders are an error before anything is sent.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from confapp.extensions import db
from confapp.models import Assignment, Event, ProgramItem, Registration, RegistrationStatus, User
from confapp.services.networks import audit
from confapp.services.events.editor import EditorError
from confapp.services.mail.bulk import BulkMail, bulk_mail, require_confirmed
from confapp.services.mail.outbox import RenderedEmail, queue_email
from confapp.services.registration.lookup import manage_url
from confapp.services.registration.listing import RegistrationFilter, conditions

#: Placeholder → what it stands for (shown to organisers under the form).
PLACEHOLDERS = {
    "{vorname}": "Vorname", "{nachname}": "Nachname", "{name}": _l("Vor- und Nachname"),
    "{workshops}": _l("zugeteilte Workshops mit Zeitfenster"), "{raeume}": _l("Räume der zugeteilten Workshops"),
    "{link}": _l("persönlicher Link zum Ansehen, Ändern oder Stornieren der Anmeldung"),
    "{veranstaltung}": _l("Titel der Veranstaltung"),
}
PLACEHOLDER_PATTERN = re.compile(r"\{[^{}\s]{1,30}\}")
MAX_SUBJECT, MAX_BODY = 200, 20_000


@dataclass
class Audience:
    """Who gets the message: by status (default confirmed), optionally one workshop or sector."""

    status: str = RegistrationStatus.confirmed.value
    item_id: int | None = None
    sector: str = ""


@dataclass
class Rendered:
    to: str
    subject: str
    text: str


def recipients(event: Event, audience: Audience) -> list[Registration]:
    """The registrations the message goes to, by name."""
    wanted = RegistrationFilter(status=audience.status, item_id=audience.item_id, sector=audience.sector)
    return list(db.session.scalars(
        select(Registration).where(*conditions(event, wanted), Registration.erased_at.is_(None))
        .options(selectinload(Registration.assignments).selectinload(Assignment.program_item)
                 .selectinload(ProgramItem.room))
        .order_by(Registration.last_name, Registration.first_name, Registration.id)))


def _check(subject: str, body: str) -> None:
    problems = {}
    for name, text, limit in (("subject", subject, MAX_SUBJECT), ("body", body, MAX_BODY)):
        if not text.strip():
            problems[name] = _("Bitte füllen Sie dieses Feld aus.")
        elif len(text) > limit:
            problems[name] = _("Höchstens %(count)s Zeichen.", count=limit)
        unknown = sorted(set(PLACEHOLDER_PATTERN.findall(text)) - set(PLACEHOLDERS))
        if unknown and name not in problems:
            problems[name] = _("Unbekannter Platzhalter %(unknown)s. Möglich sind: %(known)s.",
                                unknown=", ".join(unknown), known=", ".join(PLACEHOLDERS))
    if problems:
        raise EditorError(problems)


def render_for(registration: Registration, subject: str, body: str) -> Rendered:
    """Subject and text with the registration's values in place of the placeholders."""
    assigned = sorted(registration.assignments, key=lambda a: (a.program_item.slot.starts_at, a.slot_id))
    values = {
        "{vorname}": registration.first_name, "{nachname}": registration.last_name,
        "{name}": registration.full_name, "{veranstaltung}": registration.event.title,
        "{workshops}": "\n".join(f"- {a.program_item.slot.label}: {a.program_item.title}" for a in assigned)
                       or _("(noch keine Zuteilung)"),
        "{raeume}": ", ".join(dict.fromkeys(a.program_item.room.name for a in assigned if a.program_item.room))
                    or _("(wird noch bekannt gegeben)"),
        "{link}": manage_url(registration),
    }
    replace = lambda text: PLACEHOLDER_PATTERN.sub(lambda m: values.get(m.group(0), m.group(0)), text)  # noqa: E731
    # Subjects are one line: a name can never smuggle in a header.
    return Rendered(to=registration.email, subject=" ".join(replace(subject).split()), text=replace(body))


def preview(event: Event, audience: Audience, subject: str, body: str) -> BulkMail:
    """How many would get the message, and how it reads for the first of them."""
    _check(subject, body)
    everyone = recipients(event, audience)
    found = [r for r in everyone if r.email]
    sample = None
    if found:
        first = render_for(found[0], subject, body)
        sample = RenderedEmail(first.to, first.subject, first.text, None)
    return bulk_mail((r.id for r in found), sample, subject, body, without_email=len(everyone) - len(found))


def send(actor: User, event: Event, audience: Audience, subject: str, body: str, confirmed: str | None) -> int:
    """Queue one e-mail per recipient in one transaction with the audit entry; returns how many.

    Only after the organiser confirmed the preview of exactly these recipients and this text
    (``confirmed`` is its fingerprint); else ``bulk.NotConfirmed``.
    """
    require_confirmed(preview(event, audience, subject, body), confirmed)
    found = [r for r in recipients(event, audience) if r.email]  # by phone or on paper: no address
    for registration in found:
        message = render_for(registration, subject, body)
        queue_email(message.to, message.subject, message.text, event=event, registration=registration)
    audit.record(actor, "message.sent", f"Nachricht „{subject[:100]}“ an {len(found)} Teilnehmende verschickt.",
                 event=event)
    db.session.commit()
    return len(found)
