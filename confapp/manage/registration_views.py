"""The registrations of an event: the searchable table and each registration's detail page."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from confapp.manage import bp
from confapp.services import access, registration_list
from confapp.services.registration_list import RegistrationFilter


def _filter_from(args) -> RegistrationFilter:
    return RegistrationFilter(
        q=args.get("q", "")[:100], status=args.get("status", ""), sector=args.get("sector", "")[:100],
        unassigned_slot_id=args.get("ohne_zuteilung", type=int), item_id=args.get("workshop", type=int),
        wished=args.get("wunsch") == "1", waitlist=args.get("warteliste") == "1",
        sort=args.get("sort", "name"), page=args.get("seite", 1, type=int) or 1)


@bp.get("/e/<slug>/anmeldungen")
@login_required
def registrations(slug: str):
    event = access.event_or_404(current_user, slug)
    wanted = _filter_from(request.args)
    found = registration_list.search(event, wanted)
    items = [item for slot in event.choice_slots for item in slot.choice_items]
    args = {key: value for key, value in request.args.items() if key != "seite"}
    return render_template("manage/registrations.html", event=event, wanted=wanted, found=found, items=items,
                           sorts=registration_list.SORTS, args=args)


@bp.get("/e/<slug>/anmeldungen/<int:registration_id>")
@login_required
def registration_detail(slug: str, registration_id: int):
    event = access.event_or_404(current_user, slug)
    registration = registration_list.registration_or_404(event, registration_id)
    return render_template("manage/registration.html", event=event, registration=registration)
