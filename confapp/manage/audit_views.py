"""The audit log of a network, for its admins."""
from flask import render_template, request
from flask_login import current_user, login_required

from confapp.manage import bp
from confapp.models import Role
from confapp.services.networks import access
from confapp.services.networks import audit


@bp.get("/n/<network_slug>/protokoll")
@login_required
def audit_log(network_slug: str):
    network = access.network_or_404(current_user, network_slug, frozenset({Role.admin}))
    page = request.args.get("seite", 1, type=int) or 1
    return render_template("manage/audit.html", network=network, entries=audit.entries_for(network, page),
                           page=page, page_size=audit.PAGE_SIZE)
