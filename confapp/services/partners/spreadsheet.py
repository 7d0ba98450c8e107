"""A coordinator's partner list from Excel or CSV: read, checked row by row, written only on confirmation.

Lists in county offices have one row per contact person, the institution repeated on each; the
columns are found by their German headings ("Einrichtung", "Arbeitsfeld", "Ansprechperson", …)
whatever their order. Every problem is named with its row before anything is written; rows with
problems are left out of the import, the rest go in together.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeTimedSerializer
from openpyxl import load_workbook
from sqlalchemy import select

from confapp.extensions import db
from confapp.models import LegalBasis, Network, Partner, PartnerContact, User
from confapp.services.networks import audit
from confapp.services.partners.directory import (LEGAL_BASIS_TEXT, ContactDetails, PartnerDetails,
                                                 cleaned_contact, cleaned_partner, contact_problems,
                                                 new_contact, normalised, partner_problems)
from confapp.services.reports.exports import Table

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
#: Headings a coordinator's list uses for each column, compared without case, spaces or punctuation.
HEADINGS = {
    "name": ("einrichtung", "name", "institution", "organisation", "träger", "nameeinrichtung", "partner"),
    "sector": ("arbeitsfeld", "bereich", "sektor", "handlungsfeld"),
    "address": ("adresse", "anschrift"),
    "street": ("straße", "strasse", "strhausnr", "straßeundhausnummer"),
    "postcode": ("plz", "postleitzahl"),
    "town": ("ort", "stadt", "gemeinde"),
    "district": ("sozialraum", "bezirk", "region", "stadtteil", "planungsraum"),
    "contact_name": ("ansprechperson", "ansprechpartner", "ansprechpartnerin", "ansprechpartnerinnen",
                     "kontaktperson", "kontakt"),
    "role": ("funktion", "rolle", "position"),
    "email": ("email", "mail", "emailadresse"),
    "phone": ("telefon", "tel", "telefonnummer", "fon"),
    "legal_basis": ("rechtsgrundlage",),
    "source": ("herkunft", "quelle", "herkunftderdaten"),
    "notes": ("notizen", "bemerkungen", "anmerkungen", "hinweise"),
}
LEGAL_BASIS_WORDS = {"": LegalBasis.public_task, "öffentlicheaufgabe": LegalBasis.public_task,
                     "aufgabe": LegalBasis.public_task, "einwilligung": LegalBasis.consent,
                     "consent": LegalBasis.consent, "publictask": LegalBasis.public_task}


class PartnerListError(ValueError):
    """The file cannot be read at all: wrong type, too large, no heading row."""


@dataclass
class ImportRow:
    """One line of the list as understood, with what is wrong with it."""

    line: int
    partner: PartnerDetails
    contact: ContactDetails | None
    problems: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    #: Institutions the import would add, and those already in the directory it would add contacts to.
    new_names: list[str]
    existing_names: list[str]

    @property
    def broken(self) -> list[ImportRow]:
        return [row for row in self.rows if row.problems]

    @property
    def good(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.problems]


def _key(heading: object) -> str:
    return "".join(c for c in str(heading or "").casefold() if c.isalnum())


def _columns(header: list[object]) -> dict[str, int]:
    columns = {}
    for index, heading in enumerate(header):
        key = _key(heading)
        for name, words in HEADINGS.items():
            if key in words and name not in columns:
                columns[name] = index
    return columns


def read_table(filename: str, data: bytes) -> list[list[object]]:
    """The rows of an uploaded .xlsx or .csv (semicolon or comma, UTF-8 or Windows-1252)."""
    if len(data) > MAX_BYTES:
        raise PartnerListError(_l("Die Datei ist größer als 2 MB. Bitte teilen Sie die Liste auf."))
    lower = (filename or "").lower()
    if lower.endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise PartnerListError(_l("Die Datei lässt sich nicht als Excel-Tabelle (.xlsx) lesen.")) from None
        rows = []
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                break
        workbook.close()
        return rows
    if lower.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        text = text.replace("\x00", "")
        delimiter = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)][:MAX_ROWS + 1]
    raise PartnerListError(_l("Bitte laden Sie eine Excel-Tabelle (.xlsx) oder eine CSV-Datei hoch."))


def _text(row: list[object], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    if index is None or index >= len(row) or row[index] is None:
        return ""
    value = row[index]
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a postcode Excel stored as a number
    return " ".join(str(value).replace("\x00", "").split())


def check_table(network: Network, table: list[list[object]]) -> ImportPreview:
    """Understand and check every row; nothing is written."""
    header_index = next((i for i, row in enumerate(table[:10]) if "name" in _columns(row)), None)
    if header_index is None:
        raise PartnerListError(_l("Keine Überschrift „Einrichtung“ gefunden. Die erste Zeile braucht Spaltennamen wie "
                              "Einrichtung, Arbeitsfeld, Ansprechperson, E-Mail."))
    columns = _columns(table[header_index])
    body = table[header_index + 1:]
    if len(body) > MAX_ROWS:
        raise PartnerListError(_l("Höchstens %(limit)d Zeilen auf einmal.", limit=MAX_ROWS))
    rows = []
    for offset, raw in enumerate(body):
        line = header_index + offset + 2  # as the spreadsheet numbers its rows
        if not any(str(value or "").strip() for value in raw):
            continue
        text = lambda name, raw=raw: _text(raw, columns, name)  # noqa: E731
        address = text("address") or ", ".join(part for part in (
            text("street"), " ".join(p for p in (text("postcode"), text("town")) if p)) if part)
        partner = cleaned_partner(PartnerDetails(name=text("name"), sector=text("sector"), address=address,
                                                 district=text("district"), notes=text("notes")))
        problems = [str(message) for message in partner_problems(network, partner).values()]
        contact = None
        if text("contact_name") or text("email") or text("phone"):
            basis = LEGAL_BASIS_WORDS.get(_key(text("legal_basis")))
            if basis is None:
                problems.append(str(_l("Rechtsgrundlage „%(value)s“ unbekannt: erlaubt sind „Öffentliche Aufgabe“ "
                                       "oder „Einwilligung“.", value=text("legal_basis")[:60])))
                basis = LegalBasis.public_task
            contact = cleaned_contact(ContactDetails(name=text("contact_name"), role=text("role"), email=text("email"),
                                                     phone=text("phone"), legal_basis=basis, source=text("source")))
            problems += [str(message) for message in contact_problems(contact).values()]
        rows.append(ImportRow(line, partner, contact, problems))
    existing = {normalised(name) for name in db.session.scalars(
        select(Partner.name).where(Partner.network_id == network.id))}
    names = {normalised(row.partner.name): row.partner.name for row in rows if not row.problems}
    return ImportPreview(rows, sorted(n for k, n in names.items() if k not in existing),
                         sorted(n for k, n in names.items() if k in existing))


def rows_as_data(preview: ImportPreview) -> list[dict]:
    """The good rows as plain data, to carry from the preview to the confirmation (signed by the view)."""
    return [{"partner": vars(row.partner),
             "contact": {**vars(row.contact), "legal_basis": row.contact.legal_basis.value, "keep_until": None}
             if row.contact else None} for row in preview.good]


def apply_rows(actor: User, network: Network, data: list[dict]) -> tuple[int, int]:
    """Write checked rows: new institutions and new contact persons (an address already there is skipped).

    Returns (institutions added, contacts added). The rows are checked again, so a signed but stale
    preview can write nothing that is invalid now.
    """
    partners = {normalised(p.name): p for p in db.session.scalars(
        select(Partner).where(Partner.network_id == network.id))}
    known = {(c.partner_id, c.email or c.name) for c in db.session.scalars(
        select(PartnerContact).join(Partner).where(Partner.network_id == network.id))}
    added_partners = added_contacts = 0
    for item in data[:MAX_ROWS]:
        details = cleaned_partner(PartnerDetails(**item["partner"]))
        if partner_problems(network, details):
            continue
        partner = partners.get(normalised(details.name))
        if partner is None:
            partner = Partner(network_id=network.id, **vars(details))
            db.session.add(partner)
            db.session.flush()
            partners[normalised(details.name)] = partner
            added_partners += 1
        if item["contact"]:
            contact = cleaned_contact(ContactDetails(**{**item["contact"],
                                                        "legal_basis": LegalBasis(item["contact"]["legal_basis"])}))
            if contact_problems(contact) or (partner.id, contact.email or contact.name) in known:
                continue
            db.session.add(new_contact(partner, contact))
            known.add((partner.id, contact.email or contact.name))
            added_contacts += 1
    audit.record(actor, "partner.imported",
                 f"Partnerliste eingelesen: {added_partners} Einrichtungen, {added_contacts} Ansprechpersonen neu",
                 network=network)
    db.session.commit()
    return added_partners, added_contacts


def directory_table(network: Network) -> Table:
    """The directory as a sheet with the same headings the import reads: one row per contact person."""
    header = ["Einrichtung", "Arbeitsfeld", "Adresse", "Sozialraum", "Ansprechperson", "Funktion", "E-Mail",
              "Telefon", "Rechtsgrundlage", "Herkunft", "Löschen am", "Notizen"]
    rows = []
    partners = db.session.scalars(select(Partner).where(Partner.network_id == network.id).order_by(Partner.name))
    for partner in partners:
        base = [partner.name, partner.sector, partner.address, partner.district]
        for contact in partner.contacts or [None]:
            if contact is None:
                rows.append(base + ["", "", "", "", "", "", "", partner.notes])
            else:
                basis = "Einwilligung" if contact.legal_basis is LegalBasis.consent else "Öffentliche Aufgabe"
                rows.append(base + [contact.name, contact.role, contact.email, contact.phone, basis,
                                    contact.source, contact.keep_until.strftime("%d.%m.%Y"), partner.notes])
    return Table(title="Partner", header=header, rows=rows)




def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="partner-import")


def sign_rows(network: Network, data: list[dict]) -> str:
    """The checked rows, signed for the confirmation form: the organiser confirms exactly what was shown."""
    return _signer().dumps({"network": network.id, "rows": data})


def unsign_rows(network: Network, token: str) -> list[dict]:
    """The rows of a confirmation form; an altered, foreign or hour-old form raises ``PartnerListError``."""
    try:
        payload = _signer().loads(token or "", max_age=3600)
    except BadData:
        raise PartnerListError(_l("Die Vorschau ist abgelaufen. Bitte laden Sie die Datei noch einmal hoch.")) from None
    if payload.get("network") != network.id:
        raise PartnerListError(_l("Die Vorschau gehört zu einem anderen Netzwerk."))
    return payload["rows"]
