"""Materials of an event: upload with checks, who may see which, the "materials are online" e-mail.

Files are checked by their content, not their name: PDF, PowerPoint and Word (Office Open XML,
no macros), PNG and JPEG, at most ``MAX_BYTES``. They are always served as downloads
(``Content-Disposition: attachment``), so nothing an uploader sends runs in a visitor's browser.
"""
from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import urlsplit

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from confapp.extensions import db
from confapp.models import Event, ItemKind, Material, ProgramItem, Registration, RegistrationStatus, User
from confapp.services.mail.bulk import BulkMail, bulk_mail, require_confirmed, sample_texts
from confapp.services.mail.outbox import queue_rendered, render_email
from confapp.services.materials import storage
from confapp.services.networks import audit
from confapp.services.registration.lookup import manage_url

MAX_BYTES = 20 * 1024 * 1024
MAX_PER_EVENT = 200
#: What we accept: the type a file's content shows, with the extension and MIME type it is served as.
TYPES = {
    "pdf": ("application/pdf", ".pdf"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "png": ("image/png", ".png"),
    "jpeg": ("image/jpeg", ".jpg"),
}


class MaterialError(ValueError):
    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(str(p) for p in problems.values()))
        self.problems = problems


def kind_of(data: bytes) -> str | None:
    """The file's type by its content; None for anything else (or an Office file with macros)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" not in names or any(n.lower().endswith("vbaproject.bin") for n in names):
            return None
        for kind, folder in (("pptx", "ppt/"), ("docx", "word/"), ("xlsx", "xl/")):
            if any(n.startswith(folder) for n in names):
                return kind
    return None


def _safe_filename(name: str, extension: str) -> str:
    stem = re.sub(r"[^\w.\- ]+", "", (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip(" .")
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", stem)[:80] or "material"
    return stem + extension


def _item(event: Event, item_id: int | None) -> ProgramItem | None:
    if item_id is None:
        return None
    item = db.session.get(ProgramItem, item_id)
    if item is None or item.slot.event_id != event.id or item.kind is ItemKind.break_:
        raise MaterialError({"program_item_id": _l("Diesen Programmpunkt gibt es in dieser Veranstaltung nicht.")})
    return item


def _check_title(title: str) -> str:
    title = " ".join((title or "").replace("\x00", "").split())
    if not title:
        raise MaterialError({"title": _l("Bitte geben Sie einen Titel an, z. B. „Folien zum Vortrag“.")})
    if len(title) > 200:
        raise MaterialError({"title": _l("Höchstens 200 Zeichen.")})
    return title


def _count_ok(event: Event) -> None:
    count = db.session.scalar(select(func.count()).select_from(Material).where(Material.event_id == event.id))
    if count >= MAX_PER_EVENT:
        raise MaterialError({"title": _l("Höchstens 200 Materialien je Veranstaltung.")})


def _page_changed(event: Event) -> None:
    """The public event page lists public materials: it is rendered anew (see ``Event.page_version``)."""
    event.page_version = Event.page_version + 1


def add_file(actor: User, event: Event, item_id: int | None, title: str, filename: str, data: bytes,
             public: bool = False) -> Material:
    title = _check_title(title)
    item = _item(event, item_id)
    if len(data) > MAX_BYTES:
        raise MaterialError({"file": _l("Die Datei ist größer als 20 MB.")})
    kind = kind_of(data)
    if kind is None:
        raise MaterialError({"file": _l("Bitte laden Sie eine PDF-, PowerPoint-, Word- oder Excel-Datei (ohne Makros) "
                                        "oder ein Bild (PNG, JPEG) hoch.")})
    _count_ok(event)
    mime, extension = TYPES[kind]
    material = Material(event_id=event.id, program_item_id=item.id if item else None, title=title,
                        storage_key=storage.save(data), filename=_safe_filename(filename, extension),
                        content_type=mime, size=len(data), public=public, uploaded_by=actor.name or actor.email)
    db.session.add(material)
    audit.record(actor, "material.added", f"Material „{title}“ hochgeladen", event=event)
    _page_changed(event)
    db.session.commit()
    return material


def add_link(actor: User, event: Event, item_id: int | None, title: str, url: str, public: bool = False) -> Material:
    title = _check_title(title)
    item = _item(event, item_id)
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or len(url) > 500 or any(c.isspace() for c in url):
        raise MaterialError({"url": _l("Bitte geben Sie eine vollständige Adresse an, die mit https:// beginnt.")})
    _count_ok(event)
    material = Material(event_id=event.id, program_item_id=item.id if item else None, title=title, url=url,
                        public=public, uploaded_by=actor.name or actor.email)
    db.session.add(material)
    audit.record(actor, "material.added", f"Link „{title}“ hinzugefügt", event=event)
    _page_changed(event)
    db.session.commit()
    return material


def remove(actor: User, material: Material) -> None:
    event = db.session.get(Event, material.event_id)
    audit.record(actor, "material.removed", f"Material „{material.title}“ entfernt", event=event)
    _page_changed(event)
    key = material.storage_key
    db.session.delete(material)
    db.session.commit()
    if key:
        storage.delete(key)


def set_public(actor: User, material: Material, public: bool) -> None:
    material.public = public
    event = db.session.get(Event, material.event_id)
    audit.record(actor, "material.published" if public else "material.unpublished",
                 f"Material „{material.title}“ {'auf' if public else 'von'} der öffentlichen Seite "
                 f"{'gezeigt' if public else 'genommen'}", event=event)
    _page_changed(event)
    db.session.commit()


def materials_of(event: Event, items: set[int] | None = None, public_only: bool = False) -> list[Material]:
    """The event's materials, the whole event's first, then by program order; optionally only some items'."""
    statement = (select(Material).where(Material.event_id == event.id)
                 .options(selectinload(Material.program_item).selectinload(ProgramItem.slot)))
    if public_only:
        statement = statement.where(Material.public.is_(True))
    found = list(db.session.scalars(statement))
    if items is not None:
        found = [m for m in found if m.program_item_id is None or m.program_item_id in items]
    return sorted(found, key=lambda m: (m.program_item is not None,
                                        m.program_item.slot.starts_at if m.program_item else None,
                                        m.program_item.position if m.program_item else 0, m.id))


def material_or_404(event: Event, material_id: int) -> Material:
    material = db.session.get(Material, material_id)
    if material is None or material.event_id != event.id:
        abort(404)
    return material


def for_attendee(registration: Registration) -> list[Material]:
    """What an attendee sees through the private link: all of it while they have a confirmed seat."""
    if registration.status is not RegistrationStatus.confirmed:
        return []
    return materials_of(registration.event)


def file_of(material: Material) -> bytes:
    data = storage.load(material.storage_key) if material.storage_key else None
    if data is None:
        abort(404)
    return data


def _email(registration: Registration, materials: list[Material]):
    return render_email("materials_online", registration.email, event=registration.event, registration=registration,
                        manage_url=manage_url(registration), materials=materials)


def _confirmed_attendees(event: Event) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.confirmed)
        .order_by(Registration.last_name, Registration.first_name, Registration.id)))


def _announcement_of(everyone: list[Registration], materials: list[Material]) -> BulkMail:
    found = [r for r in everyone if r.email]
    sample = _email(found[0], materials) if found else None
    return bulk_mail((r.id for r in found), sample, [m.id for m in materials], *sample_texts(sample),
                     without_email=len(everyone) - len(found), names=(f"{r.full_name} <{r.email}>" for r in found))


def announcement(event: Event) -> BulkMail:
    """Who the "materials are online" e-mail would go to now (confirmed attendees with an address),
    the first of them written out."""
    return _announcement_of(_confirmed_attendees(event), materials_of(event))


def announce(actor: User, event: Event, *, confirmed: str | None) -> int:
    """Queue the "materials are online" e-mail, once the organiser confirmed the preview of exactly
    these recipients and these materials (``confirmed``: the fingerprint of ``announcement``, else
    ``bulk.NotConfirmed`` and nothing is sent). Returns how many."""
    everyone, materials = _confirmed_attendees(event), materials_of(event)
    require_confirmed(_announcement_of(everyone, materials), confirmed)
    recipients = [r for r in everyone if r.email]
    for registration in recipients:
        queue_rendered(_email(registration, materials), event=event, registration=registration)
    audit.record(actor, "material.announced", f"Hinweis auf Materialien an {len(recipients)} Personen verschickt",
                 event=event)
    db.session.commit()
    return len(recipients)


def forget_uploaders(event: Event) -> None:
    """Purge: the uploaders' names go, the materials stay."""
    db.session.execute(update(Material).where(Material.event_id == event.id).values(uploaded_by=""))
