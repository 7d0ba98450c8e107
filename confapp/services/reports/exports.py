"""Registrations and workshop lists as CSV (German Excel), XLSX and JSON.

Every text cell is neutralised against formula injection: an attendee named ``=HYPERLINK(…)``
must stay a name in Excel or LibreOffice, never become a formula. Such cells get a leading
apostrophe, and XLSX cells are written as plain strings whatever they contain.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from confapp.extensions import db
from confapp.formatting import local_moment
from confapp.models import Assignment, Event, Preference, ProgramItem, Registration, RegistrationStatus

#: Characters that make spreadsheet programs read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
STATUS_TEXT = {RegistrationStatus.confirmed: "bestätigt", RegistrationStatus.waitlisted: "Warteliste",
               RegistrationStatus.cancelled: "storniert"}
FORMATS = ("csv", "xlsx", "json")


def neutralise(value: object) -> object:
    """A cell value that no spreadsheet runs: text starting like a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, datetime):
        value = value.strftime("%d.%m.%Y %H:%M")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass
class Table:
    """A sheet: title, header and rows of plain values."""

    title: str
    header: list[str]
    rows: list[list[object]]


def _registrations(event: Event) -> list[Registration]:
    return list(db.session.scalars(
        select(Registration).where(Registration.event_id == event.id)
        .options(selectinload(Registration.preferences).selectinload(Preference.program_item),
                 selectinload(Registration.assignments).selectinload(Assignment.program_item))
        .order_by(Registration.last_name, Registration.first_name, Registration.id)))


def registrations_table(event: Event) -> Table:
    """Every registration with status, wishes and assignments per workshop slot."""
    slots = event.choice_slots
    header = ["Nachname", "Vorname", "E-Mail", "Einrichtung", "Arbeitsfeld", "Status",
              "Angemeldet am (Ortszeit)", "Eingecheckt am (Ortszeit)"]
    for slot in slots:
        header += [f"Zuteilung {slot.label}", f"Wünsche {slot.label}"]
    rows = []
    for registration in _registrations(event):
        row: list[object] = [registration.last_name, registration.first_name, registration.email,
                             registration.organisation, registration.sector, STATUS_TEXT[registration.status],
                             local_moment(registration.created_at, event),
                             local_moment(registration.checked_in_at, event)]
        for slot in slots:
            assigned = next((a.program_item.title for a in registration.assignments if a.slot_id == slot.id), "")
            wishes = [f"{p.rank}. {p.program_item.title}" for p in registration.preferences if p.slot_id == slot.id]
            row += [assigned, " | ".join(wishes)]
        rows.append(row)
    return Table(title=event.title, header=header, rows=rows)


def workshop_members(item: ProgramItem) -> list[Registration]:
    """Confirmed attendees assigned to the item, by name."""
    return list(db.session.scalars(
        select(Registration).join(Assignment).where(
            Assignment.program_item_id == item.id, Registration.status == RegistrationStatus.confirmed)
        .order_by(Registration.last_name, Registration.first_name, Registration.id)))


def workshop_table(item: ProgramItem) -> Table:
    """A workshop's list as its leader may see it: name, organisation and sector, nothing more."""
    return Table(title=item.title, header=["Nachname", "Vorname", "Einrichtung", "Arbeitsfeld"],
                 rows=[[r.last_name, r.first_name, r.organisation, r.sector] for r in workshop_members(item)])


def to_csv(table: Table) -> bytes:
    """UTF-8 with BOM and semicolons, as German Excel opens it without an import dialog."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(value) for value in table.header])
    for row in table.rows:
        writer.writerow([neutralise(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    # Sheet titles may not hold []:*?/\ and are at most 31 characters.
    sheet.title = "".join(c for c in table.title if c not in "[]:*?/\\")[:31] or "Liste"
    for row in [table.header, *table.rows]:
        sheet.append([neutralise(value) for value in row])
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING  # never a formula, whatever openpyxl guessed
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def registrations_json(event: Event) -> dict:
    """Registrations with status, wishes and assignments, for scripts (no spreadsheet, no neutralising)."""
    def moment(value: datetime | None) -> str | None:
        return value.isoformat(timespec="seconds") if value else None

    return {"event": event.slug, "registrations": [{
        "first_name": r.first_name, "last_name": r.last_name, "email": r.email, "organisation": r.organisation,
        "sector": r.sector, "status": r.status.value, "created_at": moment(r.created_at),
        "checked_in_at": moment(r.checked_in_at),
        "preferences": [{"slot": p.slot.label, "rank": p.rank, "item": p.program_item.title} for p in r.preferences],
        "assignments": [{"slot": a.slot.label, "item": a.program_item.title} for a in r.assignments],
    } for r in _registrations(event)]}


def render(table: Table, fmt: str) -> tuple[bytes, str]:
    """The table as file bytes and MIME type."""
    if fmt == "csv":
        return to_csv(table), "text/csv; charset=utf-8"
    if fmt == "xlsx":
        return to_xlsx(table), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    raise ValueError(f"unknown format {fmt}")


def export_registrations(event: Event, path: Path) -> int:
    """Write the event's registrations to ``path`` (.csv, .xlsx or .json); returns how many."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError("Bitte eine Datei mit der Endung .csv, .xlsx oder .json angeben.")
    if fmt == "json":
        data = registrations_json(event)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return len(data["registrations"])
    table = registrations_table(event)
    path.write_bytes(render(table, fmt)[0])
    return len(table.rows)
