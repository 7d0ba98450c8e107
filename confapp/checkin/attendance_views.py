"""Marking who is in a workshop's room. Parse, call services/attendance, render."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from confapp.checkin import bp
from confapp.checkin.forms import ActionForm
from confapp.services.checkin import attendance
from confapp.services.checkin import door as checkin


@bp.get("/checkin/<slug>/workshop/<int:item_id>")
@login_required
def workshop(slug: str, item_id: int):
    event = checkin.door_event_or_404(current_user, slug)
    item = attendance.item_or_404(current_user, event, item_id)
    rows = attendance.attendance_list(current_user, item)
    return render_template("checkin/workshop.html", event=event, item=item, rows=rows, form=ActionForm(),
                           present=sum(row.present for row in rows))


@bp.post("/checkin/<slug>/workshop/<int:item_id>/<int:registration_id>/<any(anwesend, abwesend):action>")
@login_required
def mark(slug: str, item_id: int, registration_id: int, action: str):
    event = checkin.door_event_or_404(current_user, slug)
    item = attendance.item_or_404(current_user, event, item_id)
    if action == "anwesend" and not attendance.mark_present(current_user, item, registration_id):
        flash(_("War schon als anwesend markiert."), "warning")
    if action == "abwesend" and not attendance.mark_absent(current_user, item, registration_id):
        flash(_("War nicht als anwesend markiert."), "warning")
    return redirect(url_for(".workshop", slug=slug, item_id=item_id) + f"#person-{registration_id}")
