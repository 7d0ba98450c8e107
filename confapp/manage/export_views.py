"""Downloads (registrations, workshop lists) and the workshop-list page for workshop leaders."""
from __future__ import annotations

import re

from flask import Response, abort, render_template
from flask_login import current_user, login_required

from confapp.manage import bp
from confapp.services.networks import access
from confapp.services.networks import audit
from confapp.services.reports import exports, needs
from confapp.services.documents import workshop_lists
from confapp.extensions import db


def _download(data: bytes, mime: str, name: str, fmt: str) -> Response:
    filename = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")[:80] or "liste"
    response = Response(data, mimetype=mime.split(";")[0], content_type=mime)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"  # personal data: not in shared caches
    return response


def _format_or_404(fmt: str) -> str:
    if fmt not in ("csv", "xlsx"):
        abort(404)
    return fmt


@bp.get("/e/<slug>/export")
@login_required
def exports_page(slug: str):
    event = access.event_or_404(current_user, slug)
    items = [item for slot in event.choice_slots for item in slot.choice_items]
    return render_template("manage/exports.html", event=event, items=items, lists=needs.LISTS)


@bp.get("/e/<slug>/export/anmeldungen.<fmt>")
@login_required
def export_registrations(slug: str, fmt: str):
    event = access.event_or_404(current_user, slug)
    data, mime = exports.render(exports.registrations_table(event), _format_or_404(fmt))
    audit.record(current_user, "export.registrations", f"Anmeldungen als {fmt.upper()} heruntergeladen.", event=event)
    db.session.commit()
    return _download(data, mime, f"anmeldungen-{event.slug}", fmt)


@bp.get("/e/<slug>/workshops/<int:item_id>")
@login_required
def workshop_list(slug: str, item_id: int):
    event, item = workshop_lists.item_or_404(current_user, slug, item_id)
    return render_template("manage/workshop_list.html", event=event, item=item,
                           table=exports.workshop_table(item))


@bp.get("/e/<slug>/workshops/<int:item_id>.<fmt>")
@login_required
def export_workshop(slug: str, item_id: int, fmt: str):
    event, item = workshop_lists.item_or_404(current_user, slug, item_id)
    data, mime = exports.render(exports.workshop_table(item), _format_or_404(fmt))
    audit.record(current_user, "export.workshop", f"Liste „{item.title}“ als {fmt.upper()} heruntergeladen.",
                 event=event)
    db.session.commit()
    return _download(data, mime, f"workshop-{item.title}", fmt)


def _list_kind_or_404(kind: str) -> str:
    if kind not in needs.LISTS:
        abort(404)
    return kind


@bp.get("/e/<slug>/listen/<kind>")
@login_required
def needs_list(slug: str, kind: str):
    event = access.event_or_404(current_user, slug)
    kind = _list_kind_or_404(kind)
    return render_template("manage/needs_list.html", event=event, kind=kind, lists=needs.LISTS,
                           diet_label=needs.diet_label,
                           catering=needs.catering_list(event) if kind == "verpflegung" else None,
                           people=needs.access_list(event) if kind == "barrierefreiheit" else needs.photo_list(event))


@bp.get("/e/<slug>/listen/<kind>.<fmt>")
@login_required
def needs_list_download(slug: str, kind: str, fmt: str):
    event = access.event_or_404(current_user, slug)
    kind = _list_kind_or_404(kind)
    if fmt == "pdf":
        data, mime = needs.list_pdf(event, kind), "application/pdf"
    else:
        data, mime = exports.render(needs.list_table(event, kind), _format_or_404(fmt))
    audit.record(current_user, "export.list", f"Liste „{needs.LISTS[kind]}“ als {fmt.upper()} heruntergeladen.",
                 event=event)
    db.session.commit()
    return _download(data, mime, f"{kind}-{event.slug}", fmt)
