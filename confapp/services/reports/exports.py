"""Registrations and workshop lists as CSV (German Excel), XLSX and JSON.

Every text cell is neutralised against formula injection: an attendee named ``=HYPERLINK(…)``
must stay a name in Excel or LibreOffice, never become a formula. Such cells get a leading
apostrophe, and XLSX cells are written as plain strings whatever they contain.

XLSX sheets are laid out as people expect: dates are real date cells in the event's local time
(stored timestamps are UTC), columns are as wide as their content, and the header row is bold,
frozen and carries an autofilter. CSV stays plain text (dates in UTC as before).
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from flask_babel import gettext as _

from confapp.extensions import db
from confapp.formatting import local_moment
from confapp.models import Assignment, Event, Preference, ProgramItem, Registration, RegistrationStatus

#: Characters that make spreadsheet programs read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
STATUS_TEXT = {RegistrationStatus.confirmed: "bestätigt", RegistrationStatus.waitlisted: "Warteliste",
               RegistrationStatus.cancelled: "storniert"}
FORMATS = ("csv", "xlsx", "json")
#: How Excel shows date cells (German order); columns are never narrower or wider than this.
DATE_FORMAT = "DD.MM.YYYY HH:MM"
COLUMN_WIDTH = (8, 60)


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
    #: Zone the (naive UTC) timestamps are shown in, in XLSX; None leaves them as they are.
    zone: ZoneInfo | None = None


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
    return Table(title=event.title, header=header, rows=rows, zone=event.zone)


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


def _local(value: datetime, zone: ZoneInfo | None) -> datetime:
    """A naive UTC timestamp as naive wall-clock time in ``zone`` (Excel cells know no zones)."""
    if zone is None:
        return value
    return value.replace(tzinfo=timezone.utc).astimezone(zone).replace(tzinfo=None)


def _width(value: object) -> int:
    if isinstance(value, datetime):
        return len(DATE_FORMAT)
    return max((len(line) for line in str(value).splitlines()), default=0)


def to_xlsx(table: Table) -> bytes:
    """One sheet: real date cells in local time, fitted column widths, a bold frozen header with a filter."""
    workbook = Workbook()
    sheet = workbook.active
    # Sheet titles may not hold []:*?/\ and are at most 31 characters.
    sheet.title = "".join(c for c in table.title if c not in "[]:*?/\\")[:31] or "Liste"
    widths = [len(str(name)) for name in table.header]
    for row in [table.header, *table.rows]:
        sheet.append([_local(value, table.zone) if isinstance(value, datetime) else neutralise(value)
                      for value in row])
        widths = [max(width, _width(value)) for width, value in zip(widths, row)] + widths[len(row):]
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING  # never a formula, whatever openpyxl guessed
            elif isinstance(cell.value, datetime):
                cell.number_format = DATE_FORMAT
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, COLUMN_WIDTH[0]), COLUMN_WIDTH[1])
    sheet.freeze_panes = "A2"
    if table.header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.header))}{len(table.rows) + 1}"
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
        raise ValueError(_("Bitte eine Datei mit der Endung .csv, .xlsx oder .json angeben."))
    if fmt == "json":
        data = registrations_json(event)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return len(data["registrations"])
    table = registrations_table(event)
    path.write_bytes(render(table, fmt)[0])
    return len(table.rows)
