"""The program editor: slots, rooms and program items of one event."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from confapp.manage import bp
from confapp.manage.event_forms import ConfirmForm, ItemForm, RoomForm, SlotForm
from confapp.manage.helpers import attach_errors, flash_warnings, promotion_step
from confapp.models import Event, ItemKind
from confapp.services.networks import access
from confapp.services.events import program as program_editor
from confapp.services.registration import admin as registration_admin
from confapp.services.events.editor import EditorError, leader_ids
from confapp.services.events.program import ItemDetails
from confapp.services.mail.bulk import NotConfirmed


def _back(event: Event):
    return redirect(url_for("manage.program", slug=event.slug))


def _delete(event: Event, remove, thing, done: str, heading: str):
    """A delete button's POST: remove ``thing`` through the service, say how it went, back to the program.
    When content would go with it, first a page that says what and asks again (``confirmed``)."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _back(event)
    consequences = program_editor.deletion_consequences(event, thing)
    if consequences and request.form.get("confirmed") != "1":
        return render_template("manage/delete_confirm.html", event=event, form=form, heading=heading,
                               consequences=consequences, action=request.path)
    try:
        remove(current_user, event, thing)
    except EditorError as error:
        flash(str(error), "error")
    else:
        flash(done, "success")
    return _back(event)


def _save(event: Event, form, save, done: str):
    """A valid form's POST: ``save()`` through the service and return the warnings it gives.

    Service errors go next to the form's fields and None comes back (show the form again);
    otherwise say how it went and go back to the program.
    """
    try:
        warnings = save()
    except EditorError as error:
        attach_errors(form, error)
        return None
    flash(done, "success")
    flash_warnings(warnings)
    return _back(event)


def _found(value):
    if value is None:
        abort(404)
    return value


@bp.get("/e/<slug>/programm")
@login_required
def program(slug: str):
    event = access.event_or_404(current_user, slug)
    return render_template("manage/program.html", event=event, form=ConfirmForm())


@bp.route("/e/<slug>/programm/zeitfenster/neu", methods=["GET", "POST"], defaults={"slot_id": None})
@bp.route("/e/<slug>/programm/zeitfenster/<int:slot_id>", methods=["GET", "POST"])
@login_required
def edit_slot(slug: str, slot_id: int | None):
    event = access.event_or_404(current_user, slug)
    slot = _found(program_editor.slot_of(event, slot_id)) if slot_id else None
    form = SlotForm(obj=slot)
    if not form.is_submitted() and slot is None:
        form.starts_at.data, form.ends_at.data = event.starts_at, event.ends_at
    if form.validate_on_submit():
        def save_slot() -> list[str]:
            program_editor.save_slot(current_user, event, slot, form.label.data, form.starts_at.data,
                                     form.ends_at.data)
            return []  # a slot brings no warnings

        saved = _save(event, form, save_slot, _("Das Zeitfenster ist gespeichert."))
        if saved:
            return saved
    return render_template("manage/slot_form.html", event=event, slot=slot, form=form), 422 if form.errors else 200


@bp.post("/e/<slug>/programm/zeitfenster/<int:slot_id>/loeschen")
@login_required
def delete_slot(slug: str, slot_id: int):
    event = access.event_or_404(current_user, slug)
    slot = _found(program_editor.slot_of(event, slot_id))
    return _delete(event, program_editor.delete_slot, slot, _("Das Zeitfenster ist gelöscht."),
                   _("Zeitfenster „%(label)s“ löschen?", label=slot.label))


@bp.route("/e/<slug>/programm/raum/neu", methods=["GET", "POST"], defaults={"room_id": None})
@bp.route("/e/<slug>/programm/raum/<int:room_id>", methods=["GET", "POST"])
@login_required
def edit_room(slug: str, room_id: int | None):
    event = access.event_or_404(current_user, slug)
    room = _found(program_editor.room_of(event, room_id)) if room_id else None
    form = RoomForm(obj=room)
    if form.validate_on_submit():
        saved = _save(event, form, lambda: program_editor.save_room(
            current_user, event, room, form.name.data, form.capacity.data, form.access_notes.data),
            _("Der Raum ist gespeichert."))
        if saved:
            return saved
    return render_template("manage/room_form.html", event=event, room=room, form=form), 422 if form.errors else 200


@bp.post("/e/<slug>/programm/raum/<int:room_id>/loeschen")
@login_required
def delete_room(slug: str, room_id: int):
    event = access.event_or_404(current_user, slug)
    room = _found(program_editor.room_of(event, room_id))
    return _delete(event, program_editor.delete_room, room, _("Der Raum ist gelöscht."),
                   _("Raum „%(name)s“ löschen?", name=room.name))


def _item_form(event: Event, item) -> ItemForm:
    form = ItemForm(obj=item)
    form.slot_id.choices = [(slot.id, slot.label) for slot in event.slots]
    form.room_id.choices = [(0, _("– kein Raum –"))] + [(room.id, room.name) for room in event.rooms]
    form.leader_ids.choices = [(user.id, user.name or user.email) for user in program_editor.possible_leaders(event)]
    if not form.is_submitted() and item is not None:
        form.kind.data = item.kind.value
        form.room_id.data = item.room_id or 0
        form.speakers.data = "\n".join(speaker.name for speaker in item.speakers)
        form.leader_ids.data = leader_ids(item)
        form.starts_at.data = item.starts_at.time() if item.starts_at else None
        form.ends_at.data = item.ends_at.time() if item.ends_at else None
    return form


@bp.route("/e/<slug>/programm/punkt/neu", methods=["GET", "POST"], defaults={"item_id": None})
@bp.route("/e/<slug>/programm/punkt/<int:item_id>", methods=["GET", "POST"])
@login_required
def edit_item(slug: str, item_id: int | None):
    event = access.event_or_404(current_user, slug)
    item = _found(program_editor.item_of(event, item_id)) if item_id else None
    if not event.slots:
        flash(_("Bitte legen Sie zuerst ein Zeitfenster an."), "error")
        return _back(event)
    form = _item_form(event, item)
    shown = None
    if form.validate_on_submit():
        details = ItemDetails(
            slot_id=form.slot_id.data, kind=ItemKind(form.kind.data), title=form.title.data,
            abstract=form.abstract.data or "", room_id=form.room_id.data or None, capacity=form.capacity.data,
            starts_at=form.starts_at.data, ends_at=form.ends_at.data,
            speakers=(form.speakers.data or "").splitlines(), leader_ids=form.leader_ids.data or [],
            shares_room=form.shares_room.data)
        promoted = []

        def save():
            _item, warnings, moved_up = program_editor.save_item(current_user, event, item, details,
                                                                 confirmed=form.confirmed.data)
            promoted.extend(moved_up)
            return warnings

        try:
            saved = _save(event, form, save, _("Der Programmpunkt ist gespeichert."))
        except NotConfirmed as error:  # more seats: first who moves up from the waitlist and gets an e-mail
            shown, saved = promotion_step(form, error), None
        if saved:
            if promoted:
                flash(registration_admin.promoted_notice(promoted), "success")
            return saved
    return render_template("manage/item_form.html", event=event, item=item, form=form, shown=shown), \
        422 if form.errors else 200


@bp.post("/e/<slug>/programm/punkt/<int:item_id>/loeschen")
@login_required
def delete_item(slug: str, item_id: int):
    event = access.event_or_404(current_user, slug)
    item = _found(program_editor.item_of(event, item_id))
    return _delete(event, program_editor.delete_item, item, _("Der Programmpunkt ist gelöscht."),
                   _("Programmpunkt „%(title)s“ löschen?", title=item.title))
