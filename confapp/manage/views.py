"""The organiser's start page: their networks and events."""
from flask import render_template
from flask_login import current_user, login_required

from confapp.manage import bp
from confapp.services.networks import access
from confapp.services.documents import workshop_lists


@bp.get("/")
@login_required
def dashboard():
    return render_template("manage/dashboard.html",
                           events=access.events_for(current_user),
                           memberships=sorted(current_user.memberships, key=lambda m: m.network.name),
                           led=workshop_lists.led_by(current_user),
                           organised={n.id for n in access.networks_of(current_user, access.ORGANISERS)})
