"""The organiser's start page: their networks and events."""
from flask import render_template
from flask_login import current_user, login_required

from confapp.manage import bp
from confapp.services.networks import access, settings
from confapp.services.documents import workshop_lists


@bp.get("/")
@login_required
def dashboard():
    # The "before you publish" checklist of each network the user administers, with open items first.
    readiness = [(network, settings.is_published(network), settings.checklist(network))
                 for network in access.networks_of(current_user, access.ADMINS)]
    return render_template("manage/dashboard.html", readiness=readiness,
                           events=access.events_for(current_user),
                           memberships=sorted(current_user.memberships, key=lambda m: m.network.name),
                           led=workshop_lists.led_by(current_user),
                           organised={n.id for n in access.networks_of(current_user, access.ORGANISERS)},
                           at_the_door=bool(access.networks_of(current_user, access.DOOR)))
