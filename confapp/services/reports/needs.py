"""Lists for the people around an event: the caterer, the venue and the photographer.

Diet and access needs are stored only with the attendee's consent (``needs_consent_at``) and are
deleted with the event's personal data, so these lists show only what consent allows and are
empty once the event is purged. Only confirmed registrations count: they are the ones who come.
Diet is free text on the form ("z. B. vegetarisch, vegan, Allergien"); the caterer gets a count
per diet choice read from it, and every free-text note next to the name.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from confapp.documents.lists import render_needs_list
from confapp.extensions import db
from confapp.formatting import format_wallclock
from confapp.models import Assignment, Event, Registration, RegistrationStatus
from confapp.services.documents.printing import by_surname
from confapp.services.reports.exports import Table

#: Diet choices the caterer counts, in the order printed; the first whose words occur in the note wins.
DIET_CHOICES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("vegan", ("vegan",)),
    ("vegetarisch", ("vegetar", "veggie", "fleischlos", "ohne fleisch")),
    ("andere Angabe", ()),
)
#: Registrations without a diet note eat what is served.
NO_DIET = "ohne besondere Angabe"
#: What pages and printed lists call each diet choice, in the reader's language (the choices
#: themselves stay German: they are the keys of the counts and the text of CSV/XLSX exports).
DIET_LABELS = {"vegan": _l("vegan"), "vegetarisch": _l("vegetarisch"), "andere Angabe": _l("andere Angabe"),
               NO_DIET: _l("ohne besondere Angabe")}
#: The lists, by the name in their URL: title and file name.
LISTS = {"verpflegung": _l("Verpflegung"), "barrierefreiheit": _l("Barrierefreiheit"),
         "fotos": _l("Ohne Foto-Einwilligung")}


def diet_choice(note: str) -> str:
    """The diet choice a free-text note stands for ("Vegetarisch, keine Nüsse" → "vegetarisch")."""
    text = " ".join(note.casefold().split())
    if not text:
        return NO_DIET
    for choice, words in DIET_CHOICES:
        if not words or any(word in text for word in words):
            return choice
    return DIET_CHOICES[-1][0]


def diet_label(choice: str) -> str:
    """A diet choice as pages and printed lists show it, in the language of the request."""
    return str(DIET_LABELS.get(choice, choice))


@dataclass
class Person:
    name: str
    organisation: str
    #: Assigned workshops or theme tables ("Slot: Title"), in program order.
    workshops: list[str]
    note: str = ""


@dataclass
class CateringList:
    #: (diet choice, confirmed registrations with it), every choice listed, "ohne besondere Angabe" first.
    counts: list[tuple[str, int]]
    #: Everyone with a diet note: the note as written, for allergies and details.
    notes: list[tuple[Person, str]]

    @property
    def total(self) -> int:
        return sum(count for _choice, count in self.counts)


def _confirmed(event: Event) -> list[Registration]:
    if event.purged_at is not None:
        return []
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.confirmed)
        .options(selectinload(Registration.assignments).selectinload(Assignment.program_item)))
    return sorted(registrations, key=by_surname)


def _person(registration: Registration, note: str = "") -> Person:
    assigned = sorted(registration.assignments, key=lambda a: (a.program_item.slot.starts_at, a.slot_id))
    return Person(name=registration.full_name, organisation=registration.organisation,
                  workshops=[f"{a.program_item.slot.label}: {a.program_item.title}" for a in assigned], note=note)


def _consented(registration: Registration) -> bool:
    return registration.needs_consent_at is not None


def catering_list(event: Event) -> CateringList:
    """Confirmed registrations counted per diet choice, with every note (only where consent was given)."""
    counts = {NO_DIET: 0, **{choice: 0 for choice, _words in DIET_CHOICES}}
    notes = []
    for registration in _confirmed(event):
        note = registration.diet.strip() if _consented(registration) else ""
        counts[diet_choice(note)] += 1
        if note:
            notes.append((_person(registration), note))
    return CateringList(counts=list(counts.items()), notes=notes)


def access_list(event: Event) -> list[Person]:
    """Confirmed registrations with access needs (consent given), with name and workshops, for the venue."""
    return [_person(r, r.access_needs.strip()) for r in _confirmed(event)
            if _consented(r) and r.access_needs.strip()]


def photo_list(event: Event) -> list[Person]:
    """Confirmed registrations that did not agree to be photographed, for the photographer."""
    return [_person(r) for r in _confirmed(event) if not r.photo_consent]


def needs_counts(event: Event) -> tuple[list[tuple[str, int]], int]:
    """For the statistics page: registrations per diet choice, and how many named access needs."""
    return catering_list(event).counts, len(access_list(event))


def list_table(event: Event, kind: str) -> Table:
    """One of the lists (``LISTS``) as a sheet for CSV and XLSX."""
    if kind == "verpflegung":
        catering = catering_list(event)
        rows: list[list[object]] = [[choice, count, "", ""] for choice, count in catering.counts]
        rows.append(["insgesamt", catering.total, "", ""])
        rows += [[diet_choice(note), "", person.name, note] for person, note in catering.notes]
        return Table(title="Verpflegung", header=["Verpflegung", "Anzahl", "Name", "Angabe"], rows=rows)
    people = access_list(event) if kind == "barrierefreiheit" else photo_list(event)
    header = ["Name", "Einrichtung", "Workshops"] + (["Unterstützungsbedarf"] if kind == "barrierefreiheit" else [])
    rows = [[p.name, p.organisation, " | ".join(p.workshops)] + ([p.note] if kind == "barrierefreiheit" else [])
            for p in people]
    return Table(title=str(LISTS[kind]), header=header, rows=rows)


def list_pdf(event: Event, kind: str) -> bytes:
    """One of the lists as a printable PDF, through the one render entry point."""
    context = ({"catering": catering_list(event)} if kind == "verpflegung"
               else {"people": access_list(event) if kind == "barrierefreiheit" else photo_list(event)})
    printed_at = format_wallclock(event.local_now())
    return render_needs_list(event, kind, str(LISTS[kind]), printed_at=printed_at, diet_label=diet_label, **context)
